// The run's trust store is built when the first TLS layer needs it, but not while names are being
// looked up (src/engine/pipeline.ts trustStoreBefore): building it blocks the event loop for 40-110
// ms, and built during the lookups it held the last answers, and so the start of a dropped
// endpoint's timeout, by that much (issue 15, the 60-endpoint case). It is built before the TLS
// layer's clock starts, once, and a TLS layer after it takes it at once.

import assert from 'node:assert/strict';
import { createSecureContext, type SecureContext } from 'node:tls';
import { describe, it } from 'node:test';
import { lookupDone, lookupStarted } from '../src/engine/check-loading.js';
import { runLayer, type PipelineEnv } from '../src/engine/pipeline.js';
import type { Check } from '../src/model/check.js';
import { LOOPBACK, testEndpoint } from './helpers/listeners.js';
import { testSettings } from './helpers/settings.js';

/** A lazy trust store that counts its builds. */
function countingStore(): { source: () => SecureContext; builds: () => number } {
  let builds = 0;
  let built: SecureContext | undefined;
  return {
    source: () => {
      builds += 1;
      return (built ??= createSecureContext());
    },
    builds: () => builds,
  };
}

function env(secureContext: PipelineEnv['secureContext']): PipelineEnv {
  return { settings: testSettings({ timeoutMs: 1_000 }), runSignal: new AbortController().signal, resolve: () => Promise.reject(new Error('unused')), ...(secureContext ? { secureContext } : {}) };
}

/** A TLS check that records the store it was handed. */
function recordingCheck(seen: (SecureContext | undefined)[]): Check {
  return (_endpoint, _state, ctx) => {
    seen.push(ctx.secureContext);
    return Promise.resolve({ layer: 'tls', status: 'pass', reason: 'ok', ms: 0, message: 'recorded' });
  };
}

const turns = (n: number): Promise<void> => (n <= 0 ? Promise.resolve() : new Promise((resolve) => setImmediate(() => resolve(turns(n - 1)))));

describe('the trust store is built after the name lookups', () => {
  it('a TLS layer waits for the lookups under way before the store is built, then gets it', async () => {
    const store = countingStore();
    const seen: (SecureContext | undefined)[] = [];
    lookupStarted();
    const layer = runLayer('tls', testEndpoint('https', 'ws.example.test', 443), { address: LOOPBACK }, env(store.source), recordingCheck(seen));
    await turns(5);
    assert.equal(store.builds(), 0, 'not built while a lookup is under way');
    assert.equal(seen.length, 0, 'the check has not started');
    lookupDone();
    const result = await layer;
    assert.equal(result.reason, 'ok');
    assert.equal(store.builds(), 1);
    assert.equal(seen.length, 1);
    assert.ok(seen[0] !== undefined, 'the check was handed the store');
  });

  it('once built, a later TLS layer takes the store without waiting for lookups', async () => {
    const store = countingStore();
    const seen: (SecureContext | undefined)[] = [];
    await runLayer('tls', testEndpoint('https', 'a.example.test', 443), { address: LOOPBACK }, env(store.source), recordingCheck(seen));
    lookupStarted();
    try {
      const result = await Promise.race([
        runLayer('tls', testEndpoint('https', 'b.example.test', 443), { address: LOOPBACK }, env(store.source), recordingCheck(seen)),
        turns(20).then(() => undefined),
      ]);
      assert.equal(result?.reason, 'ok', 'the second TLS layer ran while a lookup was under way');
      assert.equal(seen.length, 2);
      assert.equal(seen[0], seen[1], 'the same store');
    } finally {
      lookupDone();
    }
  });

  it('a store given as is (not lazy) is handed over without waiting', async () => {
    const context = createSecureContext();
    const seen: (SecureContext | undefined)[] = [];
    lookupStarted();
    try {
      const result = await Promise.race([
        runLayer('tls', testEndpoint('https', 'c.example.test', 443), { address: LOOPBACK }, env(context), recordingCheck(seen)),
        turns(20).then(() => undefined),
      ]);
      assert.equal(result?.reason, 'ok');
      assert.equal(seen[0], context);
    } finally {
      lookupDone();
    }
  });
});
