/**
 * Resource discovery and name resolution, following kubectl (kubernetes-facts.md §8): what the
 * user types — `svc`, `Deployment`, `deployments.apps`, `deploy.v1.apps`, a CRD's short name —
 * becomes one group/version/resource, or a usage error that lists candidates or close names.
 *
 * Discovery is fetched once per process, aggregated (one request per root) when the server
 * supports it, else the legacy way (/api, /apis, then one request per group-version), and
 * fetched again once when a name is not found, since a CRD may have been created since.
 */
import { ResourceResolutionError } from './errors.js';
import type { RestClient } from './rest.js';
import { compareText } from '../lib/compare.js';

/** A served resource, as discovery describes it. */
export interface ApiResource {
  group: string;
  version: string;
  /** Plural, lowercase: 'deployments'. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
}

/** What pathFor needs; ApiResource and model/'s ResourceId both fit. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export interface Discovery {
  /** Resolves a resource name as kubectl does; rejects with ResourceResolutionError. */
  resolve(input: string, apiVersion?: string): Promise<ApiResource>;
  /** Every served resource, in kubectl's priority order (core group first). */
  resources(): Promise<ApiResource[]>;
  /** Fetches discovery again (e.g. after creating a CRD). */
  refresh(): Promise<void>;
  pathFor(resource: ResourceRef, namespace?: string, name?: string): string;
}

export const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

/**
 * The URL of a collection (no name) or of one object. Cluster-scoped resources ignore the
 * namespace; a namespaced resource without one gives the all-namespaces collection.
 */
