// The query messages amlprobe writes itself (src/dns/query-message.ts) must be byte for byte what
// dns-packet writes: servers and the fuzzer were checked against dns-packet's bytes.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { encodeQuery } from '../src/dns/query-message.js';
import type { RecordType } from 'dns-packet';

const viaDnsPacket = (name: string, type: RecordType, id: number): Buffer =>
  dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });

describe('query messages', () => {
  const names = [
    'a',
    'dns-1.bench.test',
    'dns-1.bench.test.',
    'MyWorkspace.API.AzureML.ms',
    '_sip._tcp.example.com',
    'x'.repeat(63) + '.' + 'y'.repeat(63) + '.test',
    'privatelink.blob.core.windows.net',
    // Not plain: written by dns-packet (escapes, long or empty labels, other characters, the root).
    '.',
    '',
    '.leading.test',
    'a..b.test',
    'x'.repeat(64) + '.test',
    'bücher.test',
    'a b.test',
    'a\\.b.test',
  ];
  for (const name of names) {
    for (const type of ['A', 'AAAA', 'NS'] as const) {
      test(`${JSON.stringify(name)} ${type}`, () => {
        for (const id of [0, 1, 0x1234, 0xffff]) {
          assert.deepEqual(encodeQuery({ name, type }, id), viaDnsPacket(name, type, id));
        }
      });
    }
  }

  test('the message decodes as the question asked', () => {
    const decoded = dnsPacket.decode(encodeQuery({ name: 'Dns-7.bench.test', type: 'AAAA' }, 4242));
    assert.equal(decoded.id, 4242);
    assert.equal(decoded.flag_rd, true);
    assert.deepEqual(decoded.questions, [{ name: 'Dns-7.bench.test', type: 'AAAA', class: 'IN' }]);
  });
});
