/**
 * List continue tokens, shaped like the real ones (base64 of
 * `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`): opaque to clients, they pin the
 * snapshot resourceVersion so later pages stay consistent with the first, until compaction.
 */
import { badRequest } from './errors.js';

export interface ContinueToken {
  rv: number;
  /** Keys >= start are on the next pages. */
  start: string;
}

export function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString('base64');
}

export function decodeContinue(token: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw badRequest('invalid continue token: continue key is not valid: illegal base64 data or JSON');
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (typeof p !== 'object' || p === null || p.v !== 'meta.k8s.io/v1') {
    throw badRequest('invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof p.rv !== 'number' || !Number.isInteger(p.rv) || p.rv < 1 || typeof p.start !== 'string' || p.start === '') {
    throw badRequest('invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return { rv: p.rv, start: p.start };
}
