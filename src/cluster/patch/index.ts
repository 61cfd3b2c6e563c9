/**
 * Patch application for the embedded API server: one pure function per patch type behind
 * applyPatch, which the store calls with the stored object and the request body.
 *
 * Whatever the type, a patch cannot rename or move an object or change its uid
 * (apiserver's patcher checkName + ValidateObjectMetaUpdate). metadata.resourceVersion from the
 * body is kept in the result: the store treats it as a precondition.
 */
import { CORE_SCHEMA, load } from 'js-yaml';
import type { KubeObject } from '../../lib/kube-object.js';
import type { PatchContext, PatchType } from '../store/types.js';
import { isObject, type JsonObject } from '../objects/json.js';
import { serverSideApply } from './apply.js';
import { badRequest, PatchError } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import { mergePatch } from './merge-patch.js';
import { strategicSchemaFor } from './schema.js';
import { strategicMerge } from './strategic.js';

export { PatchError, type PatchErrorCode } from './errors.js';
export { isBuiltinGroup } from './schema.js';
export type { ManagedFieldsEntry } from './apply.js';

/**
 * The body as the server layer hands it over: already-parsed JSON, or the raw text/bytes.
 * Apply bodies may be YAML (application/apply-patch+yaml); the others must be JSON.
 */
function decodeBody(patchType: PatchType, body: unknown): unknown {
  if (!(typeof body === 'string' || body instanceof Uint8Array)) return body;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  try {
    return patchType === 'apply' ? load(text, { schema: CORE_SCHEMA }) : (JSON.parse(text) as unknown);
  } catch (err) {
    throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The custom-resource handler's answer to a strategic merge patch (415). */
const UNSUPPORTED_MEDIA =
  'the body of the request was in an unknown format - accepted media types include: ' +
  'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

function requireObject(patchType: PatchType, body: unknown): JsonObject {
  if (!isObject(body)) {
    throw badRequest(`${patchType === 'apply' ? 'apply' : 'merge'} patch body must be a JSON object, got ${Array.isArray(body) ? 'an array' : typeof body}`);
  }
  return body;
}

export function applyPatch(patchType: PatchType, current: KubeObject, body: unknown, context: PatchContext): KubeObject {
  const decoded = decodeBody(patchType, body);
  let result: unknown;
  switch (patchType) {
    case 'json':
      result = applyJsonPatch(current, decoded);
      break;
    case 'merge':
      result = mergePatch(current, requireObject(patchType, decoded));
      break;
    case 'strategic': {
      const schema = strategicSchemaFor(context.resource);
      if (!schema) throw new PatchError(415, UNSUPPORTED_MEDIA);
      result = strategicMerge(current, requireObject(patchType, decoded), schema);
      break;
    }
    case 'apply':
      result = serverSideApply(current, requireObject(patchType, decoded), context);
      break;
    default: {
      const unknownType: never = patchType;
      throw new PatchError(415, `unsupported patch type ${String(unknownType)}`);
    }
  }
  return keepIdentity(current, result, context);
}

function keepIdentity(current: KubeObject, result: unknown, context: PatchContext): KubeObject {
  if (!isObject(result)) throw new PatchError(422, 'the patched object is not a JSON object');
  const metadata = isObject(result.metadata) ? result.metadata : {};
  const patched: KubeObject = { ...result, metadata };
  const before = current.metadata;

  for (const field of ['name', 'namespace'] as const) {
    const was = before[field];
    const now = metadata[field];
    if (now === undefined || now === null || now === '') {
      if (was !== undefined) metadata[field] = was;
    } else if (was !== undefined && was !== '' && now !== was) {
      throw badRequest(`the ${field} of the object (${String(now)}) does not match the ${field} on the URL (${String(was)})`);
    }
  }
  if (metadata.uid === undefined || metadata.uid === null || metadata.uid === '') {
    if (before.uid !== undefined) metadata.uid = before.uid;
  } else if (before.uid !== undefined && metadata.uid !== before.uid) {
    const message = `Invalid value: ${JSON.stringify(metadata.uid)}: field is immutable`;
    throw new PatchError(422, `${context.resource.kind} "${String(before.name)}" is invalid: metadata.uid: ${message}`, {
      causes: [{ reason: 'FieldValueInvalid', message, field: 'metadata.uid' }],
    });
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    if (patched[field] === undefined && current[field] !== undefined) patched[field] = current[field];
  }
  return patched;
}
