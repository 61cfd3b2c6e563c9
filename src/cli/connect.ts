/**
 * Connection flags shared by every command that talks to a cluster, as kubectl spells them.
 */
import type { Command } from 'commander';
import { createLiveSource } from '../kube/object-source.js';
import { createRestClient, loadClusterConfig, type RestClient } from '../kube/index.js';
import type { ObjectSource } from '../model/source.js';
import type { CliIO } from './io.js';
import { probeCluster } from './probe.js';
import { VERSION } from './version.js';

export interface ConnectionFlags {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  debug?: boolean;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option('-n, --namespace <namespace>', 'namespace (default: the context\'s, else "default")')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)');
}

export interface Connection {
  rest: RestClient;
  source: ObjectSource;
  /** The namespace to use when the command line names none. */
  namespace: string;
  close(): void;
}

export async function connect(flags: ConnectionFlags, io: CliIO, env: Record<string, string | undefined> = io.env): Promise<Connection> {
  const config = await loadClusterConfig({ kubeconfig: flags.kubeconfig, context: flags.context, env });
  const rest = createRestClient(config, {
    userAgent: `kubespy/${VERSION} (${process.platform}/${process.arch})`,
    debugLog: flags.debug ? (line) => io.stderr.write(`[debug] ${line}\n`) : undefined,
  });
  await probeCluster(rest, io.signal);
  return {
    rest,
    source: createLiveSource({ rest, clock: io.clock }),
    namespace: config.namespace,
    close: () => rest.close(),
  };
}
