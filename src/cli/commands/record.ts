/**
 * `kubespy record [APIVERSION] KIND [NAMESPACE/]NAME` (design.md §3, issue 5): every change of
 * the object as the full object, as the JSON array the original kubespy wrote, or one object per
 * line with `--ndjson`. The array is valid JSON however the command ends: `[` is written first,
 * objects after it separated by `,`, and `]` when it stops — Ctrl-C included (main.ts turns
 * SIGINT into an abort, and this command closes the array before the process exits).
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { objectCommand, watchObject, type ObjectCommandFlags } from '../watch-object.js';

export function registerRecordCommand(program: Command, io: CliIO, result: { code: number }): void {
  const command = objectCommand(
    program,
    'record',
    'print every change of an object as the full object (a JSON array, or NDJSON)',
    `  kubespy record deploy web > web.json        a JSON array, valid even after Ctrl-C
  kubespy record po web-1 --ndjson            one object per line
  kubespy record --record web.rec svc web     also keep a recording to --replay later`,
    { output: false },
  ).option('--ndjson', 'one object per line instead of a JSON array');
  command.action(async (args: string[], flags: ObjectCommandFlags & { ndjson?: boolean }) => {
    let count = 0;
    let open = false;
    result.code = await watchObject({
      args,
      flags,
      io,
      debug: program.opts().debug === true,
      onStart() {
        if (flags.ndjson) return;
        open = true;
        io.stdout.write('[');
      },
      onChange({ object }) {
        const text = JSON.stringify(object);
        io.stdout.write(flags.ndjson ? `${text}\n` : `${count === 0 ? '\n' : ',\n'}${text}`);
        count += 1;
      },
      onEnd() {
        if (open) io.stdout.write('\n]\n');
      },
    });
  });
}
