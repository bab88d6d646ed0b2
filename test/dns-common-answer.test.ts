// The direct decoder of the common answer (src/dns/common-answer.ts) against dns-packet: the same
// object for every answer of a corpus, and for every truncation and byte change of those answers
// either the same object or nothing (dns-packet then decides, and decodeMessage rejects what it
// would have rejected).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import { decodeCommonAnswer } from '../src/dns/common-answer.js';
import { decodeMessage } from '../src/dns/transport.js';

/** decodeMessage as it was before the direct decoder: dns-packet, and its byte count checked. */
function reference(message: Buffer): unknown {
  const packet = dnsPacket.decode(message);
  if (dnsPacket.decode.bytes > message.length) throw new RangeError('ends inside a record');
  return packet;
}

function outcome(decode: (m: Buffer) => unknown, message: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: decode(message) };
  } catch {
    return { ok: false };
  }
}

function response(name: string, type: 'A' | 'AAAA' | 'CNAME', answers: Answer[], rcode = 0, extraFlags = 0): Buffer {
  const packet: Packet = {
    type: 'response',
    id: 0x1234,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode | extraFlags,
    questions: [{ name, type, class: 'IN' }],
    answers,
  };
  return dnsPacket.encode(packet);
}

const a = (name: string, data: string, ttl = 300): Answer => ({ name, type: 'A', class: 'IN', ttl, data });
const aaaa = (name: string, data: string): Answer => ({ name, type: 'AAAA', class: 'IN', ttl: 60, data });
const cname = (name: string, data: string): Answer => ({ name, type: 'CNAME', class: 'IN', ttl: 3600, data });

/** A answer with name compression, as real servers write it: the owner names point at the question. */
function compressed(): Buffer {
  const header = Buffer.from([0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0]);
  const question = Buffer.concat([Buffer.from('\x07example\x03com\x00', 'latin1'), Buffer.from([0, 1, 0, 1])]);
  // CNAME example.com -> www.<pointer to example.com>; then A www.example.com (pointer to the CNAME's target).
  const target = Buffer.concat([Buffer.from('\x03www', 'latin1'), Buffer.from([0xc0, 12])]);
  const rr1 = Buffer.concat([Buffer.from([0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, target.length]), target]);
  const targetAt = 12 + question.length + 12;
  const rr2 = Buffer.from([0xc0, targetAt, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]);
  return Buffer.concat([header, question, rr1, rr2]);
}

