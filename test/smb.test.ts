// The smb:// kind against byte-level fakes on loopback: a correct SMB2 NEGOTIATE response (signing
// required or not), an SMB1 answer, an SMB2 error, HTTP and TLS answers, silence, a reset and a
// close mid-answer, a truncated and an oversized frame. Each through the real engine (dns -> tcp ->
// smb on one connection), with the verdict it deserves and the run ending within its deadline.
// The same framing against a real samba server is in test/e2e/smb.test.ts.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { negotiateRequest, readNegotiateAnswer, type SmbData } from '../src/checks/smb.js';
import { cellText } from '../src/report/cell-text.js';
import { answerNegotiate, negotiateResponse, offeredDialects } from '../src/lab/lab-smb.js';
import { parseTarget } from '../src/plan/targets.js';
import { renderJson } from '../src/report/json.js';
import { startForwardProxy } from './helpers/forward-proxy.js';
import { assertReason, hostileEndpoint, rawPeer, runHostile, type RawPeer } from './helpers/hostile.js';

const peers: RawPeer[] = [];
after(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

/** Calls `then` once the peer has read one whole Direct TCP frame. */
function afterFrame(socket: Socket, then: (message: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length < 4 || buffered.length < 4 + buffered.readUInt32BE(0)) return;
    socket.off('data', onData);
    then(buffered.subarray(4, 4 + buffered.readUInt32BE(0)));
  };
  socket.on('data', onData);
}

const SMB1_ANSWER = Buffer.concat([Buffer.from([0, 0, 0, 35, 0xff, 0x53, 0x4d, 0x42, 0x72]), Buffer.alloc(31)]);

interface SmbCase {
  case: string;
  answer: (socket: Socket, request: Buffer) => void;
  reason: string;
  status?: 'pass' | 'fail';
  message?: RegExp;
  evidence?: (data: SmbData) => void;
}

