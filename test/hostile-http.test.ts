// Hostile HTTP servers: stall, trickle, garbage, floods of interim answers and headers, endless
// bodies, half-closes and resets, each against the real engine (tcp -> http on one connection)
// with the verdict it deserves and the run ending within its deadline.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { MAX_INTERIM_ANSWERS } from '../src/checks/http.js';
import { afterHead, assertReason, flood, hostileEndpoint, rawPeer, repeatWrite, runHostile, type RawPeer } from './helpers/hostile.js';

const peers: RawPeer[] = [];
after(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

interface HttpCase {
  case: string;
  /** What the server does once it has read the request head. */
  answer: (socket: Socket) => void;
  reason: string;
  status?: 'pass' | 'fail';
  message?: RegExp;
}

const CASES: HttpCase[] = [
  { case: 'a server that reads the request and stays silent is http_timeout', answer: () => {}, reason: 'http_timeout' },
  {
    case: 'a status line trickled a byte every 150 ms is cut by the layer timeout (http_timeout)',
    answer: (s) => {
      const text = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
      let at = 0;
      const timer = setInterval(() => (s.destroyed || at >= text.length ? clearInterval(timer) : s.write(text[at++] ?? '')), 150);
      s.on('close', () => clearInterval(timer));
    },
    reason: 'http_timeout',
  },
  { case: 'an SSH banner is http_failed (not HTTP)', answer: (s) => s.write('SSH-2.0-OpenSSH_9.6\r\n'), reason: 'http_failed', message: /malformed HTTP answer/ },
  {
    case: 'an unasked 100 Continue is http_failed (amlprobe closed the connection), not reset',
    answer: (s) => s.write('HTTP/1.1 100 Continue\r\n\r\n'),
    reason: 'http_failed',
    message: /did not ask for/,
  },
  {
    case: 'a flood of 100 Continue is http_failed, not reset',
    answer: (s) => flood(s, 'HTTP/1.1 100 Continue\r\n\r\n'),
    reason: 'http_failed',
  },
  {
    case: `103 Early Hints every 20 ms is http_failed after ${MAX_INTERIM_ANSWERS} of them, not a timeout`,
    answer: (s) => repeatWrite(s, 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n', 20),
    reason: 'http_failed',
    message: /interim \(1xx\) answers and no final one/,
  },
  {
    case: 'an endless header block is http_failed (headers too large)',
    answer: (s) => { s.write('HTTP/1.1 200 OK\r\n'); flood(s, 'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'); },
    reason: 'http_failed',
  },
  {
    case: 'an endless body after 200 is a pass: the verdict is the status, the body is dropped',
    answer: (s) => { s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n'); flood(s, 'x'.repeat(16 * 1024)); },
    reason: 'ok',
    status: 'pass',
  },
  {
    case: 'a chunked body that trickles forever is a pass and does not hold the run',
    answer: (s) => { s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'); repeatWrite(s, '1\r\nx\r\n', 50); },
    reason: 'ok',
    status: 'pass',
  },
  { case: 'a half-close without an answer is reset (closed by the peer)', answer: (s) => s.end(), reason: 'reset', message: /closed by the peer/ },
  { case: 'a reset without an answer is reset', answer: (s) => s.resetAndDestroy(), reason: 'reset' },
  {
    case: 'a reset in the middle of the headers is reset',
    answer: (s) => { s.write('HTTP/1.1 200 OK\r\nServer: half'); setTimeout(() => s.resetAndDestroy(), 20); },
    reason: 'reset',
  },
  {
    case: 'an answer to an upgrade nobody asked for is http_failed',
    answer: (s) => s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
    reason: 'http_failed',
  },
];

describe('hostile HTTP servers', () => {
  for (const c of CASES) {
    it(c.case, async () => {
      const server = await rawPeer((socket) => afterHead(socket, () => c.answer(socket)));
      peers.push(server);
      const result = await runHostile(hostileEndpoint('http', server.port));
      assertReason(result, c.reason, c.message);
      assert.equal(result.status, c.status ?? 'fail');
      const http = result.checks.find((check) => check.layer === 'http');
      assert.ok(http, 'no http layer');
    });
  }
});
