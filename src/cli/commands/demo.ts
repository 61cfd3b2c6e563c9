/**
 * `kubespy demo [SCENARIO]`: starts the embedded cluster, plays a scenario on it and traces it —
 * kubespy at work with no cluster of your own (issue 3). The trace talks to the embedded cluster
 * over HTTPS through the same client a real cluster gets.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { waitForSystemReady } from '../../cluster/ready.js';
import { findScenario, playScenario, SCENARIOS } from '../../cluster/scenarios/index.js';
import { connect } from '../connect.js';
import { UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { parseNumberFlag } from '../numbers.js';
import { addRecordingOptions, replayFeed, withRecording, type RecordingFlags } from '../recording.js';
import { addOutputOptions, resolveOutput, type OutputFlags } from '../output-options.js';
import { createReportSink, type ReportSink } from '../report-sink.js';
import { runTrace } from '../run-trace.js';
import { sessionFor } from '../sessions.js';

interface DemoFlags extends OutputFlags, RecordingFlags {
  list?: boolean;
  speed: string;
}

export function registerDemoCommand(program: Command, io: CliIO, result: { code: number }): void {
  const command = program
    .command('demo')
    .description('watch kubespy trace a scenario on the embedded cluster (no cluster needed)')
    .argument('[scenario]', `scenario to play (default: ${SCENARIOS[0]!.name}; see --list)`)
    .option('--list', 'list the scenarios')
    .option('--speed <factor>', 'play the scenario (with --replay: the recording; 0 = at once) this many times faster', '1')
    .addHelpText(
      'after',
      `
Examples:
  kubespy demo                      a LoadBalancer Service comes online
  kubespy demo --list               every scenario, with what it shows
  kubespy demo selector-typo        a Service whose selector matches nothing, and the fix
  kubespy demo image-pull -o plain  the same story as a transition log`,
    );
  addOutputOptions(command);
  addRecordingOptions(command, { speed: false });
  command.action(async (name: string | undefined, flags: DemoFlags) => {
    if (flags.list) {
      for (const scenario of SCENARIOS) {
        io.stdout.write(`${scenario.name.padEnd(18)} ${scenario.title}\n${' '.repeat(19)}${scenario.description}\n\n`);
      }
      return;
    }
    const scenario = findScenario(name ?? SCENARIOS[0]!.name);
    if (!scenario) {
      throw new UsageError(`unknown scenario "${name}"`, `Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')} (kubespy demo --list).`);
    }
    if (flags.replay !== undefined) {
      // A recorded demo, traced again; --speed is the replay's speed here (0: as fast as possible).
      const output = resolveOutput(flags, io);
      const feed = withRecording(replayFeed(flags, io), flags);
      try {
        const { namespace, name: target } = scenario.target;
        const session = sessionFor(scenario.target.kind, { source: feed.source, namespace, name: target, clock: feed.clock, signal: io.signal, timeScale: feed.timeScale });
        const sink = createReportSink(output.mode, io, { colorFlag: output.colorFlag });
        result.code = await runTrace(session, { clock: feed.clock, signal: io.signal, sink, stderr: io.stderr, until: output.until, timeoutMs: output.timeoutMs, endWhen: feed.finished, state: 'replay' });
      } finally {
        feed.close();
      }
      return;
    }
    const speed = parseNumberFlag('--speed', flags.speed, { min: 0.1, max: 1000 });
    const output = resolveOutput(flags, io);
    const sink = createReportSink(output.mode, io, { colorFlag: output.colorFlag });

    // Loaded here, not at the top: the embedded cluster and its CA (@peculiar/x509) are half of the
    // bundle, and every other command starts faster for not parsing them (issue 6).
    const { startEmbeddedCluster } = await import('../../cluster/index.js');
    const cluster = await startEmbeddedCluster({ speed });
    const dir = await mkdtemp(path.join(tmpdir(), 'kubespy-demo-'));
    try {
      const kubeconfig = path.join(dir, 'kubeconfig');
      await writeFile(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
      sink.note(`embedded cluster started at ${cluster.url}; waiting for CoreDNS and kube-proxy`, io.clock.now());
      await waitForSystemReady(cluster.store, io.clock);
      const connection = withRecording({ ...(await connect({ kubeconfig }, io, { env: {} })), timeScale: speed }, flags);
      try {
        const { namespace, name: target } = scenario.target;
        const session = sessionFor(scenario.target.kind, { source: connection.source, namespace, name: target, clock: io.clock, signal: io.signal, timeScale: speed });
        // The story starts once the trace has shown where it starts from. Its watches sync over
        // HTTPS, which on a loaded machine can take longer than the pause before the first step:
        // played ahead of the trace, a step is never seen (the report would open past `absent`).
        let firstReport: () => void = () => {};
        const traced = new Promise<void>((resolve) => (firstReport = resolve));
        const demoSink: ReportSink = { ...sink, show: (report, now, header) => { sink.show(report, now, header); firstReport(); } };
        const playing = playScenario(scenario, {
          store: cluster.store,
          clock: io.clock,
          speed,
          startWhen: traced,
          onStep: (narration) => sink.note(narration, io.clock.now()),
          onError: (narration, error) => sink.note(`${narration}: refused (${error instanceof Error ? error.message : String(error)})`, io.clock.now()),
        });
        result.code = await runTrace(session, {
          clock: io.clock,
          signal: io.signal,
          sink: demoSink,
          stderr: io.stderr,
          until: output.until,
          timeoutMs: output.timeoutMs,
          endWhen: playing.finished,
          afterUpdate: connection.reported,
        });
        playing.stop();
      } finally {
        connection.close();
      }
    } finally {
      await cluster.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
