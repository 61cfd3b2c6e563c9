/**
 * The request pipeline: authenticate, route, answer; any thrown error becomes its Status body
 * with the HTTP code it names (kubernetes-facts.md §9).
 */
import type { RequestFaults } from '../faults.js';
import { tokenMatches } from './auth.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery.js';
import { handleResource, type HandlerContext } from './handlers.js';
import { aggregatedDiscoveryRequested, sendJson, sendStatus, sendText, type ApiRequest, type ApiResponse } from './http-util.js';
import { openApiDocument, openApiIndex } from './openapi.js';
import { parseRoute, type Route } from './routes.js';
import { methodNotAllowed, notFoundPath, toStatus, unauthorized } from './status.js';
import { KUBERNETES_VERSION } from './version.js';

export interface RouterContext extends HandlerContext {
  token: string;
  /** Requests without an Authorization header are served (see ApiServerOptions.allowAnonymous). */
  allowAnonymous: boolean;
  /** host:port clients reach the server at (APIVersions.serverAddressByClientCIDRs). */
  serverAddress(): string;
  log(message: string): void;
  /** While set and failing, every request gets the injected 429/500/503 (fault campaigns). */
  faults?: RequestFaults | undefined;
}

/**
 * Public endpoints a real cluster lets anonymous clients read (system:public-info-viewer). A
 * request that presents a wrong token is still rejected, as authentication runs first.
 */
function isPublic(route: Route): boolean {
  return route.kind === 'version' || route.kind === 'health';
}

function dispatch(ctx: RouterContext, req: ApiRequest, res: ApiResponse, route: Route, url: URL): Promise<void> | void {
  if (route.kind === 'resource') return handleResource(ctx, req, res, route, url.searchParams);
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
  const types = () => ctx.store.registry.all();
  switch (route.kind) {
    case 'version':
      return sendJson(res, 200, KUBERNETES_VERSION);
    case 'health':
      return sendText(res, 200, 'ok');
    case 'discoveryRoot': {
      const aggregated = aggregatedDiscoveryRequested(req.headers.accept);
      if (aggregated) {
        // kubectl treats the answer as aggregated only when the Content-Type says so (wire notes).
        res.setHeader('Vary', 'Accept');
        return sendJson(res, 200, aggregatedDiscovery(types(), route.core, aggregated), AGGREGATED_DISCOVERY_CONTENT_TYPE[aggregated]);
      }
      return sendJson(res, 200, route.core ? apiVersions(ctx.serverAddress()) : apiGroupList(types()));
    }
    case 'discoveryGroup': {
      const body = apiGroup(types(), route.group);
      if (!body) throw notFoundPath();
      return sendJson(res, 200, body);
    }
    case 'discoveryGroupVersion': {
      const body = apiResourceList(types(), route.group, route.version);
      if (!body) throw notFoundPath();
      return sendJson(res, 200, body);
    }
    case 'openapiIndex':
      return sendJson(res, 200, openApiIndex(types()));
    case 'openapiDocument': {
      const doc = openApiDocument(types(), route.group, route.version);
      if (!doc) throw notFoundPath();
      return sendJson(res, 200, doc);
    }
    case 'openapiV2':
      // No v2 document: kubectl falls back to its compiled-in types (wire notes, "apply").
      throw notFoundPath();
    case 'notFound':
      throw notFoundPath();
  }
}

export function createRequestHandler(ctx: RouterContext): (req: ApiRequest, res: ApiResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // The protocol, spelt as Go's Request.Proto (HTTP/1.1, HTTP/2.0): which one a client negotiated.
    res.on('finish', () => ctx.log(`${req.method ?? '?'} ${req.url ?? ''} ${res.statusCode} HTTP/${req.httpVersion}`));
    const fail = (err: unknown) => {
      const status = toStatus(err);
      if (status.code >= 500) ctx.log(`error serving ${req.method ?? '?'} ${req.url ?? ''}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendStatus(res, status);
    };
    const injected = ctx.faults?.current();
    if (injected) {
      // An overloaded or restarting apiserver answers before authentication (APF 429, 503 from
      // the load balancer in front of it), with Retry-After when it knows when to come back.
      if (injected.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(injected.retryAfterSeconds));
      sendStatus(res, injected.status);
      return;
    }
    try {
      const route = parseRoute(url.pathname);
      const authorization = req.headers.authorization;
      const anonymousAllowed = authorization === undefined && (ctx.allowAnonymous || isPublic(route));
      if (!anonymousAllowed && !tokenMatches(authorization, ctx.token)) throw unauthorized();
      const pending = dispatch(ctx, req, res, route, url);
      if (pending) pending.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}
