/**
 * Errors the CLI turns into messages and exit codes (design.md §3, contract):
 * 0 done · 1 --timeout passed before the verdict · 2 usage error · 3 cannot reach, authenticate
 * to, or is forbidden by the cluster. Only cli/main.ts calls process.exit.
 */
export const ExitCode = {
  Done: 0,
  Timeout: 1,
  Usage: 2,
  Cluster: 3,
  /** Not in the contract's list because it should never happen: a bug in kubespy (sysexits EX_SOFTWARE). */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad arguments, unknown kind, malformed name: the user must change the command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** `--timeout` passed before the `--until` verdict was reached. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}
