/**
 * `kubespy changes [APIVERSION] KIND [NAMESPACE/]NAME` (design.md §3, issue 5): like `status`,
 * for the whole object. `metadata.resourceVersion` and `metadata.managedFields` change on every
 * write, whatever was written, so they are left out unless `--all`.
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../lib/kube-object.js';
import type { CliIO } from '../io.js';
import { diffPrinter, objectCommand, watchObject, type ObjectCommandFlags } from '../watch-object.js';

const NOISE = ['.metadata.resourceVersion', '.metadata.managedFields'];

export function registerChangesCommand(program: Command, io: CliIO, result: { code: number }): void {
  const command = objectCommand(
    program,
    'changes',
    'print an object when it appears, then a coloured diff of the whole object on every change',
    `  kubespy changes deploy web                  what changes in a Deployment, spec and status
  kubespy changes cm shop/settings --all      include resourceVersion and managedFields
  kubespy changes widgets.example.com w1 -o json`,
  ).option('--all', 'also show metadata.resourceVersion and metadata.managedFields');
  command.action(async (args: string[], flags: ObjectCommandFlags & { all?: boolean }) => {
    const part = (object: KubeObject): unknown => {
      if (flags.all || object.metadata.managedFields === undefined) return object;
      const { managedFields: _omitted, ...metadata } = object.metadata;
      return { ...object, metadata };
    };
    const print = diffPrinter({ io, flags, part, root: '', ignore: flags.all ? [] : NOISE });
    result.code = await watchObject({ args, flags, io, debug: program.opts().debug === true, onChange: print });
  });
}
