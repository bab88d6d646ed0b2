// Issue 15 changed how an answer is read after the wire, not what it means: names in any case and
// with or without their final dot still match, and an IPv4 address parses and classifies to the
// same integers and ranges as the bigint-per-octet form it replaced.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type dnsPacket from 'dns-packet';
import { summarizeDirect } from '../src/dns/direct-answer.js';
import type { DnsResponse } from '../src/dns/transport.js';
import type { WireOutcome } from '../src/dns/wire-outcome.js';
import { cidrContains, parseAddress, parseCidr } from '../src/net/cidr.js';

function answered(type: 'A' | 'AAAA', packet: dnsPacket.Packet): WireOutcome {
  // As a decoder hands it over, final dots and all (dns-packet's encoder would drop them).
  const decoded = { ...packet, flag_qr: true, rcode: 'NOERROR' } as DnsResponse;
  return { ok: true, server: '10.0.0.53:53', type, transport: 'udp', rcode: decoded.rcode, packet: decoded, ignored: { wrongId: 0, wrongQuestion: 0, notDns: 0 }, ms: 1 };
}

test('answer names match the asked name in any case, with or without the final dot', () => {
  const question = (type: 'A' | 'AAAA') => [{ name: 'ws.example.com', type, class: 'IN' as const }];
  const a = answered('A', {
    type: 'response', id: 1, flags: 0x0180, questions: question('A'),
    answers: [
      { name: 'WS.Example.COM.', type: 'CNAME', class: 'IN', ttl: 60, data: 'Target.Example.' },
      { name: 'xws.example.com', type: 'A', class: 'IN', ttl: 60, data: '10.9.9.9' },
      { name: 'TARGET.example', type: 'A', class: 'IN', ttl: 60, data: '10.1.2.3' },
      { name: 'target.example.', type: 'A', class: 'IN', ttl: 60, data: '10.1.2.4' },
    ],
  });
  const aaaa = answered('AAAA', { type: 'response', id: 2, flags: 0x0180, questions: question('AAAA'), answers: [] });
  const answer = summarizeDirect('ws.example.com', a, aaaa, 1);
  assert.equal(answer.reason, 'ok');
  assert.deepEqual(answer.addresses.map((r) => r.data), ['10.1.2.3', '10.1.2.4']);
  assert.deepEqual(answer.cname.map((r) => r.data), ['Target.Example.']);
});

test('IPv4 addresses parse and fall in ranges exactly as with a bigint per octet', () => {
  const reference = (text: string): bigint => text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  const ranges = ['0.0.0.0/0', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '10.1.2.0/23', '255.255.255.255/32', '128.0.0.0/1'].map((c) => parseCidr(c));
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
  for (let i = 0; i < 5000; i++) {
    const text = i === 0 ? '255.255.255.255' : i === 1 ? '0.0.0.0' : [next(), next(), next(), next()].join('.');
    const parsed = parseAddress(text);
    assert.deepEqual(parsed, { family: 4, value: reference(text) }, text);
    for (const range of ranges) {
      const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - range.prefix)) - 1n);
      assert.equal(cidrContains(range, parsed), (reference(text) & mask) === range.network, `${text} in ${range.text}`);
    }
  }
  assert.deepEqual(parseAddress('fe80::1%eth0'), parseAddress('fe80::1'));
  assert.deepEqual(parseAddress('10.0.0.1%x'), parseAddress('10.0.0.1'));
});
