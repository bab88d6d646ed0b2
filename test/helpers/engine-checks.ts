// The layer checks as the engine runs them: when a check settles after its signal fired, the
// engine's own result (src/engine/abort-result.ts ownedResult, the function runLayer uses) takes
// its place. Tests that drive a check with their own signal import the checks from here, so that a
// timeout or deadline they provoke is worded by the one owner of those results.

import { checkDns as dns } from '../../src/checks/dns.js';
import { checkHttp as http } from '../../src/checks/http.js';
import { checkTcp as tcp } from '../../src/checks/tcp.js';
import { checkTls as tls } from '../../src/checks/tls.js';
import { checkUdp as udp } from '../../src/checks/udp.js';
import { checkWebSocket as websocket } from '../../src/checks/websocket.js';
import { ownedResult } from '../../src/engine/abort-result.js';
import type { Layer } from '../../src/model/endpoint.js';
import type { Check } from '../../src/model/check.js';

/** `check` with the engine's ownership of aborts (as in src/engine/pipeline.ts runLayer, without its grace timer). */
export function asTheEngineRunsIt(layer: Layer, check: Check): Check {
  return async (endpoint, state, ctx) => {
    state.evidence = undefined;
    state.stage = undefined;
    const timeoutMs = layer === 'dns' ? ctx.settings.deadlineMs : ctx.settings.timeoutMs;
    return ownedResult(layer, endpoint, state, ctx.signal, timeoutMs, await check(endpoint, state, ctx));
  };
}

export const checkDns = asTheEngineRunsIt('dns', dns);
export const checkTcp = asTheEngineRunsIt('tcp', tcp);
export const checkUdp = asTheEngineRunsIt('udp', udp);
export const checkTls = asTheEngineRunsIt('tls', tls);
export const checkHttp = asTheEngineRunsIt('http', http);
export const checkWebSocket = asTheEngineRunsIt('websocket', websocket);
