/**
 * `kubespy trace KIND NAME`: a live checklist for a Service (issue 3) or a workload (issue 4).
 */
import type { Command } from 'commander';
import { addConnectionOptions, connect, type ConnectionFlags } from '../connect.js';
import type { CliIO } from '../io.js';
import { addOutputOptions, resolveOutput, type OutputFlags } from '../output-options.js';
import { shownAfterProbe } from '../probe.js';
import { createReportSink } from '../report-sink.js';
import { runTrace } from '../run-trace.js';
import { sessionFor, TRACEABLE_KINDS } from '../sessions.js';
import { parseTraceTarget } from '../target.js';

export function registerTraceCommand(program: Command, io: CliIO, result: { code: number }): void {
  const command = program
    .command('trace')
    .description('live checklist for a Service (why is it not getting traffic?) or a workload rollout (what is holding it back?)')
    .argument('<kind-and-name...>', 'KIND NAME, KIND/NAME or KIND NAMESPACE/NAME (KIND: service|svc, deployment|deploy, replicaset|rs, statefulset|sts, daemonset|ds, pod|po)')
    .addHelpText(
      'after',
      `
Examples:
  kubespy trace svc web                     follow Service web in the current namespace
  kubespy trace service shop/web            NAMESPACE/NAME, as kubectl accepts it
  kubespy trace svc/web -n shop -o plain    one line per transition (the default when piped)
  kubespy trace svc web -o json             one JSON report per change, for scripts
  kubespy trace svc web --until ready --timeout 5m
                                            CI gate: exit 0 when ready, 1 on timeout
  kubespy trace deploy web                  a rollout: new and old ReplicaSets, their Pods, what holds it back
  kubespy trace deploy web --until ready --timeout 10m
                                            like \`kubectl rollout status\`, same completion rule
  kubespy trace sts db                      StatefulSet: ordinal by ordinal, currentRevision vs updateRevision
  kubespy trace ds node-agent               DaemonSet: desired/updated/ready per node, misscheduled
  kubespy trace po web-7d9c6f5b8-2xkqp      one Pod's timeline, its containers and events

Checks (service): service, selector, pods, endpoints, ports, address, dns, proxy, networkpolicy, events.
Checks (workloads): workload, rollout, replicasets (Deployment) or revisions (StatefulSet, DaemonSet),
  pods, available, events.
Verdicts: absent, pending, degraded, ready, failing, deleted.`,
    );
  addConnectionOptions(command);
  addOutputOptions(command);
  command.action(async (args: string[], flags: ConnectionFlags & OutputFlags) => {
    const target = parseTraceTarget(args, flags.namespace, TRACEABLE_KINDS);
    const output = resolveOutput(flags, io);
    const connection = await connect({ ...flags, debug: program.opts().debug === true }, io, { probeInBackground: true });
    // The watches start while the probe is on its way; if it fails, the trace stops (the
    // connection's signal) and the command ends with the probe's error (exit 3), as if it had
    // been awaited first.
    const { signal } = connection;
    try {
      const namespace = target.namespace ?? connection.namespace;
      const { clock, finished } = connection;
      const session = shownAfterProbe(
        sessionFor(target.kind, { source: connection.source, namespace, name: target.name, clock, signal, timeScale: connection.timeScale }),
        connection.probed,
      );
      const sink = createReportSink(output.mode, io, { colorFlag: output.colorFlag });
      result.code = await runTrace(session, {
        clock,
        signal,
        sink,
        stderr: io.stderr,
        until: output.until,
        timeoutMs: output.timeoutMs,
        // --replay: the trace ends with the recording.
        endWhen: finished,
        state: finished ? 'replay' : 'live',
        afterUpdate: connection.reported,
      });
      connection.throwIfProbeFailed();
    } finally {
      connection.close();
    }
  });
}
