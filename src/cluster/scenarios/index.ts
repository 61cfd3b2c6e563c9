import { SERVICE_SCENARIOS } from './service-scenarios.js';
import type { Scenario } from './types.js';
import { WORKLOAD_SCENARIOS } from './workload-scenarios.js';

export type { Scenario, ScenarioStep } from './types.js';
export { playScenario } from './player.js';

/** Every scenario `kubespy demo` can play; the first is the default. */
export const SCENARIOS: Scenario[] = [...SERVICE_SCENARIOS, ...WORKLOAD_SCENARIOS];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
