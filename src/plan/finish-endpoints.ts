// The last step of planning the endpoints: the run-wide expectation stamped on each (so the DNS
// layer reads one flag, the endpoint's) and each endpoint's route.

import type { Endpoint } from '../model/endpoint.js';
import type { RunSettings } from '../model/settings.js';
import { withRoutes } from './routes.js';

/** The endpoints with --expect-private applied to every one and each endpoint's route decided. */
export function finishEndpoints(endpoints: readonly Endpoint[], settings: RunSettings): Endpoint[] {
  const expected = settings.expectPrivate
    ? endpoints.map((endpoint) =>
        endpoint.expect.private === true ? endpoint : { ...endpoint, expect: { ...endpoint.expect, private: true, privateSource: 'expect-private' as const } },
      )
    : endpoints;
  return withRoutes(expected, settings);
}
