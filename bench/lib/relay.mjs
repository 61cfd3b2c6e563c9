// Stamps a child process's stdout lines the moment they arrive, in a process that does nothing
// else (issue 6, latency). The benchmark runs the embedded cluster in its own process: a line read
// there is stamped only once that event loop is free of the controllers' work following a write,
// so both tools' times measured the benchmark, not them. Run as
//   node bench/lib/relay.mjs COMMAND [ARGS…]
// it prints "<wall-clock ms>\t<line>" for each stdout line of COMMAND (stderr passes through),
// forwards SIGTERM/SIGINT and exits with COMMAND's status. The stamp is
// performance.timeOrigin + performance.now(): monotonic within a process and on the same clock as
// the writer's, which stamps its writes the same way. Plain JavaScript, so it starts without tsx.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: relay.mjs COMMAND [ARGS…]\n');
  process.exit(2);
}
const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
let partial = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  const at = (performance.timeOrigin + performance.now()).toFixed(3);
  const parts = (partial + chunk).split('\n');
  partial = parts.pop() ?? '';
  if (parts.length) process.stdout.write(parts.map((line) => `${at}\t${line}\n`).join(''));
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`relay: ${error.message}\n`);
  process.exit(127);
});
child.on('close', (code, signal) => {
  if (partial) process.stdout.write(`${(performance.timeOrigin + performance.now()).toFixed(3)}\t${partial}\n`);
  process.exitCode = code ?? (signal ? 128 : 1);
});
