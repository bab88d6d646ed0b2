// Waiting for one of a server's UDP slots is not silence (issue 11, defect 9: under load the tail of
// a burst came back dns_timeout from a server that answered everything). More names than slots,
// through the real engine: a slow server that answers everything gives no dns_timeout at all; a
// silent one still gives dns_timeout (not a run that waits for its deadline); the run deadline cuts
// the queue as `deadline`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import { FIXED_DNS_WINDOW as UDP_IN_FLIGHT_PER_SERVER } from '../src/model/dns-pacing.js';
import type { EngineOutcome } from '../src/engine/run-endpoints.js';
import type { Endpoint } from '../src/model/endpoint.js';
import { response, startHostileDns, type HostileBehaviour } from './helpers/hostile-dns.js';
import { countReasons } from './helpers/count-reasons.js';
import { testSettings } from './helpers/settings.js';

const dnsTarget = (host: string): Endpoint => ({ id: host, host, port: 0, protocol: 'dns', path: '', required: true, expect: {} });

/** Answers every query with an address, `delayMs` after it came. */
const slow = (delayMs: number): HostileBehaviour => ({
  udp: (q, send) => {
    setTimeout(() => send(response(q, { answers: q.type === 'A' ? [{ type: 'A', name: q.name, ttl: 60, data: '10.1.2.3' }] : [] })), delayMs);
  },
});

async function burst(behaviour: HostileBehaviour, names: number, timeoutMs: number, deadlineMs: number): Promise<EngineOutcome> {
  const peer = await startHostileDns(behaviour);
  try {
    const endpoints = Array.from({ length: names }, (_, i) => dnsTarget(`n${i}.slots.test`));
    const settings = testSettings({ dnsServers: [peer.server], dnsServersExplicit: true, timeoutMs, deadlineMs, concurrency: names });
    return await runEndpoints(endpoints, settings);
  } finally {
    await peer.close();
  }
}

describe('DNS queries waiting for a per-server UDP slot', () => {
  // 800 names = 1,600 queries = 16 turns of 100 slots at 100 ms each: the tail waits ~1.5 s, longer
  // than the 1 s timeout, while every query, once sent, is answered in 100 ms.
  const NAMES = 8 * UDP_IN_FLIGHT_PER_SERVER;

  test('a slow server that answers everything: every name ok, no dns_timeout', async () => {
    const outcome = await burst(slow(100), NAMES, 1000, 30_000);
    assert.deepEqual(countReasons(outcome), { ok: NAMES });
  });

  test('a silent server: dns_timeout for every name, not the run deadline', async () => {
    // 2,000 queries: served 100 at a time, a silent server would need 20 timeouts (6 s) > the 3 s
    // deadline. A queue that heard nothing for a whole timeout is silence too.
    const names = 10 * UDP_IN_FLIGHT_PER_SERVER;
    const outcome = await burst({ udp: () => undefined }, names, 300, 3000);
    assert.deepEqual(countReasons(outcome), { dns_timeout: names });
  });

  test('the run deadline cuts the queue: deadline, never dns_timeout', async () => {
    const outcome = await burst(slow(100), NAMES, 1000, 700);
    const counts = countReasons(outcome);
    assert.equal(counts.dns_timeout, undefined, JSON.stringify(counts));
    assert.ok((counts.deadline ?? 0) > 0, JSON.stringify(counts));
    assert.equal((counts.ok ?? 0) + (counts.deadline ?? 0), NAMES, JSON.stringify(counts));
    // Generous: the engine's fence is 250 ms, but 800 endpoints on a loaded machine lag; a queue
    // that ignored the deadline would run ~1.6 s past it.
    assert.ok(outcome.durationMs <= 700 + 1500, `took ${outcome.durationMs} ms`);
  });
});
