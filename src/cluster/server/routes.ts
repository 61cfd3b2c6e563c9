/**
 * URL → what is asked for, following apiserver's RequestInfoFactory: /api/v1/..., /apis/<g>/<v>/...,
 * optional legacy `watch/` prefix, `namespaces/<ns>/` scoping, then resource[/name[/subresource]].
 * Pure, so the tricky cases (namespaces/<name>/status vs namespaces/<ns>/pods) are unit tested.
 */

export type Route =
  | { kind: 'version' }
  | { kind: 'health'; check: string }
  | { kind: 'discoveryRoot'; core: boolean }
  | { kind: 'discoveryGroup'; group: string }
  | { kind: 'discoveryGroupVersion'; group: string; version: string }
  | { kind: 'openapiIndex' }
  | { kind: 'openapiDocument'; group: string; version: string }
  | { kind: 'openapiV2' }
  | ResourceRoute
  | { kind: 'notFound' };

export interface ResourceRoute {
  kind: 'resource';
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The deprecated /api/v1/watch/... form. */
  watchPrefix: boolean;
}

/** Subresources of a Namespace object itself (RequestInfoFactory's namespaceSubresources). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 1 && first === 'version') return { kind: 'version' };
  if (first === 'healthz' || first === 'livez' || first === 'readyz') return { kind: 'health', check: parts.join('/') };
  if (first === 'openapi') {
    if (second === 'v2' && parts.length === 2) return { kind: 'openapiV2' };
    if (second !== 'v3') return { kind: 'notFound' };
    if (parts.length === 2) return { kind: 'openapiIndex' };
    if (third === 'api' && parts.length === 4) return { kind: 'openapiDocument', group: '', version: parts[3]! };
    if (third === 'apis' && parts.length === 5) return { kind: 'openapiDocument', group: parts[3]!, version: parts[4]! };
    return { kind: 'notFound' };
  }

  let group: string;
  let version: string;
  let rest: string[];
  if (first === 'api') {
    if (parts.length === 1) return { kind: 'discoveryRoot', core: true };
    group = '';
    version = second!;
    rest = parts.slice(2);
  } else if (first === 'apis') {
    if (parts.length === 1) return { kind: 'discoveryRoot', core: false };
    if (parts.length === 2) return { kind: 'discoveryGroup', group: second! };
    group = second!;
    version = third!;
    rest = parts.slice(3);
  } else {
    return { kind: 'notFound' };
  }
  if (rest.length === 0) return { kind: 'discoveryGroupVersion', group, version };

  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
    if (rest.length === 0) return { kind: 'notFound' };
  }

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    // Otherwise this is the Namespace object itself (namespaces/<name>[/status]).
  }
  if (rest.length > 3) return { kind: 'notFound' };
  const route: ResourceRoute = { kind: 'resource', group, version, plural: rest[0]!, watchPrefix };
  if (namespace !== undefined) route.namespace = namespace;
  if (rest[1] !== undefined) route.name = rest[1];
  if (rest[2] !== undefined) route.subresource = rest[2];
  return route;
}
