/**
 * Maps anything a command throws to what the user reads and the exit code (design.md §3).
 * kube/ errors already carry user-facing messages; this adds nothing but the code and a hint.
 */
import { ApiError, isClusterAccessError, KubeError, ResourceResolutionError } from '../kube/errors.js';
import { ExitCode, TimeoutError, UsageError } from './errors.js';

export interface DescribedError {
  message: string;
  hint?: string;
  exitCode: number;
}

export function describeError(error: unknown): DescribedError {
  if (error instanceof UsageError) {
    return { message: error.message, hint: error.hint ?? 'Run with --help for usage.', exitCode: ExitCode.Usage };
  }
  if (error instanceof TimeoutError) return { message: error.message, exitCode: ExitCode.Timeout };
  if (error instanceof ResourceResolutionError) return { message: error.message, exitCode: ExitCode.Usage };
  if (isClusterAccessError(error)) return { message: (error as Error).message, exitCode: ExitCode.Cluster };
  if (error instanceof ApiError || error instanceof KubeError) {
    return { message: error.message, exitCode: ExitCode.Cluster };
  }
  // Anything else is a bug in kubespy: say so plainly, without a stack (that needs --debug).
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `internal error: ${message}`,
    hint: 'This is a bug in kubespy. Run again with --debug for details and report it.',
    exitCode: ExitCode.Internal,
  };
}
