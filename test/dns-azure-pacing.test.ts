// Azure DNS's documented per-VM limits (1,000 queries/s, 200 pending; beyond them queries are
// dropped): the plan paces what amlprobe sends to it (src/plan/dns-pacing.ts), and the DNS layer
// obeys (src/dns/udp-slots.ts, rate-gate.ts). Against a real UDP server that drops what exceeds
// the limits: unpaced, a burst of names comes back as false dns_timeout verdicts; paced by the
// plan, every verdict is right and the server never sees more than the limits, although the tail
// of the queue waits several times the layer timeout for its turn (waiting is not silence). A
// server without a documented limit is not paced.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withParsedSettings } from '../src/dns/parsed-settings.js';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { PlannedSettings } from '../src/model/settings.js';
import { AZURE_DNS_BUDGET, AZURE_DNS_LIMITS } from '../src/plan/dns-pacing.js';
import { finishSettings } from '../src/plan/finish-settings.js';
import { startLimitedDns } from './helpers/azure-dns-limits.js';
import { countReasons } from './helpers/count-reasons.js';
import { testSettings } from './helpers/settings.js';

const NAMES = 3000;
const LIMITS = { perSecond: AZURE_DNS_LIMITS.queriesPerSecond, pending: AZURE_DNS_LIMITS.pending };

const dnsTarget = (host: string): Endpoint => ({ id: host, host, port: 0, protocol: 'dns', path: '', required: true, expect: {} });
const endpoints = Array.from({ length: NAMES }, (_, i) => dnsTarget(`n${i}.pacing.test`));

/** Settings as the plan finishes them, with `azureDns` (if any) asked besides `dnsServers`. */
async function planned(dnsServers: string[], azureDns: string | undefined): Promise<PlannedSettings> {
  const asked = testSettings({ dnsServers, dnsServersExplicit: dnsServers.length > 0, timeoutMs: 2000, deadlineMs: 60_000, concurrency: NAMES });
  return (await finishSettings(asked, azureDns === undefined ? undefined : { address: azureDns, auto: false }, undefined)).settings;
}

describe('Azure DNS pacing against a server that drops beyond the documented limits', () => {
  test('the control: unpaced, a burst of names overruns the limits and comes back as false dns_timeout', async (t) => {
    const azure = await startLimitedDns(LIMITS);
    try {
      // The settings without the plan's pacing: the fixed window of 100 and no rate.
      const settings = withParsedSettings(testSettings({ azureDns: azure.server, timeoutMs: 1000, deadlineMs: 30_000, concurrency: NAMES }));
      const outcome = await runEndpoints(endpoints, settings);
      const counts = countReasons(outcome);
      // Unpaced, the rate is whatever this machine sends (11,600 queries/s on a quiet one); one
      // too loaded to send 1,000 in a second cannot show the drops.
      if (azure.budget.maxPerSecond <= LIMITS.perSecond) return t.skip(`this machine sent at most ${azure.budget.maxPerSecond} queries in a second unpaced`);
      assert.ok(azure.budget.dropped > 0, `the server dropped nothing: ${JSON.stringify(counts)}`);
      assert.ok((counts.dns_timeout ?? 0) > 0, `no false dns_timeout: ${JSON.stringify(counts)}`);
    } finally {
      await azure.close();
    }
  });

  test('paced by the plan: every name ok, and the server never saw more than the limits', async () => {
    const azure = await startLimitedDns(LIMITS);
    try {
      const settings = await planned([], azure.server);
      assert.deepEqual(settings.parsed?.asked.map((s) => s.pacing?.budget), [AZURE_DNS_BUDGET]);
      const outcome = await runEndpoints(endpoints, settings);
      assert.deepEqual(countReasons(outcome), { ok: NAMES });
      assert.equal(azure.budget.dropped, 0);
      assert.equal(azure.budget.received, 2 * NAMES, 'no retransmission was needed');
      // At most burst + rate = 850 leave in any second; the server, in this process, reads them late
      // in batches when the loop is busy, which is what the margin below the documented 1,000 is for.
      assert.ok(azure.budget.maxPerSecond <= LIMITS.perSecond, `saw ${azure.budget.maxPerSecond} in one second`);
      assert.ok(azure.budget.maxPending <= LIMITS.pending, `saw ${azure.budget.maxPending} pending`);
      // 6,000 queries at 800/s: the tail waited several 2 s timeouts for its turn, and none of it was silence.
      assert.ok(outcome.durationMs >= ((2 * NAMES - AZURE_DNS_BUDGET.burst) / AZURE_DNS_BUDGET.perSecond) * 1000 - 50, `took ${outcome.durationMs} ms`);
    } finally {
      await azure.close();
    }
  });

  test('a server without a documented limit is not paced (the bench\'s kind of server)', async () => {
    const plain = await startLimitedDns({ perSecond: Infinity, pending: Infinity });
    try {
      const settings = await planned([plain.server], undefined);
      assert.deepEqual(settings.parsed?.asked.map((s) => s.pacing), [{ window: 100 }]);
      assert.equal(settings.parsed?.systemPacing, undefined);
      const outcome = await runEndpoints(endpoints, settings);
      assert.deepEqual(countReasons(outcome), { ok: NAMES });
      assert.ok(plain.budget.maxPerSecond > AZURE_DNS_BUDGET.perSecond + AZURE_DNS_BUDGET.burst, `saw at most ${plain.budget.maxPerSecond} in a second: paced`);
    } finally {
      await plain.close();
    }
  });
});