export function pathFor(resource: ResourceRef, namespace?: string, name?: string): string {
  let p = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  if (resource.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${resource.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  return p;
}

export function createDiscovery(rest: Pick<RestClient, 'getJSON'>): Discovery {
  let cache: Promise<ApiResource[]> | undefined;

  function load(): Promise<ApiResource[]> {
    const p = fetchAll(rest);
    cache = p;
    // A failed fetch must not stick: the next call tries again.
    p.catch(() => {
      if (cache === p) cache = undefined;
    });
    return p;
  }

  const resources = () => cache ?? load();

  return {
    resources,
    async refresh() {
      await load();
    },
    async resolve(input, apiVersion) {
      const first = await resources();
      const hit = match(first, input, apiVersion);
      if (hit.kind === 'one') return hit.resource;
      if (hit.kind === 'many') throw ambiguous(input, hit.candidates);
      // A miss: the resource may have appeared since we looked (a CRD created after start).
      const fresh = await load();
      const again = match(fresh, input, apiVersion);
      if (again.kind === 'one') return again.resource;
      if (again.kind === 'many') throw ambiguous(input, again.candidates);
      throw unknown(input, apiVersion, fresh);
    },
    pathFor,
  };
}

// ---------------------------------------------------------------------------------------------
// Fetching

async function fetchAll(rest: Pick<RestClient, 'getJSON'>): Promise<ApiResource[]> {
  const [core, groups] = await Promise.all([
    rest.getJSON<unknown>('/api', undefined, AGGREGATED_ACCEPT),
    rest.getJSON<unknown>('/apis', undefined, AGGREGATED_ACCEPT),
  ]);
  const out: ApiResource[] = [];
  // Core first: it outranks every group (kubectl's priority RESTMapper).
  out.push(...(isAggregated(core) ? fromAggregated(core) : await fromLegacyCore(rest, core)));
  out.push(...(isAggregated(groups) ? fromAggregated(groups) : await fromLegacyGroups(rest, groups)));
  return out;
}

function isAggregated(body: unknown): boolean {
  return rec(body).kind === 'APIGroupDiscoveryList';
}

function fromAggregated(body: unknown): ApiResource[] {
  const out: ApiResource[] = [];
  for (const item of arr(rec(body).items)) {
    const group = str(rec(rec(item).metadata).name);
    // Versions are listed in preference order; the first is the preferred one.
    for (const v of arr(rec(item).versions)) {
      const version = str(rec(v).version);
      for (const r of arr(rec(v).resources)) {
        const res = rec(r);
        const resource = str(res.resource);
        if (!resource || resource.includes('/')) continue;
        out.push({
          group,
          version,
          resource,
          singular: str(res.singularResource) || str(rec(res.responseKind).kind).toLowerCase(),
          kind: str(rec(res.responseKind).kind),
          namespaced: res.scope === 'Namespaced',
          verbs: strs(res.verbs),
          shortNames: strs(res.shortNames),
          categories: strs(res.categories),
        });
      }
    }
  }
  return out;
}

async function fromLegacyCore(rest: Pick<RestClient, 'getJSON'>, body: unknown): Promise<ApiResource[]> {
  const versions = strs(rec(body).versions);
  const lists = await Promise.all(versions.map((v) => resourceList(rest, `/api/${v}`, '', v)));
  return lists.flat();
}

async function fromLegacyGroups(rest: Pick<RestClient, 'getJSON'>, body: unknown): Promise<ApiResource[]> {
  const jobs: Promise<ApiResource[]>[] = [];
  for (const g of arr(rec(body).groups)) {
    const name = str(rec(g).name);
    const preferred = str(rec(rec(g).preferredVersion).version);
    const versions = arr(rec(g).versions).map((v) => str(rec(v).version)).filter(Boolean);
    // Preferred version first, so a bare name resolves to it.
    const ordered = preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
    for (const v of ordered) jobs.push(resourceList(rest, `/apis/${name}/${v}`, name, v));
  }
  return (await Promise.all(jobs)).flat();
}

/**
 * One group-version's APIResourceList. A group-version that fails (an aggregated API whose
 * backend is down answers 503) is skipped, as kubectl does with a warning, rather than making
 * every other resource unresolvable.
 */
async function resourceList(rest: Pick<RestClient, 'getJSON'>, path: string, group: string, version: string): Promise<ApiResource[]> {
  let body: unknown;
  try {
    body = await rest.getJSON<unknown>(path);
  } catch {
    return [];
  }
  const out: ApiResource[] = [];
  for (const r of arr(rec(body).resources)) {
    const res = rec(r);
    const resource = str(res.name);
    if (!resource || resource.includes('/')) continue;
    out.push({
      group,
      version,
      resource,
      singular: str(res.singularName) || str(res.kind).toLowerCase(),
      kind: str(res.kind),
      namespaced: res.namespaced === true,
      verbs: strs(res.verbs),
      shortNames: strs(res.shortNames),
      categories: strs(res.categories),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resolution

type Match = { kind: 'one'; resource: ApiResource } | { kind: 'many'; candidates: ApiResource[] } | { kind: 'none' };

interface Query {
  name: string;
  group?: string;
  version?: string;
}

/**
 * kubectl's order: with an explicit APIVERSION the name must be served by that group-version;
 * otherwise `res.version.group` (three or more parts) is tried first, then `res.group`, then the
 * whole input as a name. For each reading, exact plural/singular names win over short names,
 * which win over kinds; names are compared case-insensitively.
 */
function match(all: ApiResource[], input: string, apiVersion?: string): Match {
  const lower = input.trim().toLowerCase();
  const queries: Query[] = [];
  if (apiVersion) {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    queries.push({ name: lower, group: group.toLowerCase(), version });
  } else {
    const parts = lower.split('.');
    if (parts.length >= 3) queries.push({ name: parts[0] as string, version: parts[1] as string, group: parts.slice(2).join('.') });
    if (parts.length >= 2) queries.push({ name: parts[0] as string, group: parts.slice(1).join('.') });
    queries.push({ name: lower });
  }
  for (const q of queries) {
    const scoped = all.filter((r) => groupMatches(r.group, q.group) && (q.version === undefined || r.version === q.version));
    for (const pick of [
      (r: ApiResource) => r.resource === q.name || r.singular === q.name,
      (r: ApiResource) => r.shortNames.some((s) => s.toLowerCase() === q.name),
      (r: ApiResource) => r.kind.toLowerCase() === q.name,
    ]) {
      const hits = firstVersionPerGroupResource(scoped.filter(pick));
      if (hits.length === 0) continue;
      if (hits.length === 1) return { kind: 'one', resource: hits[0] as ApiResource };
      // The core group outranks the others (events vs events.k8s.io): kubectl's priority order.
      const core = hits.filter((h) => h.group === '');
      if (core.length === 1) return { kind: 'one', resource: core[0] as ApiResource };
      return { kind: 'many', candidates: hits };
    }
  }
  return { kind: 'none' };
}

/** Exact group, or a prefix ending at a dot: `deploy.apps`, `certificates.cert-manager` (kubectl). */
function groupMatches(group: string, wanted: string | undefined): boolean {
  if (wanted === undefined) return true;
  return group === wanted || (wanted !== '' && group.startsWith(wanted + '.'));
}

/** The same resource served at several versions counts once, at its preferred (first) version. */
function firstVersionPerGroupResource(list: ApiResource[]): ApiResource[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = `${r.resource}.${r.group}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function qualified(r: ApiResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

function ambiguous(input: string, candidates: ApiResource[]): ResourceResolutionError {
  const names = candidates.map(qualified);
  return new ResourceResolutionError(
    'resource.ambiguous',
    `"${input}" matches more than one resource: ${names.join(', ')}. Name one with its group, e.g. "${names[0]}".`,
    input,
    names,
  );
}

function unknown(input: string, apiVersion: string | undefined, all: ApiResource[]): ResourceResolutionError {
  const lower = input.trim().toLowerCase().split('.')[0] ?? '';
  const scored = new Map<string, number>();
  for (const r of all) {
    for (const name of [r.resource, r.singular, r.kind.toLowerCase(), ...r.shortNames.map((s) => s.toLowerCase())]) {
      if (!name) continue;
      const d = editDistance(lower, name);
      const limit = Math.max(1, Math.floor(Math.max(lower.length, name.length) / 3));
      if (d <= limit || (lower.length >= 3 && name.startsWith(lower))) {
        const key = qualified(r);
        scored.set(key, Math.min(scored.get(key) ?? Infinity, d));
      }
    }
  }
  const suggestions = [...scored.entries()].sort((a, b) => a[1] - b[1] || compareText(a[0], b[0])).slice(0, 3).map(([n]) => n);
  const where = apiVersion ? ` in ${apiVersion}` : '';
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(', ')}?` : ` 'kubectl api-resources' lists what the server has.`;
  return new ResourceResolutionError(
    'resource.unknown',
    `The server has no resource type "${input}"${where}.${hint}`,
    input,
    suggestions,
  );
}

/** Levenshtein distance; names are short, so the O(n·m) table is cheap. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function strs(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}
