/**
 * RFC 6902 JSON patch (kubectl patch --type=json), applied with fast-json-patch.
 *
 * kube-apiserver (apiserver/pkg/endpoints/handlers/patch.go) answers a patch it cannot decode
 * with 400 BadRequest, and one that does not apply with 422 whose message is the generic
 * `the server rejected our request due to an error in our request` and whose single cause
 * (type UnexpectedServerResponse) carries evanphx/json-patch's error text — reproduced here.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { isObject, type JsonObject } from '../objects/json.js';
import { badRequest, PatchError } from './errors.js';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Shape checks done while decoding the body (jsonpatch.DecodePatch + per-op field checks). */
function decode(body: unknown): Operation[] {
  if (!Array.isArray(body)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  body.forEach((op: unknown, i) => {
    if (!isObject(op)) throw badRequest(`json: cannot unmarshal ${typeof op} into Go value of type jsonpatch.Operation (operation ${i})`);
    if (typeof op.op !== 'string' || !OPS.has(op.op)) throw unprocessable(`Unexpected kind: ${String(op.op)}`);
    if (typeof op.path !== 'string') throw unprocessable(`${op.op} operation missing path`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') throw unprocessable(`${op.op} operation missing from`);
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
      throw unprocessable(`${op.op} operation missing value`);
    }
  });
  return body as Operation[];
}

function unprocessable(detail: string): PatchError {
  return new PatchError(422, 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: detail }],
  });
}

/** evanphx/json-patch's wording for each failure fast-json-patch reports. */
function describeFailure(name: string, op: Operation | undefined): string {
  const kind = op?.op ?? 'patch';
  const path = op?.path ?? '';
  switch (name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
      if (kind === 'test') return `testing value ${path} failed: test failed`;
      if (kind === 'replace') return `replace operation does not apply: doc is missing key: ${path}: missing value`;
      return `${kind} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${kind} operation does not apply: doc is missing from path: "${op && 'from' in op ? op.from : ''}": missing value`;
    case 'OPERATION_PATH_CANNOT_ADD':
      return `add operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `${kind} operation does not apply: doc is missing path: "${path}": invalid index referenced`;
    case 'OPERATION_PATH_INVALID':
      return `${kind} operation does not apply: invalid path: "${path}"`;
    default:
      return `${kind} operation does not apply: ${name}`;
  }
}

export function applyJsonPatch(current: JsonObject, body: unknown): unknown {
  const ops = decode(body);
  try {
    // validate=true checks each op against the document; mutate=false works on a clone.
    return jsonpatch.applyPatch(current, ops, true, false).newDocument;
  } catch (err) {
    if (err instanceof jsonpatch.JsonPatchError) {
      throw unprocessable(describeFailure(err.name, err.operation as Operation | undefined));
    }
    throw err;
  }
}
