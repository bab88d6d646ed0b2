// Issue 15, change 20: summarizeDirect makes each query's own sentence only when the summary tells
// it, builds its answer without spread copies, and keeps a view's list of addresses when the other
// query has none. A change of form: every pair of A and AAAA outcomes below must sum up to the same
// answer as the form before (test/helpers/summarize-direct-before.ts), field for field and in the
// same key order (reports print the object as it is).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeDirect } from '../src/dns/direct-answer.js';
import type { DnsResponse, IgnoredCounts } from '../src/dns/transport.js';
import type { WireFailure, WireOutcome } from '../src/dns/wire-outcome.js';
import { summarizeDirectBefore } from './helpers/summarize-direct-before.js';

const NAME = 'ws.example.com';
const SERVER = '10.0.0.53:53';
type Family = 'A' | 'AAAA';
type Record = { name: string; type: string; class: 'IN'; ttl?: number; data: unknown };

const address = (type: Family, i: number): string => (type === 'A' ? `10.1.${i >> 8}.${i & 0xff}` : `fd00::${(i + 1).toString(16)}`);
const records = (type: Family, owner: string, n: number): Record[] =>
  Array.from({ length: n }, (_, i) => ({ name: owner, type, class: 'IN' as const, ttl: 60, data: address(type, i) }));
const noIgnored = (): IgnoredCounts => ({ wrongId: 0, wrongQuestion: 0, notDns: 0 });

function answered(type: Family, rcode: string, answers: Record[], transport: 'udp' | 'tcp' = 'udp', ignored = noIgnored()): WireOutcome {
  const packet = { type: 'response', id: 1, flag_qr: true, rcode, questions: [{ name: NAME, type, class: 'IN' }], answers } as unknown as DnsResponse;
  return { ok: true, server: SERVER, type, transport, rcode, packet, ignored, ms: 3 };
}

function failed(type: Family, failure: WireFailure, ignored = noIgnored(), transport: 'udp' | 'tcp' = 'udp', message = `${failure} of the ${type} query`): WireOutcome {
  return { ok: false, server: SERVER, type, transport, failure, message, ignored, ms: 7, timeoutMs: 2000 };
}

/** Every kind of outcome one query can have, for `type`. */
function outcomes(type: Family): WireOutcome[] {
  const chain: Record[] = [
    { name: 'WS.Example.com.', type: 'CNAME', class: 'IN', ttl: 30, data: 'ws.privatelink.example.com' },
    { name: 'ws.privatelink.example.com', type: 'CNAME', class: 'IN', ttl: 30, data: 'Target.Example.' },
  ];
  const other: Family = type === 'A' ? 'AAAA' : 'A';
  const list: WireOutcome[] = [
    answered(type, 'NOERROR', []),
    answered(type, 'NOERROR', records(type, NAME, 1)),
    answered(type, 'NOERROR', records(type, 'WS.EXAMPLE.COM.', 2)),
    answered(type, 'NOERROR', records(type, NAME, 9)),
    answered(type, 'NOERROR', records(type, NAME, 40)),
    answered(type, 'NOERROR', [...chain, ...records(type, 'target.example', 3)]),
    answered(type, 'NOERROR', chain),
    answered(type, 'NOERROR', [...records(other, NAME, 2), { name: NAME, type, class: 'IN', data: 'not an address' }, { name: 'elsewhere.example', type, class: 'IN', data: address(type, 7) }]),
    answered(type, 'NOERROR', records(type, NAME, 1), 'tcp', { wrongId: 2, wrongQuestion: 1, notDns: 0 }),
    answered(type, 'NXDOMAIN', []),
    answered(type, 'NXDOMAIN', chain),
    answered(type, 'NXDOMAIN', records(type, NAME, 2)),
    answered(type, 'SERVFAIL', []),
    answered(type, 'SERVFAIL', chain),
    answered(type, 'REFUSED', []),
    answered(type, 'FORMERR', []),
    answered(type, 'NOTIMP', records(type, NAME, 1)),
  ];
  const failures: WireFailure[] = ['timeout', 'aborted', 'unreachable', 'no_route', 'local', 'invalid', 'error', 'tcp_blocked'];
  // Each failure worded for its query, and worded alike for both (a socket error says no type).
  for (const failure of failures) list.push(failed(type, failure), failed(type, failure, noIgnored(), 'udp', `${failure} from ${SERVER}`));
  list.push(failed(type, 'timeout', { wrongId: 1, wrongQuestion: 0, notDns: 0 }));
  list.push(failed(type, 'invalid', { wrongId: 0, wrongQuestion: 2, notDns: 3 }, 'tcp'));
  return list;
}

test('every pair of A and AAAA outcomes sums up exactly as before, key order included', () => {
  let pairs = 0;
  for (const a of outcomes('A')) {
    for (const aaaa of outcomes('AAAA')) {
      const before = summarizeDirectBefore(NAME, a, aaaa, 11);
      const now = summarizeDirect(NAME, a, aaaa, 11);
      assert.equal(JSON.stringify(now), JSON.stringify(before));
      assert.deepEqual(now, before);
      pairs++;
    }
  }
  assert.equal(pairs, 35 * 35);
});

test("an answer's address list is its own: summing two names up never shares one", () => {
  const a = answered('A', 'NOERROR', records('A', NAME, 1));
  const aaaa = answered('AAAA', 'NOERROR', []);
  const first = summarizeDirect(NAME, a, aaaa, 1);
  const second = summarizeDirect(NAME, a, aaaa, 1);
  assert.notEqual(first.addresses, second.addresses);
  first.addresses.push({ name: NAME, type: 'A', ttl: 0, data: '10.9.9.9' });
  assert.equal(second.addresses.length, 1);
});
