/**
 * Does an object belong to a watch request? The answer kube-apiserver gives when it filters a
 * watch: same resource, same namespace, label selector and field selector matched with the
 * server's own parsers (cluster/store/selectors.ts), so a replay filters exactly as the server did.
 */
import type { KubeObject } from '../lib/kube-object.js';
import type { ResourceId, WatchRequest } from '../model/source.js';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type FieldSelectorParsed,
  type LabelSelectorParsed,
} from '../cluster/store/selectors.js';

export function requestKey(request: WatchRequest): string {
  const r = request.resource;
  return [r.group, r.resource, request.namespace ?? '', request.labelSelector ?? '', request.fieldSelector ?? ''].join('|');
}

export function groupOf(apiVersion: string | undefined): string {
  const slash = apiVersion?.indexOf('/') ?? -1;
  return slash < 0 ? '' : (apiVersion as string).slice(0, slash);
}

/** Group, kind, namespace and name: one object whatever version or watch delivered it. */
export function identityOf(object: KubeObject): string {
  return [groupOf(object.apiVersion), object.kind ?? '', object.metadata.namespace ?? '', object.metadata.name ?? ''].join('|');
}

export function isResource(resource: Pick<ResourceId, 'group' | 'kind'>, object: KubeObject): boolean {
  return object.kind === resource.kind && groupOf(object.apiVersion) === resource.group;
}

export interface RequestFilter {
  matches(object: KubeObject): boolean;
}

/** Throws the server's 400 message when a selector does not parse. */
export function requestFilter(request: WatchRequest): RequestFilter {
  const r = request.resource;
  const labels: LabelSelectorParsed = parseLabelSelector(request.labelSelector);
  const fields: FieldSelectorParsed = parseFieldSelector(request.fieldSelector, {
    group: r.group,
    version: r.version,
    kind: r.kind,
    listKind: `${r.kind}List`,
    plural: r.resource,
    singular: r.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    namespaced: r.namespaced,
    subresources: [],
    verbs: [],
  });
  const namespace = r.namespaced ? request.namespace : undefined;
  return {
    matches(object) {
      if (!isResource(r, object)) return false;
      if (namespace !== undefined && object.metadata.namespace !== namespace) return false;
      return matchesLabels(labels, object.metadata.labels) && matchesFields(fields, object);
    },
  };
}