const CASES: SmbCase[] = [
  {
    case: 'an Azure Files-like server negotiates 3.1.1 without requiring signing: smb_negotiated',
    answer: (s) => answerNegotiate(s),
    reason: 'smb_negotiated',
    status: 'pass',
    message: /^SMB 3\.1\.1 negotiated, signing enabled, not required$/,
    evidence: (d) => {
      assert.equal(d.dialect, '3.1.1');
      assert.equal(d.signingRequired, false);
      assert.match(d.serverGuid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.deepEqual(d.capabilities, ['DFS', 'LEASING', 'LARGE_MTU', 'ENCRYPTION']);
      assert.equal(d.maxReadSize, 8 * 1024 * 1024);
    },
  },
  {
    case: 'a 2.1-only server that requires signing: smb_negotiated, dialect 2.1, signing required',
    answer: (s) => answerNegotiate(s, { dialects: [0x0210], signingRequired: true }),
    reason: 'smb_negotiated',
    status: 'pass',
    message: /^SMB 2\.1 negotiated, signing required$/,
    evidence: (d) => assert.equal(d.signingRequired, true),
  },
  {
    case: 'the answer arriving a byte at a time is still read whole',
    answer: (s) => afterFrame(s, () => {
      const bytes = negotiateResponse(0x0300);
      let at = 0;
      const timer = setInterval(() => (s.destroyed || at >= bytes.length ? clearInterval(timer) : s.write(bytes.subarray(at, ++at))), 2);
    }),
    reason: 'smb_negotiated',
    status: 'pass',
    evidence: (d) => assert.equal(d.dialect, '3.0'),
  },
  { case: 'an SMB1-only answer is smb_not_smb2', answer: (s) => afterFrame(s, () => s.write(SMB1_ANSWER)), reason: 'smb_not_smb2', message: /SMB1/, evidence: (d) => assert.equal(d.smb1, true) },
  {
    case: 'an HTTP server answering garbage is smb_not_smb2, quoting it',
    answer: (s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nServer: \x1b[31mnginx\r\n\r\n')),
    reason: 'smb_not_smb2',
    evidence: (d) => assert.equal(d.answer, 'HTTP/1.1 400 Bad Request Server: \\x1b[31mnginx'),
  },
  { case: 'a TLS alert is smb_not_smb2', answer: (s) => s.once('data', () => s.write(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]))), reason: 'smb_not_smb2' },
  {
    case: 'an SMB2 error answer (no common dialect) is smb_failed with the NT status',
    answer: (s) => afterFrame(s, () => {
      const error = Buffer.from(negotiateResponse(0).subarray(0, 4 + 73));
      error.writeUInt32BE(73, 0);
      error.writeUInt32LE(0xc00000bb, 4 + 8);
      s.write(error);
    }),
    reason: 'smb_failed',
    message: /0xC00000BB/,
    evidence: (d) => assert.equal(d.status, '0xC00000BB'),
  },
  { case: 'silence after the NEGOTIATE is smb_timeout', answer: () => {}, reason: 'smb_timeout', message: /no SMB answer within 600 ms/ },
  { case: 'a close without an answer is smb_failed', answer: (s) => s.once('data', () => s.end()), reason: 'smb_failed', message: /closed the connection without answering/ },
  {
    case: 'a reset mid-answer is smb_failed with ECONNRESET',
    answer: (s) => afterFrame(s, () => s.write(negotiateResponse(0x0311).subarray(0, 40), () => setTimeout(() => s.resetAndDestroy(), 20))),
    reason: 'smb_failed',
    message: /reset .*40 bytes/,
    evidence: (d) => assert.equal(d.code, 'ECONNRESET'),
  },
  {
    case: 'a truncated answer then a close is smb_failed, naming the bytes',
    answer: (s) => afterFrame(s, () => s.end(negotiateResponse(0x0311).subarray(0, 100))),
    reason: 'smb_failed',
    message: /after 100 of the 132 bytes/,
  },
  { case: 'a truncated answer then silence is smb_timeout', answer: (s) => afterFrame(s, () => s.write(negotiateResponse(0x0311).subarray(0, 100))), reason: 'smb_timeout', message: /100 bytes of an answer/ },
  {
    case: 'an oversized frame length is smb_not_smb2 at once, without reading it',
    answer: (s) => afterFrame(s, () => s.write(Buffer.from([0x00, 0xff, 0xff, 0xff, 0xfe, 0x53, 0x4d, 0x42]))),
    reason: 'smb_not_smb2',
    message: /16777215 bytes/,
  },
];

describe('smb:// against byte-level fakes', () => {
  for (const c of CASES) {
    it(c.case, async () => {
      const server = await rawPeer((socket) => c.answer(socket, Buffer.alloc(0)));
      peers.push(server);
      const result = await runHostile(hostileEndpoint('smb', server.port));
      assertReason(result, c.reason, c.message);
      assert.equal(result.status, c.status ?? 'fail');
      assert.deepEqual(result.checks.map((check) => check.layer), ['dns', 'tcp', 'smb']);
      const smb = result.checks.find((check) => check.layer === 'smb');
      c.evidence?.((smb?.data ?? {}) as SmbData);
    });
  }
});

describe('smb:// through a forward proxy (an endpoint with its own proxy)', () => {
  it('negotiates over the CONNECT tunnel: the tcp layer records the proxy, the smb layer the dialect', async (t) => {
    const server = await rawPeer((socket) => answerNegotiate(socket));
    peers.push(server);
    const proxy = await startForwardProxy();
    t.after(() => proxy.close());
    const result = await runHostile(hostileEndpoint('smb', server.port, { proxy: proxy.url }));
    assertReason(result, 'smb_negotiated', /^SMB 3\.1\.1 negotiated/);
    assert.deepEqual(proxy.requests.map((r) => r.target), [`127.0.0.1:${server.port}`]);
    assert.equal((result.checks.find((c) => c.layer === 'tcp')?.data as { proxy?: string } | undefined)?.proxy, proxy.url);
  });
});

describe('the SMB2 NEGOTIATE request', () => {
  it('offers 2.0.2 to 3.1.1, with the preauth and encryption contexts 3.1.1 needs, 8-byte aligned', () => {
    const frame = negotiateRequest();
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
    const message = frame.subarray(4);
    assert.deepEqual(offeredDialects(message), [0x0202, 0x0210, 0x0300, 0x0302, 0x0311]);
    const at = message.readUInt32LE(64 + 28);
    assert.equal(at % 8, 0);
    assert.equal(message.readUInt16LE(64 + 32), 2);
    assert.equal(message.readUInt16LE(at), 0x0001, 'PREAUTH_INTEGRITY_CAPABILITIES first');
    assert.equal(message.readUInt16LE(at + 8 + 2), 32, 'a 32-byte salt');
    const second = (at + 8 + message.readUInt16LE(at + 2) + 7) & ~7;
    assert.equal(message.readUInt16LE(second), 0x0002, 'ENCRYPTION_CAPABILITIES second');
    assert.equal(second + 8 + message.readUInt16LE(second + 2), message.length);
  });

  it('waits for a whole frame before judging it', () => {
    const whole = negotiateResponse(0x0311);
    assert.equal(readNegotiateAnswer(whole.subarray(0, 3)).kind, 'incomplete');
    assert.deepEqual(readNegotiateAnswer(whole.subarray(0, 70)), { kind: 'incomplete', need: whole.length });
    assert.equal(readNegotiateAnswer(whole).kind, 'smb2');
  });
});

describe('smb:// targets and reports', () => {
  it('parses smb://HOST with port 445 by default, and smb://HOST:PORT', () => {
    const target = parseTarget('smb://contoso.file.core.windows.net');
    assert.deepEqual([target.protocol, target.port, target.path, target.id], ['smb', 445, '', 'smb://contoso.file.core.windows.net:445']);
    assert.equal(parseTarget('smb://10.0.0.5:4450').port, 4450);
    assert.throws(() => parseTarget('smb://10.0.0.5/share'), /has no path/);
  });

  it('shows the dialect in the cell and every field in the JSON evidence', async () => {
    const server = await rawPeer((socket) => answerNegotiate(socket, { signingRequired: true }));
    peers.push(server);
    const result = await runHostile(hostileEndpoint('smb', server.port));
    const smb = result.checks.find((check) => check.layer === 'smb');
    assert.ok(smb);
    assert.equal(cellText(smb), 'SMB 3.1.1 signed');
    const json = renderJson({ schemaVersion: 1, tool: { name: 'amlprobe', version: 't' }, startedAt: '', durationMs: 0, deadlineHit: false, settings: {} as never, summary: {} as never, results: [result] });
    assert.match(json, /"data": \{\s+"dialect": "3\.1\.1",\s+"signingEnabled": true,\s+"signingRequired": true,\s+"serverGuid": "[0-9a-f-]{36}"/);
  });
});
