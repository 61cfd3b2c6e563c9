/**
 * Resource requests: /api/v1/[namespaces/<ns>/]<plural>[/<name>[/status|/scale]] and the
 * /apis/<g>/<v>/... equivalents — get, list, watch, create, update, patch, delete and
 * deletecollection, mapped onto the Store with the query parameters kubectl sends.
 */
import jsonpatch from 'fast-json-patch';
import { CORE_SCHEMA, load } from 'js-yaml';
import type { KubeObject, Status } from '../../lib/kube-object.js';
import { conflict } from '../store/errors.js';
import { apiVersionOf, qualifiedResource } from '../store/registry.js';
import type { DeleteOptions, PatchType, ResourceType, WatchOptions } from '../store/types.js';
import { authorize, requestVerb, type ForbidRule } from './auth.js';
import { parseJsonBody, queryFlag, queryInt, readBody, readBodyBytes, sendJson, tableVersionRequested, type ApiRequest, type ApiResponse } from './http-util.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf/index.js';
import type { ResourceRoute } from './routes.js';
import { mergePatch, replicasOf, toScale } from './scale.js';
import { badRequest, invalidListOptions, methodNotAllowed, notFoundPath, unsupportedBody, unsupportedMediaType } from './status.js';
import { toTable, type IncludeObject } from './tables.js';
import { serveWatch, validateWatchOptions, type WatchContext } from './watch.js';

export interface HandlerContext extends WatchContext {
  forbid: ForbidRule[];
}

