// Hostile forward proxies: every way a "proxy" can misbehave on the CONNECT exchange, each against
// the real engine with the verdict it deserves and the run ending within its deadline. The peers
// are raw sockets written byte by byte (test/helpers/hostile.ts); nothing leaves loopback.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { MAX_INTERIM_ANSWERS } from '../src/net/proxy-connect.js';
import {
  afterHead,
  assertReason,
  flood,
  hostileEndpoint,
  rawPeer,
  repeatWrite,
  runHostile,
  type RawPeer,
} from './helpers/hostile.js';

const peers: RawPeer[] = [];
after(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

/** A proxy that behaves as `onSocket` says; the endpoint is an https target behind it. */
async function throughProxy(onSocket: (socket: Socket) => void): Promise<ReturnType<typeof runHostile>> {
  const proxy = await rawPeer(onSocket);
  peers.push(proxy);
  return runHostile(hostileEndpoint('https', 443, { proxy: `http://127.0.0.1:${proxy.port}` }));
}

interface ProxyCase {
  case: string;
  proxy: (socket: Socket) => void;
  reason: string;
  message?: RegExp;
}

const CASES: ProxyCase[] = [
  {
    case: 'an SSH banner without a blank line is proxy_failed at once, not a silent proxy',
    proxy: (s) => s.write('SSH-2.0-OpenSSH_9.6p1 Debian-4\r\n'),
    reason: 'proxy_failed',
    message: /to CONNECT is not HTTP/,
  },
  {
    case: 'a TLS alert (an HTTPS port given as the proxy) is proxy_failed at once',
    proxy: (s) => s.write(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])),
    reason: 'proxy_failed',
  },
  {
    case: 'a proxy that echoes the request back is proxy_failed at once',
    proxy: (s) => s.pipe(s),
    reason: 'proxy_failed',
    message: /not HTTP/,
  },
  {
    case: 'a flood of 100 Continue is proxy_failed (amlprobe gave up), within the deadline',
    proxy: (s) => afterHead(s, () => flood(s, 'HTTP/1.1 100 Continue\r\n\r\n')),
    reason: 'proxy_failed',
    message: new RegExp(`sent ${MAX_INTERIM_ANSWERS + 1} interim \\(1xx\\) answers`),
  },
  {
    case: 'interim answers trickled one every 50 ms never reset the wait: proxy_failed at the cap',
    proxy: (s) => afterHead(s, () => repeatWrite(s, 'HTTP/1.1 102 Processing\r\n\r\n', 50)),
    reason: 'proxy_failed',
    message: /interim \(1xx\) answers/,
  },
  {
    case: 'one huge interim answer counts against the byte cap',
    proxy: (s) => afterHead(s, () => { s.write('HTTP/1.1 103 Early Hints\r\n'); flood(s, `Link: <${'x'.repeat(1000)}>\r\n`); }),
    reason: 'proxy_failed',
  },
  {
    case: 'an endless answer head (header flood) is proxy_failed at 16 KiB',
    proxy: (s) => afterHead(s, () => { s.write('HTTP/1.1 200 Connection established\r\n'); flood(s, 'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'); }),
    reason: 'proxy_failed',
  },
  {
    case: 'a proxy that never answers is proxy_target_failed after the layer timeout',
    proxy: () => {},
    reason: 'proxy_target_failed',
    message: /gave no answer to CONNECT/,
  },
  {
    case: 'a status line trickled a byte every 200 ms is cut by the layer timeout',
    proxy: (s) => afterHead(s, () => {
      const text = 'HTTP/1.1 200 Connection established\r\n\r\n';
      let at = 0;
      const timer = setInterval(() => (s.destroyed || at >= text.length ? clearInterval(timer) : s.write(text[at++] ?? '')), 200);
      s.on('close', () => clearInterval(timer));
    }),
    reason: 'proxy_target_failed',
  },
  {
    case: 'a reset in the middle of the status line is proxy_failed',
    proxy: (s) => afterHead(s, () => { s.write('HTTP/1.1 2'); setTimeout(() => s.resetAndDestroy(), 20); }),
    reason: 'proxy_failed',
    message: /reset the connection|closed the connection/,
  },
  {
    case: 'a half-close right after the request is proxy_failed',
    proxy: (s) => afterHead(s, () => s.end()),
    reason: 'proxy_failed',
  },
];

describe('hostile forward proxies', () => {
  for (const c of CASES) {
    it(c.case, async () => {
      const result = await throughProxy(c.proxy);
      assertReason(result, c.reason, c.message);
      assert.equal(result.layer, 'tcp');
    });
  }

  it('a tunnel to a target that answers garbage instead of TLS is tls_failed, not a proxy verdict', async () => {
    const result = await throughProxy((s) => afterHead(s, () => s.write('HTTP/1.1 200 Connection established\r\n\r\nSSH-2.0-OpenSSH_9.6\r\n')));
    assert.equal(result.layer, 'tls');
    assert.equal(result.status, 'fail');
    assert.notEqual(result.reason, 'proxy_failed');
  });
});
