// Queries in flight to one DNS server share their channel's timer (src/dns/udp-channel.ts): a
// timer per query for its retransmission and another for its time limit were a measurable share
// of a 10,000-name run (issue 15). The retransmission and time-limit behaviour itself is pinned by
// test/dns-retransmit.test.ts; this pins the cost. Real loopback servers only.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwatchAbort, watchAbort } from '../src/abort.js';
import { QUERIES_PER_SOCKET } from '../src/dns/udp-channel.js';
import { FIXED_DNS_WINDOW as UDP_IN_FLIGHT_PER_SERVER } from '../src/model/dns-pacing.js';
import { queryServer } from '../src/dns/wire-query.js';
import { holdingServer } from './helpers/holding-dns.js';


const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('timers of UDP queries in flight', () => {
  test('one timer per channel and one per server queue, not one or two per query', async () => {
    const server = await holdingServer();
    after(() => server.close());
    const before = timers();
    const total = 2 * UDP_IN_FLIGHT_PER_SERVER;
    const outcomes = Promise.all(
      Array.from({ length: total }, (_, i) => queryServer(server.address, `t${i}.test`, 'A', 3000, new AbortController().signal)),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(server.received(), UDP_IN_FLIGHT_PER_SERVER);
    const channels = Math.ceil(UDP_IN_FLIGHT_PER_SERVER / QUERIES_PER_SOCKET);
    // The channels' timers and the queue's watchdog; a timer per query would be hundreds.
    assert.ok(timers() - before <= channels + 1, `${timers() - before} timers for ${total} queries`);
    server.release();
    const results = await outcomes;
    assert.equal(results.filter((o) => o.ok).length, total);
    assert.equal(timers() - before, 0, 'every timer is cleared when the queries end');
  });
});

describe('watchAbort', () => {
  test('tells every watcher once on abort, not the unwatched ones, and later ones at once', () => {
    const controller = new AbortController();
    const told: string[] = [];
    const watcher = (name: string) => ({ abortFired: () => told.push(name) });
    const a = watcher('a');
    const b = watcher('b');
    watchAbort(controller.signal, a);
    watchAbort(controller.signal, a);
    watchAbort(controller.signal, b);
    unwatchAbort(controller.signal, b);
    controller.abort();
    watchAbort(controller.signal, watcher('late'));
    assert.deepEqual(told, ['a', 'late']);
  });
});
