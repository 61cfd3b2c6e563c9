/**
 * The one error patch code throws. The store turns it into a Status (kubernetes-facts.md §9):
 * `code` is the HTTP status, `reason` the Status reason, `causes` its details.causes.
 */
import type { StatusCause } from '../../lib/kube-object.js';

export type PatchErrorCode = 400 | 409 | 415 | 422 | 500;

const DEFAULT_REASONS: Record<PatchErrorCode, string> = {
  400: 'BadRequest',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  500: 'InternalError',
};

export class PatchError extends Error {
  override readonly name = 'PatchError';
  readonly reason: string;
  readonly causes: StatusCause[];

  constructor(
    readonly code: PatchErrorCode,
    message: string,
    options: { reason?: string; causes?: StatusCause[] } = {},
  ) {
    super(message);
    this.reason = options.reason ?? DEFAULT_REASONS[code];
    this.causes = options.causes ?? [];
  }
}

export function badRequest(message: string): PatchError {
  return new PatchError(400, message);
}
