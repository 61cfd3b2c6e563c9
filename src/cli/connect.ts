/**
 * Connection flags shared by every command that talks to a cluster, as kubectl spells them.
 */
import type { Command } from 'commander';
import { createLiveSource } from '../kube/object-source.js';
import { createDiscovery, createRestClient, loadClusterConfig, type RestClient } from '../kube/index.js';
import type { CliIO } from './io.js';
import { addRecordingOptions, replayFeed, withRecording, type ObjectFeed, type RecordingFlags } from './recording.js';
import { probeCluster } from './probe.js';
import { VERSION } from './version.js';

export interface ConnectionFlags extends RecordingFlags {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  debug?: boolean;
}

export function addConnectionOptions(command: Command): Command {
  command
    .option('-n, --namespace <namespace>', 'namespace (default: the context\'s, else "default")')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)');
  return addRecordingOptions(command);
}

/** A cluster (rest set), or a recording being replayed (--replay: no rest, `finished` set). */
export interface Connection extends ObjectFeed {
  rest?: RestClient;
  /**
   * Settles with the start-up probe (probe.ts): rejects when the cluster is unreachable or
   * rejects the credentials. Already settled unless connect was asked for `probeInBackground`.
   */
  probed: Promise<void>;
  /** The command's signal (io.signal), aborted too when a background probe fails. */
  signal: AbortSignal;
  /** Throws the probe's error when it failed: a command that probed in the background ends with it (exit 3). */
  throwIfProbeFailed(): void;
}

export interface ConnectOptions {
  /** Where kubeconfig lookups read KUBECONFIG and HOME; the demo passes {}. */
  env?: Record<string, string | undefined>;
  /**
   * Return before the probe answers, so the caller's watches start during its round trip (~5–10
   * ms of start-up, issue 6). The caller must show nothing before `probed` resolves (probe.ts
   * shownAfterProbe), stop with `signal` and end with throwIfProbeFailed (commands/trace.ts).
   */
  probeInBackground?: boolean;
}

export async function connect(flags: ConnectionFlags, io: CliIO, options: ConnectOptions = {}): Promise<Connection> {
  if (flags.replay !== undefined) {
    return Object.assign(withRecording(replayFeed(flags, io), flags), { probed: Promise.resolve(), signal: io.signal, throwIfProbeFailed() {} });
  }
  const env = options.env ?? io.env;
  const config = await loadClusterConfig({ kubeconfig: flags.kubeconfig, context: flags.context, env });
  const rest = createRestClient(config, {
    userAgent: `kubespy/${VERSION} (${process.platform}/${process.arch})`,
    debugLog: flags.debug ? (line) => io.stderr.write(`[debug] ${line}\n`) : undefined,
  });
  const probed = probeCluster(rest, io.signal);
  const probeFailed = new AbortController();
  let probeError: unknown;
  if (options.probeInBackground) {
    probed.catch((error: unknown) => {
      probeError = error;
      probeFailed.abort();
    });
  } else {
    await probed;
  }
  return withRecording({
    probed,
    signal: options.probeInBackground ? AbortSignal.any([io.signal, probeFailed.signal]) : io.signal,
    throwIfProbeFailed() {
      if (probeFailed.signal.aborted) throw probeError;
    },
    rest,
    source: createLiveSource({ rest, clock: io.clock }),
    clock: io.clock,
    discovery: createDiscovery(rest),
    namespace: config.namespace,
    close: () => rest.close(),
  }, flags);
}
