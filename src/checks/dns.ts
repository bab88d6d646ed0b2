// The DNS layer: does the name resolve, through the view that decides where we connect, to the
// addresses it should? The verdict rules live in src/dns/verdict.ts; lookups go through ctx.resolve,
// which the engine memoises per run (60 endpoints on one host cost one lookup).

import { performance } from 'node:perf_hooks';
import { isIpLiteral } from '../net/address.js';
import { parsedSettings } from '../dns/parsed-settings.js';
import { inZone } from '../dns/privatelink-zones.js';
import { judgeLiteral, judgeResolution, type Judgement } from '../dns/verdict.js';
import { untilAborted } from '../abort.js';
import { stoppedResult } from './stopped.js';
import type { NameResolution } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { Check } from '../model/check.js';

/** Whether any server's CNAME chain for the name enters `zone`. */
function entersZone(resolution: NameResolution, zone: string): boolean {
  return resolution.direct.some((answer) => answer.cname.some((record) => inZone(record.data, zone)));
}

/** The DNS layer check: resolves endpoint.host (or accepts an IP literal) and applies the DNS expectations. */
export const checkDns: Check = async (endpoint, state, ctx) => {
  const started = performance.now();
  const { settings } = ctx;
  // --private-cidr, parsed once for the run (src/dns/parsed-settings.ts).
  const extraPrivate = parsedSettings(settings).privateRanges;
  // The plan stamps --expect-private on every endpoint (src/plan/finish-endpoints.ts): the
  // endpoint's own expectation is the whole rule here.
  const zone = endpoint.expect.privateZone;
  let expectPrivate = endpoint.expect.private === true;
  let source = endpoint.expect.privateSource;
  const expected = endpoint.expect.addresses;
  let judgement: Judgement;
  if (isIpLiteral(endpoint.host)) {
    judgement = judgeLiteral(endpoint.host, expectPrivate, expected, extraPrivate);
  } else {
    let resolution: NameResolution | undefined;
    try {
      resolution = await untilAborted(ctx.resolve(endpoint.host), ctx.signal);
    } catch {
      // The run deadline (the layer's signal) or a resolver that broke its never-reject promise.
      if (ctx.signal.aborted) return stoppedResult('dns');
    }
    // The plan named the zone a private endpoint of this name would use; the wire says whether
    // the name's CNAME chain enters it. If it does, the resource has a private endpoint and a
    // public answer means this client does not see the private zone.
    if (!expectPrivate && resolution !== undefined && zone !== undefined && entersZone(resolution, zone)) {
      expectPrivate = true;
      source = 'privatelink-cname';
    }
    judgement =
      resolution === undefined
        ? { status: 'fail', reason: 'dns_error', message: 'resolution failed unexpectedly', data: { name: endpoint.host, authority: 'system', addresses: [] } }
        : judgeResolution(resolution, settings, expectPrivate, expected, extraPrivate, zone);
  }
  // A name declared public (--public-dependency) has no private "because" to show.
  if (source !== undefined && source !== 'public-dependency' && (expectPrivate || (expected !== undefined && expected.length > 0))) {
    judgement.data = { ...judgement.data, privateBecause: { source, ...(zone === undefined ? {} : { zone }) } };
    if (source === 'privatelink-cname' && judgement.status !== 'pass') {
      const why = `${endpoint.host} has a private endpoint (its CNAME chain enters ${zone ?? 'its privatelink zone'})`;
      judgement.detail = judgement.detail === undefined ? why : `${why}; ${judgement.detail}`;
    }
  }
  if (judgement.address !== undefined) state.address = judgement.address;
  const result: LayerResult = {
    layer: 'dns',
    status: judgement.status,
    reason: judgement.reason,
    ms: Math.round(performance.now() - started),
    message: judgement.message,
    data: judgement.data,
  };
  if (judgement.detail !== undefined) result.detail = judgement.detail;
  return result;
};
