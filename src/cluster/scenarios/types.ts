/**
 * A demo scenario: a short story played on the embedded cluster while kubespy traces it.
 * Scenarios double as end-to-end fixtures: `verdicts` is the sequence of distinct verdicts the
 * trace must show, which the tests assert.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { Store } from '../store/types.js';

export interface ScenarioStep {
  /** Simulated milliseconds after the previous step (scaled by the cluster speed). */
  after: number;
  /** What happens, as the demo narrates it ("A Deployment of 3 replicas appears"). */
  narration: string;
  run(store: Store): void;
}

export interface Scenario {
  name: string;
  title: string;
  /** One paragraph for `kubespy demo --list`. */
  description: string;
  target: { kind: 'service' | 'deployment' | 'statefulset' | 'daemonset' | 'replicaset' | 'pod'; namespace: string; name: string };
  steps: ScenarioStep[];
  /** Distinct verdicts in order, as `-o json` shows them (the end-to-end tests assert this). */
  verdicts: string[];
  /** Simulated ms to keep tracing after the last step before the demo ends by itself. */
  settle: number;
}

export type Manifest = KubeObject;