const CORPUS: Array<[string, Buffer]> = [
  ['A', response('dns-1.bench.test', 'A', [a('dns-1.bench.test', '10.88.1.10')])],
  ['empty AAAA (NODATA)', response('dns-1.bench.test', 'AAAA', [])],
  ['NXDOMAIN', response('nx.bench.test', 'A', [], 3)],
  ['SERVFAIL', response('x.example', 'A', [], 2)],
  ['REFUSED', response('x.example', 'AAAA', [], 5)],
  ['rcode 11', response('x.example', 'A', [], 11)],
  ['truncated flag', response('big.example', 'A', [], 0, dnsPacket.TRUNCATED_RESPONSE)],
  ['authoritative', response('x.example', 'A', [a('x.example', '198.51.100.7', 0)], 0, dnsPacket.AUTHORITATIVE_ANSWER)],
  ['upper case and final dot', response('WS.Example.COM.', 'A', [a('ws.example.com', '10.0.0.1', 0xffffffff)])],
  ['root name', response('.', 'A', [])],
  ['odd ASCII in labels', response('a_b-c*d\\e.example', 'A', [a('a_b-c*d\\e.example', '0.0.0.0')])],
  [
    'CNAME chain into privatelink',
    response('ws.api.azureml.ms', 'A', [
      cname('ws.api.azureml.ms', 'ws.privatelink.api.azureml.ms'),
      cname('ws.privatelink.api.azureml.ms', 'x.cloudapp.net'),
      a('x.cloudapp.net', '20.1.2.3'),
      a('x.cloudapp.net', '20.1.2.4'),
    ]),
  ],
  ['CNAME question', response('alias.example', 'CNAME', [cname('alias.example', 'real.example')])],
  ['many A', response('many.example', 'A', Array.from({ length: 40 }, (_, i) => a('many.example', `10.0.${i}.1`)))],
  ['compressed names', compressed()],
];
for (const v6 of ['::', '::1', '1::', 'fe80::1', '2001:db8::', '1:0:0:2:0:0:0:3', '1:0:0:0:2:0:0:3', '0:1:0:1:0:1:0:1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '1:2:3:4:5:6:0:0', '0:0:1:2:3:4:5:6', '1:0:2:3:4:5:6:7']) {
  CORPUS.push([`AAAA ${v6}`, response('v6.example', 'AAAA', [aaaa('v6.example', v6)])]);
}

describe('direct decoder of the common answer', () => {
  for (const [label, message] of CORPUS) {
    test(`${label}: read directly, as dns-packet reads it`, () => {
      const direct = decodeCommonAnswer(message);
      assert.notEqual(direct, undefined, 'the common answer is read directly');
      assert.deepEqual(direct, dnsPacket.decode(message));
    });
  }

  test('not the common shape: left to dns-packet', () => {
    const withAuthority = dnsPacket.encode({
      type: 'response',
      id: 1,
      flags: 3,
      questions: [{ name: 'nx.example', type: 'A', class: 'IN' }],
      authorities: [{ name: 'example', type: 'SOA', ttl: 60, data: { mname: 'ns.example', rname: 'h.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 } }],
    });
    const txt = response('t.example', 'A', [{ name: 't.example', type: 'TXT', ttl: 1, data: 'x' } as Answer]);
    const utf8 = response('bücher.example', 'A', [a('bücher.example', '10.0.0.1')]);
    for (const message of [withAuthority, txt, utf8, Buffer.alloc(11)]) assert.equal(decodeCommonAnswer(message), undefined);
    assert.equal(decodeMessage(utf8).questions?.[0]?.name, 'bücher.example');
  });

  test('forward and looping pointers, and names over 254 bytes: rejected as dns-packet rejects them', () => {
    const header = Buffer.from([0, 7, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
    const question = Buffer.concat([Buffer.from('\x01x\x00', 'latin1'), Buffer.from([0, 1, 0, 1])]);
    const record = (owner: Buffer): Buffer => Buffer.concat([owner, Buffer.from([0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 10, 0, 0, 1])]);
    const ownerAt = 12 + question.length;
    const cases = [
      // The owner name points forward, at a name placed after the record.
      Buffer.concat([header, question, record(Buffer.from([0xc0, ownerAt + 16])), Buffer.from('\x01y\x00', 'latin1')]),
      // The owner name points at itself.
      Buffer.concat([header, question, record(Buffer.from([0xc0, ownerAt]))]),
      // A question name of four 63-byte labels (256 bytes with their lengths).
      Buffer.concat([header.subarray(0, 6), Buffer.from([0, 0, 0, 0, 0, 0]), Buffer.concat(Array.from({ length: 4 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)]))), Buffer.from([0, 0, 1, 0, 1])]),
    ];
    for (const message of cases) {
      assert.deepEqual(outcome(decodeMessage, message), outcome(reference, message));
      assert.equal(outcome(reference, message).ok, false, message.toString('hex'));
      assert.equal(decodeCommonAnswer(message), undefined);
    }
  });

  test('every truncation and byte change: the same answer as before, or the same rejection', () => {
    let direct = 0;
    let checked = 0;
    for (const [label, message] of CORPUS) {
      const variants: Buffer[] = [];
      for (let cut = 0; cut < message.length; cut++) variants.push(message.subarray(0, cut));
      for (let i = 0; i < message.length; i++) {
        for (const value of [0, 1, 4, 16, 0x3f, 0x40, 0x80, 0xc0, 0xff, (message[i] as number) ^ 1, (message[i] as number) + 1]) {
          const changed = Buffer.from(message);
          changed[i] = value & 0xff;
          variants.push(changed);
        }
      }
      variants.push(Buffer.concat([message, Buffer.from([1, 2, 3])]));
      for (const variant of variants) {
        const before = outcome(reference, variant);
        const now = outcome(decodeMessage, variant);
        assert.deepEqual(now, before, `${label}: ${variant.toString('hex')}`);
        const common = decodeCommonAnswer(variant);
        if (common !== undefined) {
          direct++;
          assert.ok(before.ok, `${label}: read directly although dns-packet rejects it: ${variant.toString('hex')}`);
        }
        checked++;
      }
    }
    // The mutations reach the direct path and the fallback alike.
    assert.ok(direct > 1000 && direct < checked, `${direct} of ${checked} read directly`);
  });
});
