/**
 * kubespy as users run it: `node bin/kubespy.js` (the bundle `npm test` builds first; run
 * `npm run build` before running these tests on their own).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runProcess, startProcess, type Finished, type ProcessOptions, type Running } from './process.js';

export const KUBESPY_BIN = fileURLToPath(new URL('../../bin/kubespy.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/kubespy.mjs', import.meta.url));

/** No KUBECONFIG and no colours unless a test passes them; tests give --kubeconfig explicitly. */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  if (!('KUBECONFIG' in extra)) delete env.KUBECONFIG;
  return env;
}

function assertBuilt(): void {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` (npm test does it first)`);
}

export function runKubespy(args: string[], options: ProcessOptions = {}): Promise<Finished> {
  assertBuilt();
  return runProcess(process.execPath, [KUBESPY_BIN, ...args], { ...options, env: environment(options.env) });
}

export function startKubespy(args: string[], options: ProcessOptions = {}): Running {
  assertBuilt();
  return startProcess(process.execPath, [KUBESPY_BIN, ...args], { timeoutMs: 60_000, ...options, env: environment(options.env) });
}
