// The last step of planning the endpoints: the run-wide expectation stamped on each (so the DNS
// layer reads one flag, the endpoint's), whether its certificate must chain to a public root (a
// Microsoft endpoint, so the TLS layer reads one flag too), and each endpoint's route.

import { isMicrosoftHost } from '../azure/microsoft-domains.js';
import type { Endpoint } from '../model/endpoint.js';
import type { RunSettings } from '../model/settings.js';
import { withRoutes } from './routes.js';

/**
 * The endpoints with --expect-private and the public-root expectation applied, and each endpoint's
 * route decided. A destination that must stay blocked (a canary) is a public name by design: the
 * run-wide "private only" is not its expectation.
 */
export function finishEndpoints(endpoints: readonly Endpoint[], settings: RunSettings): Endpoint[] {
  // A dependency declared public (--public-dependency) is the user's word for that name, above the run-wide default.
  const untouched = (endpoint: Endpoint): boolean =>
    endpoint.expect.private === true || endpoint.expect.blocked === true || endpoint.expect.privateSource === 'public-dependency';
  const expected = settings.expectPrivate
    ? endpoints.map((endpoint) =>
        untouched(endpoint) ? endpoint : { ...endpoint, expect: { ...endpoint.expect, private: true, privateSource: 'expect-private' as const } },
      )
    : endpoints;
  return withRoutes(withPublicRoots(expected), settings);
}

/**
 * A Microsoft endpoint's certificate chains to a public root: one whose catalog row names a
 * Microsoft service tag, or whose host is in a Microsoft zone (src/azure/microsoft-domains.ts).
 * An endpoint that already says (a finished plan, or a hand-made endpoint) keeps its word.
 */
function withPublicRoots(endpoints: readonly Endpoint[]): Endpoint[] {
  const byHost = new Map<string, boolean>();
  return endpoints.map((endpoint) => {
    if (endpoint.expect.publicRoot !== undefined) return endpoint;
    let microsoft = byHost.get(endpoint.host);
    if (microsoft === undefined) {
      microsoft = isMicrosoftHost(endpoint.host);
      byHost.set(endpoint.host, microsoft);
    }
    if (!microsoft && endpoint.meta?.serviceTag === undefined) return endpoint;
    return { ...endpoint, expect: { ...endpoint.expect, publicRoot: true } };
  });
}
