// Hostile peers at the connection and TLS layers: a port that accepts then resets, a peer that
// never answers the ClientHello, one that trickles, garbage instead of a ServerHello, a flood of
// bytes, a half-close and a reset in the middle of the handshake. Each against the real engine,
// with the verdict it deserves and the run ending within its deadline.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { assertReason, flood, hostileEndpoint, rawPeer, repeatWrite, runHostile, type RawPeer } from './helpers/hostile.js';

const peers: RawPeer[] = [];
after(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

/** Calls `then` once the client's first bytes (the ClientHello) arrived. */
function afterHello(socket: Socket, then: () => void): void {
  socket.once('data', then);
}

interface TlsCase {
  case: string;
  peer: (socket: Socket) => void;
  reason: string;
  message?: RegExp;
}

const TLS_CASES: TlsCase[] = [
  { case: 'a peer that never answers the ClientHello is tls_timeout', peer: (s) => s.resume(), reason: 'tls_timeout' },
  {
    case: 'a handshake record trickled a byte every 100 ms is cut by the layer timeout',
    // A valid record header announcing 16 KiB, then its body one byte at a time.
    peer: (s) => afterHello(s, () => { s.write(Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00])); repeatWrite(s, Buffer.from([0x02]), 100); }),
    reason: 'tls_timeout',
  },
  { case: 'an SSH banner instead of a ServerHello is tls_failed', peer: (s) => s.write('SSH-2.0-OpenSSH_9.6\r\n'), reason: 'tls_failed' },
  { case: 'an HTTP answer instead of a ServerHello is tls_failed', peer: (s) => afterHello(s, () => s.write('HTTP/1.1 400 Bad Request\r\n\r\n')), reason: 'tls_failed' },
  { case: 'a flood of random bytes is tls_failed', peer: (s) => afterHello(s, () => flood(s, Buffer.alloc(16 * 1024, 0x41))), reason: 'tls_failed' },
  { case: 'a reset in the middle of the handshake is reset', peer: (s) => afterHello(s, () => { s.write(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40])); setTimeout(() => s.resetAndDestroy(), 20); }), reason: 'reset' },
  { case: 'a reset right after the ClientHello is reset', peer: (s) => afterHello(s, () => s.resetAndDestroy()), reason: 'reset' },
  {
    case: 'a half-close after the ClientHello is tls_failed (closed during the handshake)',
    peer: (s) => afterHello(s, () => s.end()),
    reason: 'tls_failed',
    message: /closed the connection during the TLS handshake/,
  },
];

describe('hostile peers: TCP', () => {
  it('a port that accepts and never speaks is connected (ok): TCP has no more to prove', async () => {
    const peer = await rawPeer(() => {});
    peers.push(peer);
    const result = await runHostile(hostileEndpoint('tcp', peer.port));
    assertReason(result, 'ok');
  });

  it('a port that accepts and floods bytes nobody asked for is connected (ok), and the run ends', async () => {
    const peer = await rawPeer((s) => flood(s, Buffer.alloc(64 * 1024, 0x41)));
    peers.push(peer);
    const result = await runHostile(hostileEndpoint('tcp', peer.port));
    assertReason(result, 'ok');
  });
});

describe('hostile peers: TLS', () => {
  for (const c of TLS_CASES) {
    it(c.case, async () => {
      const peer = await rawPeer(c.peer);
      peers.push(peer);
      const result = await runHostile(hostileEndpoint('tls', peer.port));
      assertReason(result, c.reason, c.message);
      assert.equal(result.layer, 'tls');
    });
  }
});
