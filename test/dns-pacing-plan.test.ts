// The plan's DNS pacing (src/plan/dns-pacing.ts): who spends the Azure DNS budget, each server's
// window, the note when the paced DNS of a run cannot fit its deadline; and getaddrinfo lookups
// that spend a budget wait for its tokens without that wait counting as silence.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withParsedSettings } from '../src/dns/parsed-settings.js';
import { lookupSystem } from '../src/dns/system-lookup.js';
import type { Endpoint } from '../src/model/endpoint.js';
import { AZURE_DNS_BUDGET, pacingNote, withDnsPacing } from '../src/plan/dns-pacing.js';
import { testSettings } from './helpers/settings.js';

const endpoint = (host: string): Endpoint => ({ id: host, host, port: 443, protocol: 'tcp', path: '', required: true, expect: {} });

function paced(overrides: Parameters<typeof testSettings>[0], insideAzure = false) {
  return withDnsPacing(withParsedSettings(testSettings(overrides)), insideAzure, {});
}

describe('the plan paces the Azure DNS budget', () => {
  test('inside Azure: Azure DNS, the loopback stub and getaddrinfo share the budget; a custom server keeps the fixed window', () => {
    const settings = paced({ dnsServers: ['127.0.0.53', '10.0.0.4'], azureDns: '168.63.129.16', systemResolver: true });
    const pacing = settings.parsed?.asked.map((s) => [s.server, s.pacing]);
    // 150 pending allowed, 8 kept for getaddrinfo's 4 threads, the rest split between the two servers.
    assert.deepEqual(pacing, [
      ['127.0.0.53', { window: 71, budget: AZURE_DNS_BUDGET }],
      ['10.0.0.4', { window: 100 }],
      ['168.63.129.16', { window: 71, budget: AZURE_DNS_BUDGET }],
    ]);
    assert.deepEqual(settings.parsed?.systemPacing, { budget: AZURE_DNS_BUDGET, queriesPerLookup: 2 });
  });

  test('outside Azure nothing is paced, a loopback server included', () => {
    const settings = paced({ dnsServers: ['127.0.0.53', '10.0.0.4'], systemResolver: true });
    assert.deepEqual(settings.parsed?.asked.map((s) => s.pacing), [{ window: 100 }, { window: 100 }]);
    assert.equal(settings.parsed?.systemPacing, undefined);
  });

  test('found inside Azure with --no-azure-dns: the stub and getaddrinfo still spend the budget', () => {
    const settings = paced({ dnsServers: ['127.0.0.53'], systemResolver: true }, true);
    assert.deepEqual(settings.parsed?.asked.map((s) => s.pacing), [{ window: 142, budget: AZURE_DNS_BUDGET }]);
    assert.deepEqual(settings.parsed?.systemPacing, { budget: AZURE_DNS_BUDGET, queriesPerLookup: 2 });
  });

  test('168.63.129.16 in resolv.conf spends the budget even without --azure-dns', () => {
    const settings = paced({ dnsServers: ['168.63.129.16'], systemResolver: false });
    assert.deepEqual(settings.parsed?.asked.map((s) => s.pacing), [{ window: 150, budget: AZURE_DNS_BUDGET }]);
  });

  test('a run whose paced DNS cannot fit the deadline says so once, with the numbers and the --deadline that fits', () => {
    const settings = paced({ dnsServers: ['127.0.0.53'], azureDns: '168.63.129.16', systemResolver: true, timeoutMs: 3000, deadlineMs: 15_000 });
    const endpoints = Array.from({ length: 20_000 }, (_, i) => endpoint(`n${i}.example.test`));
    // Names repeat across endpoints and IP literals need no DNS: counted once, and not at all.
    endpoints.push(endpoint('N0.example.test'), endpoint('10.0.0.5'));
    const note = pacingNote(settings, endpoints);
    assert.equal(
      note,
      'amlprobe: note: Azure DNS drops what a VM sends beyond 1,000 queries per second (documented limit; amlprobe keeps to 800/s): ' +
        "this run's 20,000 names need 120,000 queries on that budget, at least 150 s, more than the 15 s deadline: names not asked by then " +
        'are reported as cut by the deadline. Give --deadline 165s (or more) to probe every endpoint.\n',
    );
    assert.equal(pacingNote({ ...settings, deadlineMs: 165_000 }, endpoints), undefined, 'a deadline that fits: no note');
    assert.equal(pacingNote(settings, endpoints.slice(0, 60)), undefined, 'a catalog-sized run fits');
    assert.equal(pacingNote(paced({ dnsServers: ['10.0.0.4'], systemResolver: true, deadlineMs: 15_000 }), endpoints), undefined, 'unpaced: no note');
  });
});

describe('getaddrinfo lookups that spend a budget', () => {
  test('wait for their tokens, and the wait is not silence: no dns_timeout although nothing ends for longer than a timeout', async () => {
    // 2 tokens a lookup at 4 per second: one lookup per 500 ms, longer than the 300 ms timeout, so
    // between two lookups nothing ends for a whole timeout while the rest wait: that is the budget, not silence.
    const pacing = { budget: { id: 'test-getaddrinfo', perSecond: 4, burst: 2 }, queriesPerLookup: 2 };
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 6 }, () => lookupSystem('localhost', 300, new AbortController().signal, pacing)));
    const took = performance.now() - started;
    assert.deepEqual([...new Set(answers.map((a) => a.reason))], ['ok']);
    assert.ok(took >= 2300, `took ${Math.round(took)} ms: not paced`);
  });
});
