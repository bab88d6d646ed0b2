// The system view. Only `localhost` is ever looked up: any other name would reach this machine's
// real DNS server, which tests must never query.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeLookupError, lookupSystem } from '../src/dns/system-lookup.js';
import type { Reason } from '../src/model/reason.js';

test('localhost resolves through getaddrinfo to loopback', async () => {
  const answer = await lookupSystem('localhost', 2000, new AbortController().signal);
  assert.equal(answer.reason, 'ok', answer.message);
  assert.ok(answer.addresses.length > 0);
  for (const address of answer.addresses) assert.match(address, /^(127\.|::1$)/);
  assert.equal(answer.code, undefined);
});

test('an already aborted signal (the run deadline) returns at once without looking up', async () => {
  const controller = new AbortController();
  controller.abort();
  const answer = await lookupSystem('localhost', 2000, controller.signal);
  assert.equal(answer.reason, 'deadline');
  assert.match(answer.message, /cut short by the run deadline before it started/);
});

test('error codes map to reasons with messages that say what the code cannot tell', () => {
  const cases: [string, Reason, RegExp][] = [
    ['ENOTFOUND', 'nxdomain', /getaddrinfo cannot tell NXDOMAIN from no data/],
    ['ENODATA', 'nodata', /no address records \(ENODATA\)/],
    ['EAI_AGAIN', 'dns_timeout', /temporary failure \(server timed out or answered SERVFAIL\)/],
    ['ESERVFAIL', 'servfail', /SERVFAIL/],
    ['EREFUSED', 'dns_refused', /refused \(EREFUSED\)/],
    ['EAI_FAIL', 'dns_error', /lookup of x\.test failed \(EAI_FAIL\)/],
  ];
  for (const [code, reason, message] of cases) {
    const meaning = describeLookupError(code, 'x.test');
    assert.equal(meaning.reason, reason, code);
    assert.match(meaning.message, message, code);
  }
});