interface Request {
  type: ResourceType;
  resource: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: 'status' | 'scale' | undefined;
  query: URLSearchParams;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Finds the served type for a route; unknown type, version, scope or subresource → 404. */
function resolve(ctx: HandlerContext, route: ResourceRoute): ResourceType {
  const type = ctx.store.registry.get(route.group ? `${route.plural}.${route.group}` : route.plural);
  if (!type || type.version !== route.version || type.group !== route.group) throw notFoundPath();
  if (route.namespace !== undefined && !type.namespaced) throw notFoundPath();
  if (route.subresource !== undefined && !(type.subresources as string[]).includes(route.subresource)) throw notFoundPath();
  return type;
}

export async function handleResource(
  ctx: HandlerContext,
  req: ApiRequest,
  res: ApiResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): Promise<void> {
  const type = resolve(ctx, route);
  const method = req.method ?? 'GET';
  const watch = route.watchPrefix || queryFlag(query, 'watch');
  if (route.watchPrefix && method !== 'GET') throw methodNotAllowed();
  const verb = requestVerb(method, route.name !== undefined, watch);
  authorize(ctx.forbid, {
    verb,
    group: type.group,
    plural: type.plural,
    ...(route.subresource !== undefined ? { subresource: route.subresource } : {}),
    ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
    ...(route.name !== undefined ? { name: route.name } : {}),
  });
  const r: Request = {
    type,
    resource: qualifiedResource(type),
    namespace: route.namespace,
    name: route.name,
    subresource: route.subresource as Request['subresource'],
    query,
  };
  // A namespaced object is only addressable inside its namespace (listing across all is fine).
  const needsNamespace = type.namespaced && r.namespace === undefined;
  const accept = req.headers.accept;

  if (watch) {
    if (method !== 'GET') throw methodNotAllowed();
    return startWatch(ctx, res, r, accept);
  }
  if (r.name === undefined) {
    switch (method) {
      case 'GET':
        return list(ctx, res, r, accept);
      case 'POST':
        if (needsNamespace) throw notFoundPath();
        return create(ctx, req, res, r);
      case 'DELETE':
        return deleteCollection(ctx, req, res, r);
      default:
        throw methodNotAllowed();
    }
  }
  if (needsNamespace) throw notFoundPath();
  switch (method) {
    case 'GET':
      return get(ctx, res, r, accept);
    case 'PUT':
      return update(ctx, req, res, r);
    case 'PATCH':
      return patch(ctx, req, res, r);
    case 'DELETE':
      if (r.subresource) throw methodNotAllowed();
      return remove(ctx, req, res, r);
    default:
      throw methodNotAllowed();
  }
}

// ---------------------------------------------------------------------------------------------
// Reads

function includeObject(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  if (value === null || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(`includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`);
}

function get(ctx: HandlerContext, res: ApiResponse, r: Request, accept: string | undefined): void {
  const obj = ctx.store.get(r.resource, r.namespace, r.name!);
  if (r.subresource === 'scale') return sendJson(res, 200, toScale(obj));
  const table = tableVersionRequested(accept);
  if (table) {
    return sendJson(
      res,
      200,
      toTable(r.type, [obj], {
        now: ctx.clock.now(),
        apiVersion: `meta.k8s.io/${table}`,
        includeObject: includeObject(r.query),
        resourceVersion: obj.metadata.resourceVersion ?? '',
      }),
    );
  }
  sendJson(res, 200, obj);
}

function selectors(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
  const out: { labelSelector?: string; fieldSelector?: string } = {};
  const label = query.get('labelSelector');
  const field = query.get('fieldSelector');
  if (label) out.labelSelector = label;
  if (field) out.fieldSelector = field;
  return out;
}

function list(ctx: HandlerContext, res: ApiResponse, r: Request, accept: string | undefined): void {
  const query = r.query;
  if (query.get('sendInitialEvents') !== null) throw invalidListOptions('sendInitialEvents', 'sendInitialEvents is forbidden for list');
  const rvMatch = query.get('resourceVersionMatch');
  if (rvMatch && !query.get('resourceVersion')) {
    throw invalidListOptions('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  const limit = queryInt(query, 'limit');
  const cont = query.get('continue');
  // Lists are always served from the latest state: that satisfies resourceVersion "", "0" and
  // NotOlderThan (the store has no older snapshots to serve Exact from).
  const result = ctx.store.list(r.resource, {
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    ...selectors(query),
    ...(limit !== undefined && limit > 0 ? { limit } : {}),
    ...(cont ? { continue: cont } : {}),
  });
  const table = tableVersionRequested(accept);
  if (table) {
    const options: Parameters<typeof toTable>[2] = {
      now: ctx.clock.now(),
      apiVersion: `meta.k8s.io/${table}`,
      includeObject: includeObject(query),
      resourceVersion: result.resourceVersion,
    };
    if (result.continue) options.continue = result.continue;
    if (result.remainingItemCount !== undefined) options.remainingItemCount = result.remainingItemCount;
    return sendJson(res, 200, toTable(r.type, result.items, options));
  }
  const metadata: Rec = { resourceVersion: result.resourceVersion };
  if (result.continue) metadata['continue'] = result.continue;
  if (result.remainingItemCount !== undefined) metadata['remainingItemCount'] = result.remainingItemCount;
  sendJson(res, 200, { kind: r.type.listKind, apiVersion: apiVersionOf(r.type), metadata, items: result.items });
}

function startWatch(ctx: HandlerContext, res: ApiResponse, r: Request, accept: string | undefined): void {
  const query = r.query;
  const sendInitialEvents = query.get('sendInitialEvents');
  const rvMatch = query.get('resourceVersionMatch');
  validateWatchOptions({
    ...(sendInitialEvents !== null ? { sendInitialEvents: queryFlag(query, 'sendInitialEvents') } : {}),
    ...(rvMatch ? { resourceVersionMatch: rvMatch } : {}),
    ...(query.get('continue') ? { continue: query.get('continue')! } : {}),
  });
  const sel = selectors(query);
  if (r.name !== undefined) {
    // Watching one object (legacy /watch/.../name) = the collection filtered by name.
    const byName = `metadata.name=${r.name}`;
    sel.fieldSelector = sel.fieldSelector ? `${sel.fieldSelector},${byName}` : byName;
  }
  const options: WatchOptions = { ...sel, allowWatchBookmarks: queryFlag(query, 'allowWatchBookmarks') };
  if (r.namespace !== undefined) options.namespace = r.namespace;
  const rv = query.get('resourceVersion');
  if (rv !== null) options.resourceVersion = rv;
  if (sendInitialEvents !== null) options.sendInitialEvents = queryFlag(query, 'sendInitialEvents');
  const timeoutSeconds = queryInt(query, 'timeoutSeconds');
  const table = tableVersionRequested(accept);
  serveWatch(ctx, res, {
    type: r.type,
    resourceName: r.resource,
    options,
    ...(timeoutSeconds !== undefined && timeoutSeconds > 0 ? { timeoutSeconds } : {}),
    ...(table ? { table: { apiVersion: `meta.k8s.io/${table}`, includeObject: includeObject(query) } } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Writes

function dryRun(query: URLSearchParams, body?: Rec): boolean {
  const values = [...query.getAll('dryRun'), ...(Array.isArray(body?.['dryRun']) ? (body['dryRun'] as unknown[]) : [])];
  for (const v of values) {
    if (v !== 'All' && v !== '') throw badRequest(`Invalid dry run value: ${JSON.stringify(v)}`);
  }
  return values.includes('All');
}

function writeOptions(r: Request): { fieldManager?: string; dryRun?: boolean } {
  const out: { fieldManager?: string; dryRun?: boolean } = {};
  const fieldManager = r.query.get('fieldManager');
  if (fieldManager) out.fieldManager = fieldManager;
  if (dryRun(r.query)) out.dryRun = true;
  const validation = r.query.get('fieldValidation');
  // fieldValidation is accepted (kubectl sends Strict); unknown fields are kept, as with Ignore.
  if (validation && !['Strict', 'Warn', 'Ignore'].includes(validation)) {
    throw badRequest(`fieldValidation: Unsupported value: "${validation}": supported values: "Ignore", "Strict", "Warn"`);
  }
  return out;
}

function mediaType(req: ApiRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** JSON body; YAML (apply-patch+yaml, or a client posting YAML) and protobuf accepted as well. */
async function readJsonOrYaml(req: ApiRequest): Promise<unknown> {
  const bytes = await readBodyBytes(req);
  const type = mediaType(req);
  // Typed kubectl commands (create configmap, expose, …) send protobuf: decoded for the kinds
  // they create (protobuf/index.ts); CBOR is not served, as on servers without that feature gate.
  if (type === PROTOBUF_MEDIA_TYPE && bytes.length > 0) return decodeProtobufObject(bytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  if (type.includes('protobuf') || type.includes('cbor')) throw unsupportedBody(type);
  if (type.includes('yaml')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      try {
        return load(text, { schema: CORE_SCHEMA });
      } catch (err) {
        throw badRequest(`error decoding YAML: ${(err as Error).message}`);
      }
    }
  }
  return parseJsonBody(text);
}

/**
 * Checks a request body is an object of this resource's kind and agrees with the URL
 * (apiserver's create/update handlers reject mismatched namespaces and names with 400).
 */
function objectBody(r: Request, body: unknown, expect: { kind: string; apiVersion: string }): KubeObject {
  if (!isRec(body)) throw badRequest('the body of the request must be a JSON object');
  const obj = body as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== expect.apiVersion) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expect.apiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== expect.kind) {
    throw badRequest(`${String(obj.kind)} in version "${expect.apiVersion.split('/').pop()}" cannot be handled as a ${expect.kind}: the kind in the data does not match the expected kind ${expect.kind}`);
  }
  if (!isRec(obj.metadata)) obj.metadata = {};
  if (!obj.apiVersion) obj.apiVersion = expect.apiVersion;
  if (!obj.kind) obj.kind = expect.kind;
  if (r.type.namespaced) {
    const ns = obj.metadata.namespace;
    if (ns !== undefined && ns !== '' && r.namespace !== undefined && ns !== r.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (r.namespace !== undefined) obj.metadata.namespace = r.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  if (r.name !== undefined) {
    const name = obj.metadata.name;
    if (name !== undefined && name !== '' && name !== r.name) {
      throw badRequest(`the name of the object (${String(name)}) does not match the name on the URL (${r.name})`);
    }
    obj.metadata.name = r.name;
  }
  return obj;
}

const kindOf = (type: ResourceType) => ({ kind: type.kind, apiVersion: apiVersionOf(type) });
const SCALE = { kind: 'Scale', apiVersion: 'autoscaling/v1' };

async function create(ctx: HandlerContext, req: ApiRequest, res: ApiResponse, r: Request): Promise<void> {
  const obj = objectBody(r, await readJsonOrYaml(req), kindOf(r.type));
  const created = ctx.store.create(r.resource, r.namespace, obj, writeOptions(r));
  sendJson(res, 201, created);
}

/** Writes a new replica count through the main resource (the scale subresource's storage). */
function writeReplicas(ctx: HandlerContext, r: Request, current: KubeObject, replicas: number, dry: boolean): KubeObject {
  const spec = isRec(current['spec']) ? current['spec'] : {};
  if (spec['replicas'] === replicas) return current;
  const next: KubeObject = { ...current, spec: { ...spec, replicas } };
  const options = writeOptions(r);
  if (dry) options.dryRun = true;
  return ctx.store.update(r.resource, r.namespace, r.name!, next, options);
}

async function update(ctx: HandlerContext, req: ApiRequest, res: ApiResponse, r: Request): Promise<void> {
  const body = await readJsonOrYaml(req);
  if (r.subresource === 'scale') {
    const scale = objectBody(r, body, SCALE);
    const current = ctx.store.get(r.resource, r.namespace, r.name!);
    const rv = scale.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(r.resource, r.name!);
    const updated = writeReplicas(ctx, r, current, replicasOf(scale, r.name!), dryRun(r.query));
    return sendJson(res, 200, toScale(updated));
  }
  const obj = objectBody(r, body, kindOf(r.type));
  const options = writeOptions(r);
  const updated = ctx.store.update(r.resource, r.namespace, r.name!, obj, {
    ...options,
    ...(r.subresource === 'status' ? { subresource: 'status' as const } : {}),
  });
  sendJson(res, 200, updated);
}

function patchScale(ctx: HandlerContext, r: Request, patchType: PatchType, body: unknown): KubeObject {
  const current = ctx.store.get(r.resource, r.namespace, r.name!);
  const scale = toScale(current);
  let patched: unknown;
  if (patchType === 'json') {
    if (!Array.isArray(body)) throw badRequest('the body of a JSON patch must be an array of operations');
    try {
      patched = jsonpatch.applyPatch(structuredClone(scale), body as jsonpatch.Operation[], true, false).newDocument;
    } catch (err) {
      throw badRequest(`the server rejected our request due to an error in our request: ${(err as Error).message}`);
    }
  } else {
    // Scale has no lists, so strategic merge and apply reduce to a merge patch.
    patched = mergePatch(scale, body);
  }
  return toScale(writeReplicas(ctx, r, current, replicasOf(patched, r.name!), dryRun(r.query)));
}

async function patch(ctx: HandlerContext, req: ApiRequest, res: ApiResponse, r: Request): Promise<void> {
  const type = mediaType(req);
  const patchType = PATCH_TYPES[type];
  if (!patchType) throw unsupportedMediaType(type);
  const body = await readJsonOrYaml(req);
  if (r.subresource === 'scale') return sendJson(res, 200, patchScale(ctx, r, patchType, body));
  if (patchType === 'apply' && !r.query.get('fieldManager')) {
    throw badRequest('PATCH with apply requires fieldManager to be set');
  }
  // Server-side apply creates absent objects: answer 201 then, as the real server does.
  const existed = ctx.store.tryGet(r.resource, r.namespace, r.name!) !== undefined;
  const patched = ctx.store.patch(r.resource, r.namespace, r.name!, patchType, body, {
    ...writeOptions(r),
    ...(queryFlag(r.query, 'force') ? { force: true } : {}),
    ...(r.subresource === 'status' ? { subresource: 'status' as const } : {}),
  });
  sendJson(res, existed ? 200 : 201, patched);
}

// ---------------------------------------------------------------------------------------------
// Deletes

async function deleteOptions(req: ApiRequest, query: URLSearchParams): Promise<DeleteOptions> {
  const text = await readBody(req);
  const body = text.trim() === '' ? {} : parseJsonBody(text);
  if (!isRec(body)) throw badRequest('the body of a DELETE must be a DeleteOptions object');
  const options: DeleteOptions = {};
  const policy = query.get('propagationPolicy') ?? body['propagationPolicy'];
  if (policy !== undefined && policy !== null && policy !== '') {
    if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
      throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`);
    }
    options.propagationPolicy = policy;
  } else if (body['orphanDependents'] === true) {
    options.propagationPolicy = 'Orphan';
  }
  const grace = queryInt(query, 'gracePeriodSeconds') ?? body['gracePeriodSeconds'];
  if (typeof grace === 'number') options.gracePeriodSeconds = grace;
  if (isRec(body['preconditions'])) {
    const p = body['preconditions'];
    options.preconditions = {};
    if (typeof p['uid'] === 'string') options.preconditions.uid = p['uid'];
    if (typeof p['resourceVersion'] === 'string') options.preconditions.resourceVersion = p['resourceVersion'];
  }
  if (dryRun(query, body)) options.dryRun = true;
  return options;
}

/**
 * What DELETE answers once the object is really gone: the registry's Status Success, which
 * carries no code field (unlike failures).
 */
function deletedStatus(r: Request, obj: KubeObject): Omit<Status, 'code'> {
  const details: NonNullable<Status['details']> = { name: obj.metadata.name ?? r.name ?? '' };
  if (r.type.group) details.group = r.type.group;
  details.kind = r.type.plural;
  if (obj.metadata.uid) details.uid = obj.metadata.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

async function remove(ctx: HandlerContext, req: ApiRequest, res: ApiResponse, r: Request): Promise<void> {
  const options = await deleteOptions(req, r.query);
  const deleted = ctx.store.delete(r.resource, r.namespace, r.name!, options);
  if (options.dryRun) return sendJson(res, 200, deleted);
  // Graceful deletion or finalizers leave the object in place with a deletionTimestamp: the
  // real server then returns the object (202 for async deletes is not used by kube-apiserver).
  const remaining = ctx.store.tryGet(r.resource, r.namespace, r.name!);
  if (remaining && remaining.metadata.uid === deleted.metadata.uid) return sendJson(res, 200, remaining);
  sendJson(res, 200, deletedStatus(r, deleted));
}

async function deleteCollection(ctx: HandlerContext, req: ApiRequest, res: ApiResponse, r: Request): Promise<void> {
  const options = await deleteOptions(req, r.query);
  const matches = ctx.store.list(r.resource, {
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    ...selectors(r.query),
  });
  const items = matches.items.map((obj) => ctx.store.delete(r.resource, obj.metadata.namespace, obj.metadata.name ?? '', options));
  sendJson(res, 200, {
    kind: r.type.listKind,
    apiVersion: apiVersionOf(r.type),
    metadata: { resourceVersion: ctx.store.currentResourceVersion() },
    items,
  });
}
