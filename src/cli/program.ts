/**
 * The command table, flag parsing, and the one place where errors become messages and exit codes
 * (design.md §3). No stack trace reaches a user unless --debug is given. In-process and testable:
 * main.ts wires it to the real process.
 */
import { Command, CommanderError, Option } from 'commander';
import { describeError } from './describe-error.js';
import { ExitCode } from './errors.js';
import { isAbortOf, stopWhenOutputCloses, type CliIO } from './io.js';
import { registerChangesCommand } from './commands/changes.js';
import { registerClusterCommand } from './commands/cluster.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerRecordCommand } from './commands/record.js';
import { registerStatusCommand } from './commands/status.js';
import { registerTraceCommand } from './commands/trace.js';
import { VERSION } from './version.js';

type RegisterCommand = (program: Command, io: CliIO, result: { code: number }) => void;

const COMMANDS: Record<string, RegisterCommand> = {
  trace: registerTraceCommand,
  status: registerStatusCommand,
  changes: registerChangesCommand,
  record: registerRecordCommand,
  demo: registerDemoCommand,
  cluster: registerClusterCommand,
};

/**
 * Builds the program; each command's action resolves to an exit code stored in `result`. Given
 * argv naming a command, only that one is registered: building all six, options and help texts,
 * is ~3 ms of start-up (issue 6). Top-level help, `help CMD` and mistyped commands (whose
 * suggestions list the others) get them all.
 */
export function buildProgram(io: CliIO, result: { code: number }, argv: readonly string[] = []): Command {
  const program = new Command('kubespy')
    .description('See, live, what is happening to Kubernetes objects and why.')
    .version(VERSION, '--version', 'print the kubespy version')
    .helpOption('-h, --help', 'show help')
    .addHelpText(
      'after',
      `
Examples:
  kubespy demo                          see it work on the embedded cluster, no cluster needed
  kubespy trace svc web -n shop         why isn't my Service getting traffic? (live)
  kubespy trace deploy web --until ready --timeout 10m
                                        CI gate: exit 0 once the rollout is done, 1 on timeout
  kubespy status po web-7d9c6f5b8-2xkqp .status as it changes, as coloured diffs
  kubespy changes deploy web            the whole object as it changes
  kubespy record deploy web > web.json  every change as a full object (a JSON array)
  kubespy trace svc web --record web.rec   then:   kubespy trace svc web --replay web.rec
  kubespy cluster --kubeconfig-out ./kubeconfig       run the embedded cluster for kubectl

Exit codes: 0 done or interrupted · 1 --timeout passed · 2 usage error · 3 cluster unreachable,
unauthenticated or forbidden · 70 internal error. Docs: README.md and docs/.`,
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  program.addOption(new Option('--debug', 'show stack traces and request logs (credentials redacted)').hideHelp(false));

  const named = argv.find((arg) => !arg.startsWith('-'));
  const register = named !== undefined && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named] as RegisterCommand] : Object.values(COMMANDS);
  for (const registerCommand of register) registerCommand(program, io, result);
  return program;
}

/** Runs kubespy with argv (without node and script) and returns the exit code. */
export async function run(argv: string[], given: CliIO): Promise<number> {
  const result = { code: ExitCode.Done as number };
  const io = stopWhenOutputCloses(given);
  const program = buildProgram(io, result, argv);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; every parse failure is a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        return ExitCode.Done;
      }
      return ExitCode.Usage;
    }
    // Interrupted while still starting (the demo's cluster, the probe request): the request
    // ends with the signal's AbortError. That is the user stopping kubespy (exit 0), not a bug.
    if (isAbortOf(io.signal, error)) return ExitCode.Done;
    const described = describeError(error);
    io.stderr.write(`kubespy: ${described.message}\n`);
    if (described.hint) io.stderr.write(`${described.hint}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return described.exitCode;
  }
}
