/**
 * OpenAPI v3, just enough for kubectl (kubectl-wire-notes.md, "Writes"): `kubectl create/apply`
 * download /openapi/v3 and the document of each group-version, and look for a PATCH operation
 * carrying the kind's `x-kubernetes-group-version-kind` with a `fieldValidation` query parameter.
 * When present, kubectl leaves validation to the server (fieldValidation=Strict), so the schemas
 * can stay permissive: one open object schema per kind.
 *
 * The PATCH request bodies deliberately do not list application/strategic-merge-patch+json:
 * kubectl would then build client-side-apply patches from these schemas, which carry no
 * patch-merge keys; without it kubectl uses its compiled-in types (lists merged by key,
 * `$setElementOrder` directives), as against a real server.
 */
import { createHash } from 'node:crypto';
import type { ResourceType } from '../store/types.js';
import { groupVersions, type GroupVersionResources } from './discovery.js';
import { KUBERNETES_VERSION } from './version.js';

/** 'api/v1', 'apis/apps/v1': the keys of the /openapi/v3 index. */
export function openApiPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const BUILT_IN_GROUP = /^(?:([a-z0-9]+)\.k8s\.io|apps|batch|autoscaling|policy)$/;

/** Schema names follow the real server's Go package paths for built-ins, reversed DNS for CRDs. */
export function schemaName(group: string, version: string, kind: string): string {
  if (group === '') return `io.k8s.api.core.${version}.${kind}`;
  if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}.${kind}`;
  const builtIn = BUILT_IN_GROUP.exec(group);
  if (builtIn) return `io.k8s.api.${builtIn[1] ?? group}.${version}.${kind}`;
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

function pascal(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });

function queryParam(name: string, description: string, type = 'string'): Record<string, unknown> {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}
function pathParam(name: string, description: string): Record<string, unknown> {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.'),
];
const LIST_PARAMS = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
].map((n) => queryParam(n, `${n} list option.`));

const PATCH_CONTENT_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

function operations(t: ResourceType, gv: GroupVersionResources): Record<string, unknown> {
  const kindSchema = schemaName(t.group, t.version, t.kind);
  const listSchema = schemaName(t.group, t.version, t.listKind);
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const scope = t.namespaced ? 'Namespaced' : '';
  const idSuffix = `${pascal(t.group || 'core')}${pascal(gv.version)}${scope}${t.kind}`;
  const tags = [`${(t.group || 'core').split('.')[0]}_${gv.version}`];
  const op = (action: string, verb: string, extra: Record<string, unknown>) => ({
    tags,
    description: `${action} ${t.kind}`,
    operationId: `${verb}${idSuffix}`,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const ok = (schema: string) => ({ '200': { description: 'OK', content: json(schema) }, '401': { description: 'Unauthorized' } });
  const created = (schema: string) => ({ ...ok(schema), '201': { description: 'Created', content: json(schema) } });

  const prefix = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const nsPart = t.namespaced ? '/namespaces/{namespace}' : '';
  const nsParam = t.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const collection = `${prefix}${nsPart}/${t.plural}`;
  const item = `${collection}/{name}`;
  const nameParam = pathParam('name', `name of the ${t.kind}`);

  const paths: Record<string, unknown> = {
    [collection]: {
      get: op('list', 'list', { parameters: LIST_PARAMS, responses: ok(listSchema) }),
      post: op('post', 'create', {
        parameters: WRITE_PARAMS,
        requestBody: { content: json(kindSchema), required: true },
        responses: created(kindSchema),
      }),
      delete: op('deletecollection', 'deleteCollection', { parameters: LIST_PARAMS, responses: ok(`${META}.Status`) }),
      parameters: [...nsParam, queryParam('pretty', 'If true, then the output is pretty printed.')],
    },
  };
  const itemOps = (subresource: string, schema: string) => ({
    get: op('get', subresource ? `read${pascal(subresource)}` : 'read', { responses: ok(schema) }),
    put: op('put', subresource ? `replace${pascal(subresource)}` : 'replace', {
      parameters: WRITE_PARAMS,
      requestBody: { content: json(schema), required: true },
      responses: created(schema),
    }),
    patch: op('patch', subresource ? `patch${pascal(subresource)}` : 'patch', {
      parameters: [...WRITE_PARAMS, queryParam('force', 'Force is going to "force" Apply requests.', 'boolean')],
      requestBody: {
        content: Object.fromEntries(PATCH_CONTENT_TYPES.map((c) => [c, { schema: ref(`${META}.Patch`) }])),
        required: true,
      },
      responses: created(schema),
    }),
    parameters: [nameParam, ...nsParam, queryParam('pretty', 'If true, then the output is pretty printed.')],
  });
  paths[item] = {
    ...itemOps('', kindSchema),
    delete: op('delete', 'delete', { responses: ok(`${META}.Status`) }),
  };
  for (const sub of t.subresources) {
    const schema = sub === 'scale' ? schemaName('autoscaling', 'v1', 'Scale') : kindSchema;
    const ops = itemOps(sub, schema);
    if (sub === 'scale') {
      // The scale subresource's operations name the Scale kind (autoscaling/v1), like the real spec.
      for (const verb of ['get', 'put', 'patch'] as const) {
        (ops[verb] as Record<string, unknown>)['x-kubernetes-group-version-kind'] = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
      }
    }
    paths[`${item}/${sub}`] = ops;
  }
  if (t.namespaced) {
    paths[`${prefix}/${t.plural}`] = {
      get: op('list', 'list', { parameters: LIST_PARAMS, responses: ok(listSchema), operationId: `list${idSuffix.replace('Namespaced', '')}ForAllNamespaces` }),
    };
  }
  return paths;
}

function kindSchema(group: string, version: string, kind: string, description: string): Record<string, unknown> {
  return {
    description,
    type: 'object',
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { type: 'object', description: 'Standard object metadata.', 'x-kubernetes-preserve-unknown-fields': true },
    },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [{ group, kind, version }],
  };
}

/** The OpenAPI v3 document of one group-version; undefined when it is not served. */
export function openApiDocument(types: ResourceType[], group: string, version: string): Record<string, unknown> | undefined {
  const gv = groupVersions(types).find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    [`${META}.Patch`]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
    [`${META}.Status`]: kindSchema('', 'v1', 'Status', 'Status is a return value for calls that don\'t return other objects.'),
  };
  for (const t of gv.resources) {
    Object.assign(paths, operations(t, gv));
    schemas[schemaName(t.group, t.version, t.kind)] = kindSchema(t.group, t.version, t.kind, `${t.kind} (${t.plural}).`);
    schemas[schemaName(t.group, t.version, t.listKind)] = kindSchema(t.group, t.version, t.listKind, `${t.listKind} is a list of ${t.kind}.`);
    if (t.subresources.includes('scale')) {
      schemas[schemaName('autoscaling', 'v1', 'Scale')] = kindSchema('autoscaling', 'v1', 'Scale', 'Scale represents a scaling request for a resource.');
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}

export function documentHash(document: unknown): string {
  return createHash('sha512').update(JSON.stringify(document)).digest('hex').toUpperCase();
}

/** GET /openapi/v3: where each group-version's document lives, with a content hash for caching. */
export function openApiIndex(types: ResourceType[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions(types)) {
    const doc = openApiDocument(types, gv.group, gv.version);
    const path = openApiPath(gv.group, gv.version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(doc)}` };
  }
  return { paths };
}
