import { describe, expect, it } from 'vitest';
import { waiting } from './fixtures/builders.js';
import { type WorkloadCase, daemonPod, daemonSet, describeWorkloadTable, workloadInput } from './fixtures/workloads.js';
import { analyseDaemonSet } from './daemonset.js';

const input = (o: Parameters<typeof workloadInput>[0]) => workloadInput({ name: 'agent', ...o });
const nodes = ['node-1', 'node-2', 'node-3'];

const cases: WorkloadCase[] = [
  {
    name: 'one ready Pod per node',
    input: input({ workload: daemonSet('agent'), pods: nodes.map((n) => daemonPod('agent', n)) }),
    verdict: 'ready',
    summary: 'DaemonSet default/agent · 3 nodes · READY',
    messages: { rollout: 'daemon set "agent" successfully rolled out', revisions: '3 of 3 Pods run the current template (generation 1)', pods: '3 of 3 ready' },
    details: { pods: ['desired 3 · scheduled 3 · updated 3 · ready 3 · available 3 · misscheduled 0', 'agent-n2x  node-2  ready for 30 s'] },
  },
  {
    name: 'rolling update: 1 of 3 nodes updated',
    input: input({ workload: daemonSet('agent', { generation: 2, updated: 1 }), pods: [daemonPod('agent', 'node-1', 2), daemonPod('agent', 'node-2'), daemonPod('agent', 'node-3')] }),
    verdict: 'pending',
    messages: { rollout: 'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...', revisions: '1 of 3 Pods run the current template (generation 2)' },
    details: { revisions: ['agent-n2x on node-2 runs template generation 1'], pods: ['agent-n3x  node-3  old template  ready for 30 s'] },
  },
  {
    name: 'an updated Pod that cannot pull → failing',
    input: input({ workload: daemonSet('agent', { generation: 2, updated: 1, available: 2, ready: 2 }), pods: [waiting(daemonPod('agent', 'node-1', 2), 'ImagePullBackOff', undefined, { phase: 'Pending' }), daemonPod('agent', 'node-2'), daemonPod('agent', 'node-3')] }),
    verdict: 'failing',
    statuses: { rollout: 'fail', pods: 'fail' },
  },
  {
    name: 'misscheduled Pods → degraded',
    input: input({ workload: daemonSet('agent', { misscheduled: 1 }), pods: nodes.map((n) => daemonPod('agent', n)) }),
    verdict: 'degraded',
    statuses: { pods: 'warn' },
    messages: { pods: '3 of 3 ready · 1 misscheduled (running on nodes that should not run them)' },
  },
  {
    name: 'no node matches: desired 0 is done',
    input: input({ workload: daemonSet('agent', { desired: 0 }), pods: [] }),
    verdict: 'ready',
    messages: { rollout: 'daemon set "agent" successfully rolled out', available: 'scaled to 0: no Pods wanted' },
  },
];

describeWorkloadTable('analyseDaemonSet', cases, analyseDaemonSet, ['workload', 'rollout', 'revisions', 'pods', 'available', 'events']);

describe('analyseDaemonSet on many nodes', () => {
  it('lists at most 12 old-template Pods in revisions, then how many more (design.md §7.7: bounded view)', () => {
    const many = Array.from({ length: 500 }, (_, i) => `node-${i}`);
    const report = analyseDaemonSet(input({ workload: daemonSet('agent', { generation: 2, desired: 500, updated: 0 }), pods: many.map((n) => daemonPod('agent', n, 1)) }));
    const details = report.checks.find((c) => c.id === 'revisions')?.details ?? [];
    expect(details).toHaveLength(13);
    expect(details.at(-1)).toBe('… and 488 more');
  });
});
