/**
 * `kubespy cluster`: the embedded cluster in the foreground, for kubectl and kubespy alike.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { parseNumberFlag } from '../numbers.js';

interface ClusterFlags {
  port: string;
  kubeconfigOut: string;
  speed: string;
  nodes: string;
  http?: boolean;
}

export function registerClusterCommand(program: Command, io: CliIO, _result: { code: number }): void {
  program
    .command('cluster')
    .description('run the embedded cluster (a Kubernetes-compatible API server on 127.0.0.1) in the foreground')
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', '0')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig for it', 'kubespy-cluster.kubeconfig')
    .option('--speed <factor>', 'speed factor for simulated durations', '1')
    .option('--nodes <count>', 'number of Nodes', '3')
    .option('--http', 'serve plain HTTP instead of HTTPS')
    .addHelpText(
      'after',
      `
Examples:
  kubespy cluster                                   any free port, kubeconfig in ./kubespy-cluster.kubeconfig
  kubespy cluster --port 6443 --kubeconfig-out /tmp/kc
  KUBECONFIG=./kubespy-cluster.kubeconfig kubectl get nodes

Steer the simulation with pod-template annotations (sim.kubespy.dev/readiness, image-pull, crash,
startup): see docs/embedded-cluster.md.`,
    )
    .action(async (flags: ClusterFlags) => {
      const port = parseNumberFlag('--port', flags.port, { min: 0, max: 65535, integer: true });
      const speed = parseNumberFlag('--speed', flags.speed, { min: 0.01, max: 1000 });
      const nodes = parseNumberFlag('--nodes', flags.nodes, { min: 1, max: 500, integer: true });
      // Loaded on use: the cluster and its CA (@peculiar/x509) are half of the bundle, which
      // every other command starts faster for not parsing (issue 6; scripts/build.mjs splits it).
      const { startEmbeddedCluster } = await import('../../cluster/index.js');
      let cluster;
      try {
        cluster = await startEmbeddedCluster({ port, speed, nodes, tls: !flags.http });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new UsageError(`port ${port} on 127.0.0.1 is already in use`, 'Pick another with --port, or --port 0 for any free port.');
        }
        throw error;
      }
      const file = path.resolve(flags.kubeconfigOut);
      // The kubeconfig holds the cluster's bearer token: readable by its owner only, as kubectl writes it.
      await writeFile(file, cluster.kubeconfig(), { mode: 0o600 });
      io.stdout.write(
        [
          `kubespy embedded cluster listening on ${cluster.url} (loopback only, Kubernetes v1.32 API, ${nodes} nodes, speed ×${speed})`,
          `kubeconfig written to ${file}`,
          '',
          `  export KUBECONFIG=${file}`,
          '  kubectl get nodes',
          '  kubespy trace svc NAME',
          '',
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await cluster.close();
      io.stdout.write('embedded cluster stopped\n');
    });
}
