// What a name costs while its queries wait for a turn (issue 15, change 19). A 10,000-name run
// starts every lookup at once and 100 queries per server are in flight, so nearly all of the
// 20,000 queries wait, each holding its state through several scavenges into the old generation.
// With a closure per step (the name's promise, each server's answer, the A and AAAA callbacks,
// the sum, the UDP exchange's callback: nine closures and seven contexts per name) that was
// about 2.1 KB per name; one object per name and per server lookup holds the same in about
// 1.5 KB. The bound sits between the two, so a closure per step coming back fails it.
// Heap figures after full collections are steady from run to run; nothing here is timed.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { resolveName } from '../src/dns/resolve-name.js';
import { FIXED_DNS_WINDOW as UDP_IN_FLIGHT_PER_SERVER } from '../src/model/dns-pacing.js';
import { holdingServer } from './helpers/holding-dns.js';
import { testSettings } from './helpers/settings.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Bytes of live heap after full collections. */
function liveHeap(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** The largest state per name waiting for its turn that still counts as "one object per step". */
const BYTES_PER_WAITING_NAME = 1800;

test(`a name whose queries wait for a turn holds under ${BYTES_PER_WAITING_NAME} bytes`, async (t) => {
  const warm = await holdingServer();
  const held = await holdingServer();
  after(() => {
    warm.close();
    held.close();
  });
  // Every code path of a lookup run once and its objects' shapes settled before measuring.
  const warmSettings = testSettings({ timeoutMs: 5000, dnsServers: [warm.address], dnsServersExplicit: true });
  const warming = Array.from({ length: 300 }, (_, i) => resolveName(`w${i}.test`, warmSettings, new AbortController().signal));
  await new Promise((resolve) => setTimeout(resolve, 50));
  warm.release();
  assert.ok((await Promise.all(warming)).every((r) => r.direct[0]?.reason === 'ok'));

  const names = 4000;
  const settings = testSettings({ timeoutMs: 30_000, dnsServers: [held.address], dnsServersExplicit: true });
  const controller = new AbortController();
  const asked = Array.from({ length: names }, (_, i) => `name-${i}.test`);
  const lookups: Promise<unknown>[] = new Array<Promise<unknown>>(names);
  const before = liveHeap();
  for (let i = 0; i < names; i++) lookups[i] = resolveName(asked[i]!, settings, controller.signal);
  // The first turns' datagrams go out once their socket has connected.
  for (let waited = 0; held.received() < UDP_IN_FLIGHT_PER_SERVER && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  const perName = (liveHeap() - before) / names;
  t.diagnostic(`${perName.toFixed(0)} bytes per name in flight`);
  controller.abort();
  await Promise.all(lookups);
  // The queries really waited: the server holds the first turns' worth, the rest never left.
  assert.equal(held.received(), UDP_IN_FLIGHT_PER_SERVER);
  assert.ok(perName < BYTES_PER_WAITING_NAME, `${perName.toFixed(0)} bytes per name in flight`);
  assert.ok(perName > 200, `${perName.toFixed(0)} bytes per name: the measurement saw no lookups`);
});
