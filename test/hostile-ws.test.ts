// Hostile WebSocket servers: silence, a trickled answer, garbage, floods of interim answers and
// headers, a 101 with a wrong accept key, a 101 followed by a flood of frames, resets and
// half-closes. Each against the real engine (tcp -> websocket on one connection) with the verdict
// it deserves and the run ending within its deadline.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { afterHead, assertReason, flood, hostileEndpoint, rawPeer, repeatWrite, runHostile, type RawPeer } from './helpers/hostile.js';

const peers: RawPeer[] = [];
after(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

/** The Sec-WebSocket-Accept a correct server sends for the request `head` (RFC 6455 section 4.2.2). */
function acceptFor(head: string): string {
  const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

interface WsCase {
  case: string;
  answer: (socket: Socket, head: string) => void;
  reason: string;
  status?: 'pass' | 'fail';
  message?: RegExp;
}

const CASES: WsCase[] = [
  { case: 'a server that reads the upgrade and stays silent is ws_timeout', answer: () => {}, reason: 'ws_timeout' },
  {
    case: 'an answer trickled a byte every 150 ms is cut by the layer timeout (ws_timeout)',
    answer: (s) => {
      const text = 'HTTP/1.1 101 Switching Protocols\r\n\r\n';
      let at = 0;
      const timer = setInterval(() => (s.destroyed || at >= text.length ? clearInterval(timer) : s.write(text[at++] ?? '')), 150);
      s.on('close', () => clearInterval(timer));
    },
    reason: 'ws_timeout',
  },
  { case: 'an SSH banner is ws_failed', answer: (s) => s.write('SSH-2.0-OpenSSH_9.6\r\n'), reason: 'ws_failed' },
  { case: 'a 101 with a wrong accept key is ws_failed', answer: (s) => s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: d3JvbmcK\r\n\r\n'), reason: 'ws_failed' },
  {
    case: 'a 101 followed by a flood of frames is ws_upgraded, and the run ends',
    answer: (s, head) => {
      s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(head)}\r\n\r\n`);
      // Unmasked text frames of 125 bytes, back to back.
      flood(s, Buffer.concat([Buffer.from([0x81, 125]), Buffer.alloc(125, 0x61)]));
    },
    reason: 'ws_upgraded',
    status: 'pass',
    // The clean close (1000) it then attempts is never answered: the layer waits up to its timeout, no longer.
  },
  {
    case: 'interim 102 answers every 20 ms end with a verdict within the deadline',
    answer: (s) => repeatWrite(s, 'HTTP/1.1 102 Processing\r\n\r\n', 20),
    reason: 'ws_timeout',
  },
  { case: 'an endless header block is ws_failed', answer: (s) => { s.write('HTTP/1.1 101 Switching Protocols\r\n'); flood(s, 'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'); }, reason: 'ws_failed' },
  { case: 'a reset without an answer is reset', answer: (s) => s.resetAndDestroy(), reason: 'reset' },
  { case: 'a half-close without an answer is reset (closed by the peer)', answer: (s) => s.end(), reason: 'reset' },
];

describe('hostile WebSocket servers', () => {
  for (const c of CASES) {
    it(c.case, async () => {
      const server = await rawPeer((socket) => afterHead(socket, (head) => c.answer(socket, head)));
      peers.push(server);
      const result = await runHostile(hostileEndpoint('ws', server.port));
      assertReason(result, c.reason, c.message);
      assert.equal(result.status, c.status ?? 'fail');
      const ws = result.checks.find((check) => check.layer === 'websocket');
      assert.ok(ws, 'no websocket layer');
    });
  }
});
