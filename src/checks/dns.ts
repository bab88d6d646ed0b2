// The DNS layer: does the name resolve, through the view that decides where we connect, to the
// addresses it should? The verdict rules live in src/dns/verdict.ts; lookups go through ctx.resolve,
// which the engine memoises per run (60 endpoints on one host cost one lookup).

import { performance } from 'node:perf_hooks';
import { isIpLiteral } from '../net/address.js';
import { parsedSettings } from '../dns/parsed-settings.js';
import { judgeLiteral, judgeResolution, type Judgement } from '../dns/verdict.js';
import { untilAborted } from '../abort.js';
import { stoppedResult } from './stopped.js';
import type { NameResolution } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { Check } from '../model/check.js';

/** The DNS layer check: resolves endpoint.host (or accepts an IP literal) and applies the DNS expectations. */
export const checkDns: Check = async (endpoint, state, ctx) => {
  const started = performance.now();
  const { settings } = ctx;
  // --private-cidr, parsed once for the run (src/dns/parsed-settings.ts).
  const extraPrivate = parsedSettings(settings).privateRanges;
  // The plan stamps --expect-private on every endpoint (src/plan/finish-endpoints.ts): the
  // endpoint's own expectation is the whole rule here.
  const expectPrivate = endpoint.expect.private === true;
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
    judgement =
      resolution === undefined
        ? { status: 'fail', reason: 'dns_error', message: 'resolution failed unexpectedly', data: { name: endpoint.host, authority: 'system', addresses: [] } }
        : judgeResolution(resolution, settings, expectPrivate, expected, extraPrivate);
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
