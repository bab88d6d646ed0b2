// The DNS layer: does the name resolve, through the view that decides where we connect, to the
// addresses it should? The verdict rules live in src/dns/verdict.ts; lookups go through ctx.resolve,
// which the engine memoises per run (60 endpoints on one host cost one lookup).

import { performance } from 'node:perf_hooks';
import { isIpLiteral } from '../net/address.js';
import { parseCidr, type ParsedCidr } from '../net/cidr.js';
import { judgeLiteral, judgeResolution, type Judgement } from '../dns/verdict.js';
import { abortCause } from './errno.js';
import type { LayerResult } from '../model/result.js';
import type { RunSettings } from '../model/settings.js';
import type { Check, CheckSignal } from '../model/check.js';

// Settings are validated by the CLI; parse once per distinct list rather than once per endpoint.
let cidrCache: { key: string; cidrs: ParsedCidr[] } | undefined;
function extraPrivate(settings: RunSettings): ParsedCidr[] {
  const key = settings.privateCidrs.join(',');
  if (cidrCache?.key !== key) cidrCache = { key, cidrs: settings.privateCidrs.map((text) => parseCidr(text)) };
  return cidrCache.cidrs;
}

/** Waits for the promise unless the signal fires first (then resolves to undefined). */
function unlessAborted<T>(promise: Promise<T>, signal: CheckSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(undefined);
      },
    );
  });
}

/** The DNS layer check: resolves endpoint.host (or accepts an IP literal) and applies the DNS expectations. */
export const checkDns: Check = async (endpoint, state, ctx) => {
  const started = performance.now();
  const { settings } = ctx;
  const expectPrivate = endpoint.expect.private === true || settings.expectPrivate;
  const expected = endpoint.expect.addresses;
  let judgement: Judgement;
  if (isIpLiteral(endpoint.host)) {
    judgement = judgeLiteral(endpoint.host, expectPrivate, expected, extraPrivate(settings));
  } else {
    const resolution = await unlessAborted(ctx.resolve(endpoint.host), ctx.signal);
    judgement =
      resolution === undefined
        ? {
            status: 'fail',
            reason: !ctx.signal.aborted ? 'dns_error' : abortCause(ctx.signal) === 'deadline' ? 'deadline' : 'dns_timeout',
            message: !ctx.signal.aborted
              ? 'resolution failed unexpectedly'
              : abortCause(ctx.signal) === 'deadline'
                ? 'resolution cut short by the run deadline'
                : 'resolution aborted by the layer timeout',
            data: { name: endpoint.host, authority: 'system', addresses: [] },
          }
        : judgeResolution(resolution, settings, expectPrivate, expected, extraPrivate(settings));
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
