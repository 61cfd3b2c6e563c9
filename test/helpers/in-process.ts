/**
 * kubespy's run() in-process (src/cli/program.ts): the same command table, flag parsing and
 * error mapping as the binary, with stdout and stderr captured, no kubeconfig or colour from the
 * machine, and an AbortSignal standing in for Ctrl-C. Faster than spawning, and it sees what a
 * user would see.
 */
import { startCli, type CliResult } from './cli.js';

export type Outcome = CliResult;

export interface InProcessOptions {
  env?: Record<string, string | undefined>;
  /** Ctrl-C after this long (a safety net for commands that run until interrupted). */
  deadlineMs?: number;
  /** Ctrl-C as soon as stdout matches. */
  stopWhen?: RegExp;
}

/** Runs kubespy in-process with no kubeconfig and no colour from the machine (HOME points nowhere). */
export async function runInProcess(argv: string[], options: InProcessOptions = {}): Promise<Outcome> {
  const cli = startCli(argv, { env: { HOME: '/nonexistent', NO_COLOR: '1', ...options.env } });
  const deadline = setTimeout(() => cli.stop(), options.deadlineMs ?? 15_000);
  const { stopWhen } = options;
  const poll = stopWhen ? setInterval(() => stopWhen.test(cli.stdout()) && cli.stop(), 10) : undefined;
  try {
    const code = await cli.code;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  } finally {
    clearTimeout(deadline);
    clearInterval(poll);
  }
}

/** No stack trace without --debug, and no internal error (exit 70). */
export function stackTraceIn(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text);
}

/**
 * A kubeconfig (as JSON, which is YAML) for one cluster and one user entry as given: the user's
 * auth is what the credential tests vary (exec plugins, client keys, passwords).
 */
export function kubeconfigWithUser(server: string, caCertPem: string | undefined, user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, ...(caCertPem ? { 'certificate-authority-data': Buffer.from(caCertPem).toString('base64') } : {}), ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'sec' } }],
    'current-context': 'ctx',
  });
}
