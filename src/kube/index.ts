/**
 * kube/: the only code in kubespy that talks to a cluster (design.md §1). Importing this module
 * does no work: kubeconfig parsing and client-node's authenticators are loaded on first use.
 */
export { loadClusterConfig } from './config.js';
export type { AuthRequestOptions, ClusterConfig, LoadClusterConfigOptions } from './config.js';
export { createRestClient } from './rest.js';
export type { LineStream, Query, RestClient, RestClientOptions, StreamHooks } from './rest.js';
export { AGGREGATED_ACCEPT, createDiscovery, editDistance, pathFor } from './discovery.js';
export type { ApiResource, Discovery, ResourceRef } from './discovery.js';
export { BACKOFF, backoffDelay, listWatch, withNamespace } from './watch.js';
export type { ListWatchEvent, ListWatchOptions } from './watch.js';
export {
  ApiError,
  ConnectionError,
  KubeConfigError,
  KubeError,
  ResourceResolutionError,
  StreamError,
  apiErrorFromResponse,
  isClusterAccessError,
  isStatus,
  parseRetryAfter,
} from './errors.js';
export type {
  ConnectionErrorCode,
  KubeConfigErrorCode,
  ResourceErrorCode,
  StreamErrorCode,
} from './errors.js';
