// A proxy's own error code decides which side failed: real squid 5.7 answers to CONNECT (captured
// from squid-openssl in a network namespace, test/fixtures/squid/), replayed byte for byte by a
// loopback peer. squid answers an unresolvable target with "500 ERR_CANNOT_FORWARD", which read
// as proxy_denied by its status alone; its X-Squid-Error makes it proxy_target_failed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import { packageRoot } from '../src/package-root.js';
import { cellText } from '../src/report/cell-text.js';
import type { Reason } from '../src/model/reason.js';
import type { ConnectData } from '../src/model/evidence.js';
import type { LayerResult } from '../src/model/result.js';
import { afterRequestHead, startRawServer, testEndpoint, writeByteByByte, type TestServer } from './helpers/http-servers.js';
import { testSettings } from './helpers/settings.js';

const fixture = (name: string): string => readFileSync(join(packageRoot(), 'test', 'fixtures', 'squid', name), 'latin1');

const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** A "proxy" that answers every CONNECT with `bytes` and keeps the connection open, as squid does. */
async function replaying(bytes: string, dribble = false): Promise<TestServer> {
  const server = await startRawServer((socket: Socket) => {
    socket.on('error', () => undefined);
    afterRequestHead(socket, () => {
      if (dribble) void writeByteByByte(socket, bytes, 0);
      else socket.write(bytes);
    });
  });
  servers.push(server);
  return server;
}

async function tcpThrough(proxy: TestServer): Promise<LayerResult & { data: ConnectData }> {
  const outcome = await runEndpoints([testEndpoint('https', '127.0.0.1', 9)], testSettings({ timeoutMs: 3000, proxy: `http://127.0.0.1:${proxy.port}` }));
  const tcp = outcome.results[0]?.checks.find((c) => c.layer === 'tcp');
  assert.ok(tcp);
  return tcp as LayerResult & { data: ConnectData };
}

interface Case {
  fixture: string;
  reason: Reason;
  code: string;
  message: RegExp;
  detail?: RegExp;
  cell: string;
}

const cases: Case[] = [
  {
    fixture: 'connect-cannot-forward.http', reason: 'proxy_target_failed', code: 'ERR_CANNOT_FORWARD',
    message: /could not reach the target 127\.0\.0\.1:9 \(HTTP 500 ERR_CANNOT_FORWARD\)/, detail: /no allowed or live way to forward/, cell: 'proxy 500',
  },
  {
    fixture: 'connect-connect-fail.http', reason: 'proxy_target_failed', code: 'ERR_CONNECT_FAIL',
    message: /\(HTTP 503 ERR_CONNECT_FAIL\)/, detail: /names the failure ERR_CONNECT_FAIL/, cell: 'proxy 503',
  },
  {
    fixture: 'connect-access-denied.http', reason: 'proxy_denied', code: 'ERR_ACCESS_DENIED',
    message: /refused the tunnel to 127\.0\.0\.1:9 \(HTTP 403 ERR_ACCESS_DENIED\)/, detail: /Server: squid\/5\.7/, cell: 'proxy 403',
  },
];

describe('CONNECT answered by squid: its X-Squid-Error decides', () => {
  for (const c of cases) {
    for (const dribble of [false, true]) {
      it(`${c.fixture}${dribble ? ', one byte at a time' : ''} -> ${c.reason}`, async () => {
        const tcp = await tcpThrough(await replaying(fixture(c.fixture), dribble));
        assert.equal(tcp.reason, c.reason, JSON.stringify(tcp));
        assert.equal(tcp.data.proxyError, c.code);
        assert.match(tcp.message, c.message);
        if (c.detail !== undefined) assert.match(tcp.detail ?? '', c.detail);
        assert.equal(cellText(tcp), c.cell);
      });
    }
  }

  it('the code outranks the status: a 502 naming ERR_ACCESS_DENIED is proxy_denied', async () => {
    const bytes = 'HTTP/1.1 502 Bad Gateway\r\nServer: squid\r\nX-Squid-Error: ERR_ACCESS_DENIED 0\r\nContent-Length: 0\r\n\r\n';
    const tcp = await tcpThrough(await replaying(bytes));
    assert.equal(tcp.reason, 'proxy_denied', JSON.stringify(tcp));
  });

  it('without a code the status still decides: 503 is proxy_target_failed, no proxyError', async () => {
    const bytes = 'HTTP/1.1 503 Service Unavailable\r\nServer: other-proxy\r\nContent-Length: 0\r\n\r\n';
    const tcp = await tcpThrough(await replaying(bytes));
    assert.equal(tcp.reason, 'proxy_target_failed', JSON.stringify(tcp));
    assert.equal(tcp.data.proxyError, undefined);
  });
});
