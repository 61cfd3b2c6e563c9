/**
 * `kubespy status [APIVERSION] KIND [NAMESPACE/]NAME` (design.md §3, issue 5): waits for the
 * object, prints its `.status` when it appears, then a coloured diff of `.status` on every change.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { diffPrinter, objectCommand, watchObject, type ObjectCommandFlags } from '../watch-object.js';

export function registerStatusCommand(program: Command, io: CliIO, result: { code: number }): void {
  const command = objectCommand(
    program,
    'status',
    "print an object's .status when it appears, then a coloured diff on every change",
    `  kubespy status po web-7d9c6f5b8-2xkqp       a Pod's status while it boots
  kubespy status deploy shop/web              a Deployment (NAMESPACE/NAME)
  kubespy status apps/v1 Deployment web       with an explicit APIVERSION
  kubespy status node node-1                  cluster-scoped kinds, and CRDs by any of their names
  kubespy status svc web -o json              one JSON line per change: {"time","type","object","changes"}`,
  );
  command.action(async (args: string[], flags: ObjectCommandFlags) => {
    const print = diffPrinter({ io, flags, part: (object) => object.status, root: '.status' });
    result.code = await watchObject({ args, flags, io, debug: program.opts().debug === true, onChange: print });
  });
}
