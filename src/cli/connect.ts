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
}

export async function connect(flags: ConnectionFlags, io: CliIO, env: Record<string, string | undefined> = io.env): Promise<Connection> {
  if (flags.replay !== undefined) return withRecording(replayFeed(flags, io), flags);
  const config = await loadClusterConfig({ kubeconfig: flags.kubeconfig, context: flags.context, env });
  const rest = createRestClient(config, {
    userAgent: `kubespy/${VERSION} (${process.platform}/${process.arch})`,
    debugLog: flags.debug ? (line) => io.stderr.write(`[debug] ${line}\n`) : undefined,
  });
  await probeCluster(rest, io.signal);
  return withRecording({
    rest,
    source: createLiveSource({ rest, clock: io.clock }),
    clock: io.clock,
    discovery: createDiscovery(rest),
    namespace: config.namespace,
    close: () => rest.close(),
  }, flags);
}
