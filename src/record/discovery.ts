/**
 * Resource names during a replay, resolved exactly as against a cluster (kube/discovery.ts, the
 * kubectl rules) but over what a replay can know: the built-in resources (names and short names
 * as kube-apiserver serves them, from the embedded cluster's registry) and every resource the
 * recording's watches named (CRDs included; their short names are not recorded).
 */
import { createRegistry } from '../cluster/store/registry.js';
import { createDiscovery, type Discovery } from '../kube/discovery.js';
import type { RestClient } from '../kube/rest.js';
import type { ResourceId } from '../model/source.js';
import type { ParsedRecording } from './format.js';

interface DiscoveredResource extends ResourceId {
  singular: string;
  shortNames: string[];
  verbs: string[];
}

const VERBS = ['get', 'list', 'watch'];

export function replayDiscovery(recording: ParsedRecording): Discovery {
  const byName = new Map<string, DiscoveredResource>();
  for (const t of createRegistry().all()) {
    byName.set(`${t.plural}.${t.group}`, { group: t.group, version: t.version, resource: t.plural, kind: t.kind, namespaced: t.namespaced, singular: t.singular, shortNames: t.shortNames, verbs: t.verbs });
  }
  for (const line of recording.lines) {
    if (line.type !== 'SYNC' && line.type !== 'LIST' && line.type !== 'PROBLEM') continue;
    const r = line.request.resource;
    const key = `${r.resource}.${r.group}`;
    if (!byName.has(key)) byName.set(key, { ...r, singular: r.kind.toLowerCase(), shortNames: [], verbs: VERBS });
  }
  // The aggregated discovery document (apidiscovery.k8s.io/v2) a server would answer with.
  const documentFor = (core: boolean) => {
    const groups = new Map<string, DiscoveredResource[]>();
    for (const r of byName.values()) {
      if ((r.group === '') !== core) continue;
      groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
    }
    return {
      kind: 'APIGroupDiscoveryList',
      items: [...groups].map(([group, resources]) => ({
        metadata: { name: group },
        versions: [...new Set(resources.map((r) => r.version))].map((version) => ({
          version,
          resources: resources.filter((r) => r.version === version).map((r) => ({
            resource: r.resource,
            singularResource: r.singular,
            responseKind: { kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            verbs: r.verbs,
            shortNames: r.shortNames,
          })),
        })),
      })),
    };
  };
  const rest: Pick<RestClient, 'getJSON'> = {
    getJSON: <T>(path: string) => Promise.resolve(documentFor(path === '/api') as T),
  };
  return createDiscovery(rest);
}
