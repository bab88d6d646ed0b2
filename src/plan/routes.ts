// Each endpoint's route, decided once while planning: the proxy rules (src/net/proxy-env.ts
// selectProxy) applied to the endpoint and the run's settings. The DNS layer, the TCP layer and
// registry discovery read the decision; none of them applies the rules again.

import { selectProxy } from '../net/proxy-env.js';
import { noProxyEntryFor } from './no-proxy-entry.js';
import type { Endpoint } from '../model/endpoint.js';
import type { Route } from '../model/route.js';
import type { RunSettings } from '../model/settings.js';

const DIRECT: Route = Object.freeze({ via: 'direct' });

/** The route of one endpoint in a run with these settings; never throws. */
export function routeOf(endpoint: Endpoint, settings: RunSettings): Route {
  try {
    const proxy = selectProxy(endpoint, settings);
    if (proxy === undefined) return DIRECT;
    // An endpoint's own proxy URL ignores NO_PROXY: only its `proxy: none` takes it off.
    const own = endpoint.proxy !== undefined && endpoint.proxy !== 'auto';
    return own ? { via: 'proxy', proxy } : { via: 'proxy', proxy, noProxyEntry: noProxyEntryFor(endpoint) };
  } catch (error) {
    return { via: 'unusable', error };
  }
}

/** The endpoints, each with its route: the ones that have one keep it, the others get theirs. */
export function withRoutes(endpoints: readonly Endpoint[], settings: RunSettings): Endpoint[] {
  return endpoints.map((endpoint) => (endpoint.route !== undefined ? endpoint : { ...endpoint, route: routeOf(endpoint, settings) }));
}
