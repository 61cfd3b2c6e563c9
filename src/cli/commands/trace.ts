/**
 * `kubespy trace KIND NAME`: a live checklist for a Service (issue 3).
 */
import type { Command } from 'commander';
import { addConnectionOptions, connect, type ConnectionFlags } from '../connect.js';
import type { CliIO } from '../io.js';
import { addOutputOptions, resolveOutput, type OutputFlags } from '../output-options.js';
import { createReportSink } from '../report-sink.js';
import { runTrace } from '../run-trace.js';
import { sessionFor, TRACEABLE_KINDS } from '../sessions.js';
import { parseTraceTarget } from '../target.js';

export function registerTraceCommand(program: Command, io: CliIO, result: { code: number }): void {
  const command = program
    .command('trace')
    .description('live checklist for a Service: why is (or isn\'t) it getting traffic?')
    .argument('<kind-and-name...>', 'KIND NAME, KIND/NAME or KIND NAMESPACE/NAME (KIND: service|svc)')
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

Checks: service, selector, pods, endpoints, ports, address, dns, proxy, networkpolicy, events.
Verdicts: absent, pending, degraded, ready, failing, deleted.`,
    );
  addConnectionOptions(command);
  addOutputOptions(command);
  command.action(async (args: string[], flags: ConnectionFlags & OutputFlags) => {
    const target = parseTraceTarget(args, flags.namespace, TRACEABLE_KINDS);
    const output = resolveOutput(flags, io);
    const connection = await connect({ ...flags, debug: program.opts().debug === true }, io);
    try {
      const namespace = target.namespace ?? connection.namespace;
      const session = sessionFor(target.kind, { source: connection.source, namespace, name: target.name, clock: io.clock, signal: io.signal });
      const sink = createReportSink(output.mode, io, { colorFlag: output.colorFlag });
      result.code = await runTrace(session, {
        clock: io.clock,
        signal: io.signal,
        sink,
        stderr: io.stderr,
        until: output.until,
        timeoutMs: output.timeoutMs,
      });
    } finally {
      connection.close();
    }
  });
}
