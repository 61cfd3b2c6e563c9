/**
 * kubespy's process entry: signals, real streams, and the only process.exit (design.md §2).
 */
import { systemClock } from '../lib/clock.js';
import { run } from './program.js';

async function main(): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    // A second Ctrl-C means "now": skip the clean shutdown.
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Timers are unref'd (lib/clock.ts) so that nothing lingers once a command is done; but while
  // a command runs, a trace backing off from an unreachable server may hold no socket and no
  // ref'd timer at all, and Node would exit 0 in the middle of `--until ready --timeout 5m`.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const code = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    clock: systemClock,
    signal: controller.signal,
  });
  clearInterval(keepAlive);
  // Let pending writes reach a pipe before exiting.
  process.stdout.write('', () => process.exit(code));
}

void main();
