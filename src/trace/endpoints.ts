/**
 * The endpoints of a Service, read from its EndpointSlices or, on clusters that do not serve
 * discovery.k8s.io/v1, from its v1 Endpoints (kubernetes-facts.md §3).
 *
 * EndpointSlice conditions are read as consumers must: a nil `ready` counts as ready, a nil
 * `serving` (old servers, before the field existed) takes the value of `ready`, a nil
 * `terminating` is false. A dual-stack Service has one slice per IP family listing the same Pods:
 * entries are merged by their targetRef so a Pod counts once.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { get, labelsOf, meta, nameOf, num, rec, recs, str, strings } from './read.js';
import { compareText } from '../lib/compare.js';

export interface EndpointEntry {
  address: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  hostname?: string;
  podName?: string;
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
}

export interface EndpointSummary {
  /** Where the entries came from; 'none' when no slice (or Endpoints object) exists yet. */
  source: 'slices' | 'endpoints' | 'none';
  sliceNames: string[];
  entries: EndpointEntry[];
  ports: EndpointPort[];
  ready: number;
  notReady: number;
  terminating: number;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

function readPorts(value: unknown, into: EndpointPort[]): void {
  for (const p of recs(value)) {
    const port = num(p['port']);
    if (port === undefined) continue;
    const name = str(p['name']);
    const protocol = str(p['protocol']) ?? 'TCP';
    if (into.some((q) => q.port === port && q.protocol === protocol && q.name === name)) continue;
    into.push({ port, protocol, ...(name ? { name } : {}) });
  }
}

function finish(source: EndpointSummary['source'], sliceNames: string[], byKey: Map<string, EndpointEntry>, ports: EndpointPort[]): EndpointSummary {
  const entries = [...byKey.values()];
  return {
    source,
    sliceNames,
    entries,
    ports,
    ready: entries.filter((e) => e.ready).length,
    notReady: entries.filter((e) => !e.ready && !e.terminating).length,
    terminating: entries.filter((e) => !e.ready && e.terminating).length,
  };
}

function add(byKey: Map<string, EndpointEntry>, key: string, entry: EndpointEntry): void {
  const seen = byKey.get(key);
  if (!seen) byKey.set(key, entry);
  else if (entry.ready && !seen.ready) byKey.set(key, { ...entry, address: seen.address });
}

export interface EndpointsOptions {
  namespace: string;
  name: string;
  slices: readonly KubeObject[];
  slicesServed: boolean;
  endpoints?: KubeObject;
}

/** Summaries of frozen slice lists (the model's: the same array until the watch changes), with the options they were read with. */
const summaries = new WeakMap<readonly KubeObject[], { options: EndpointsOptions; summary: EndpointSummary }>();

/**
 * The endpoints of the Service. A frozen slice list read with the same other options as last time
 * (issue 6: most updates change neither) gives the same summary object, frozen.
 */
export function summariseEndpoints(options: EndpointsOptions): EndpointSummary {
  if (!Object.isFrozen(options.slices)) return readEndpoints(options);
  const seen = summaries.get(options.slices);
  const same = (a: EndpointsOptions, b: EndpointsOptions) =>
    a.namespace === b.namespace && a.name === b.name && a.slicesServed === b.slicesServed && a.endpoints === b.endpoints;
  if (seen && same(seen.options, options)) return seen.summary;
  const summary = readEndpoints(options);
  for (const list of [summary.sliceNames, summary.entries, summary.ports]) Object.freeze(list);
  summaries.set(options.slices, { options: { ...options }, summary: Object.freeze(summary) });
  return summary;
}

function readEndpoints(options: EndpointsOptions): EndpointSummary {
  const byKey = new Map<string, EndpointEntry>();
  const ports: EndpointPort[] = [];
  if (options.slicesServed) {
    const slices = options.slices
      .filter((s) => labelsOf(s)[SERVICE_NAME_LABEL] === options.name)
      .filter((s) => (str(meta(s)['namespace']) ?? options.namespace) === options.namespace)
      .sort((a, b) => compareText(nameOf(a), nameOf(b)));
    if (slices.length === 0) return finish('none', [], byKey, ports);
    for (const slice of slices) {
      readPorts(get(slice, 'ports'), ports);
      for (const endpoint of recs(get(slice, 'endpoints'))) {
        const address = strings(endpoint['addresses'])[0];
        if (!address) continue;
        const conditions = rec(endpoint['conditions']);
        const ready = conditions['ready'] !== false;
        const serving = typeof conditions['serving'] === 'boolean' ? conditions['serving'] : ready;
        const terminating = conditions['terminating'] === true;
        const targetRef = rec(endpoint['targetRef']);
        const podName = targetRef['kind'] === 'Pod' ? str(targetRef['name']) : undefined;
        const nodeName = str(endpoint['nodeName']);
        const hostname = str(endpoint['hostname']);
        const key = str(targetRef['uid']) ?? (podName ? `pod:${podName}` : `ip:${address}`);
        add(byKey, key, {
          address,
          ready,
          serving,
          terminating,
          ...(nodeName ? { nodeName } : {}),
          ...(hostname ? { hostname } : {}),
          ...(podName ? { podName } : {}),
        });
      }
    }
    return finish('slices', slices.map(nameOf), byKey, ports);
  }

  const endpoints = options.endpoints;
  if (!endpoints || nameOf(endpoints) !== options.name) return finish('none', [], byKey, ports);
  for (const subset of recs(get(endpoints, 'subsets'))) {
    readPorts(subset['ports'], ports);
    for (const [field, ready] of [['addresses', true], ['notReadyAddresses', false]] as const) {
      for (const a of recs(subset[field])) {
        const address = str(a['ip']);
        if (!address) continue;
        const targetRef = rec(a['targetRef']);
        const podName = targetRef['kind'] === 'Pod' ? str(targetRef['name']) : undefined;
        const nodeName = str(a['nodeName']);
        const hostname = str(a['hostname']);
        // v1 Endpoints drops terminating Pods, so none is ever terminating here.
        add(byKey, str(targetRef['uid']) ?? `ip:${address}`, {
          address,
          ready,
          serving: ready,
          terminating: false,
          ...(nodeName ? { nodeName } : {}),
          ...(hostname ? { hostname } : {}),
          ...(podName ? { podName } : {}),
        });
      }
    }
  }
  return finish('endpoints', [], byKey, ports);
}
