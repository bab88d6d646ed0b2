// The HTTP layer against real local servers: well-behaved HTTP(S) servers, and raw peers that never
// answer, answer garbage byte by byte, close or reset. Every case starts from the socket the tcp
// (and tls) layers would hand over, and checks that the probe used it and left nothing behind.

import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { checkHttp } from '../src/checks/http.js';
import type { Reason, Status } from '../src/model/reason.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { HttpData } from '../src/model/evidence.js';
import type { LayerResult } from '../src/model/result.js';
import {
  afterRequestHead,
  startHttpServer,
  startRawServer,
  testEndpoint,
  writeByteByByte,
} from './helpers/http-servers.js';
import type { ClientTls, ContextOptions, TestServer } from './helpers/http-servers.js';
import { localhostTls, probeOverSocket, RELAXED } from './helpers/app-probe.js';

/** Runs checkHttp once over a fresh probe socket to `server` (see probeOverSocket for what it asserts). */
function probe(server: TestServer, endpoint: Endpoint, options?: ContextOptions, tls?: ClientTls): Promise<LayerResult & { data: HttpData }> {
  return probeOverSocket<HttpData>(checkHttp, 'http', server, endpoint, options, tls);
}

interface ServerCase {
  case: string;
  handler: RequestListener;
  httpStatus?: number[];
  status: Status;
  reason: Reason;
  code: number;
  message?: RegExp;
}

const serverCases: ServerCase[] = [
  { case: '200 -> ok', handler: (_req, res) => res.end('hello'), status: 'pass', reason: 'ok', code: 200 },
  {
    case: '404 without expectation -> ok, status kept',
    handler: (_req, res) => { res.statusCode = 404; res.end('nope'); },
    status: 'pass', reason: 'ok', code: 404, message: /HTTP 404/,
  },
  {
    case: '404 with expect [200] -> http_status',
    handler: (_req, res) => { res.statusCode = 404; res.end('nope'); },
    httpStatus: [200], status: 'fail', reason: 'http_status', code: 404, message: /^HTTP 404, expected 200$/,
  },
  {
    case: '403 with expect [200, 401] -> http_status naming both',
    handler: (_req, res) => { res.statusCode = 403; res.end(); },
    httpStatus: [200, 401], status: 'fail', reason: 'http_status', code: 403, message: /^HTTP 403, expected 200 or 401$/,
  },
  {
    case: '401 with expect [200, 401] -> ok',
    handler: (_req, res) => { res.statusCode = 401; res.end(); },
    httpStatus: [200, 401], status: 'pass', reason: 'ok', code: 401,
  },
  {
    case: 'an 8 MiB body is dumped, not buffered -> ok',
    handler: (_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      res.setHeader('content-length', String(128 * chunk.length));
      const write = (left: number): void => {
        if (left === 0) { res.end(); return; }
        if (res.write(chunk)) write(left - 1);
        else res.once('drain', () => write(left - 1));
      };
      res.on('error', () => undefined);
      write(128);
    },
    status: 'pass', reason: 'ok', code: 200,
  },
];

describe('checkHttp over plain HTTP', () => {
  for (const c of serverCases) {
    it(c.case, async (t) => {
      const server = await startHttpServer(c.handler);
      t.after(() => server.close());
      const endpoint = testEndpoint('http', 'localhost', server.port, {
        path: '/health',
        expect: c.httpStatus ? { httpStatus: c.httpStatus } : {},
      });
      const result = await probe(server, endpoint);
      assert.equal(result.reason, c.reason, result.message);
      assert.equal(result.status, c.status);
      assert.equal(result.data.status, c.code);
      assert.equal(typeof result.data.firstByteMs, 'number');
      if (c.message) assert.match(result.message, c.message);
    });
  }

  it('sends Host as endpoint.host (not the address), the path, and the amlprobe user agent', async (t) => {
    let path = '';
    const server = await startHttpServer((req, res) => {
      path = req.url ?? '';
      res.setHeader('server', 'test-gateway');
      res.setHeader('x-ms-request-id', 'abc-123');
      res.setHeader('x-unrelated', 'dropped');
      res.end();
    });
    t.after(() => server.close());
    const endpoint = testEndpoint('http', 'localhost', server.port, { path: '/api/v1?x=1' });
    const result = await probe(server, endpoint);
    assert.equal(result.reason, 'ok');
    assert.deepEqual(server.hosts, [`localhost:${server.port}`]);
    assert.equal(path, '/api/v1?x=1');
    assert.match(server.userAgents[0] ?? '', /^amlprobe\/\d+\.\d+\.\d+/);
    assert.equal(result.data.url, `http://localhost:${server.port}/api/v1?x=1`);
    assert.equal(result.data.headers?.server, 'test-gateway');
    assert.equal(result.data.headers?.['x-ms-request-id'], 'abc-123');
    assert.equal(result.data.headers?.['x-unrelated'], undefined);
  });
});

interface RawCase {
  case: string;
  peer: (socket: Socket) => void;
  context?: ContextOptions;
  reason: Reason;
  message: RegExp;
  detail?: RegExp;
}

const rawCases: RawCase[] = [
  {
    case: 'accepts and never answers, headers timeout -> http_timeout',
    peer: (socket) => socket.on('data', () => undefined),
    context: { timeoutMs: 300, abortAfterMs: 5000 },
    reason: 'http_timeout', message: /^no HTTP answer within 300 ms$/,
  },
  {
    case: 'accepts and never answers, layer signal -> http_timeout',
    peer: (socket) => socket.on('data', () => undefined),
    context: { timeoutMs: 5000, abortAfterMs: 300 },
    reason: 'http_timeout', message: /^no HTTP answer within 5000 ms$/,
  },
  {
    case: 'accepts and never answers, run deadline -> deadline',
    peer: (socket) => socket.on('data', () => undefined),
    context: { timeoutMs: 5000, abortAfterMs: 300, abortName: 'DeadlineError' },
    reason: 'deadline', message: /deadline/,
  },
  {
    case: 'answers an SSH banner byte by byte -> http_failed',
    peer: (socket) => afterRequestHead(socket, () => void writeByteByByte(socket, 'SSH-2.0-OpenSSH_9.6\r\n')),
    reason: 'http_failed', message: /^malformed HTTP answer: /,
  },
  {
    case: 'answers a status line with a non-numeric status byte by byte -> http_failed',
    peer: (socket) => afterRequestHead(socket, () => void writeByteByByte(socket, 'HTTP/1.1 OK 200\r\n\r\n')),
    reason: 'http_failed', message: /^malformed HTTP answer: /,
  },
  {
    case: 'answers an SMTP banner at once -> http_failed quoting it',
    peer: (socket) => afterRequestHead(socket, () => socket.write('220 mail.example ESMTP ready\r\n')),
    reason: 'http_failed', message: /^malformed HTTP answer: /, detail: /220 mail\.example ESMTP ready/,
  },
  {
    case: 'reads the request then resets -> reset',
    peer: (socket) => afterRequestHead(socket, () => socket.resetAndDestroy()),
    reason: 'reset', message: /^connection reset before an HTTP answer$/,
  },
  {
    case: 'reads the request then closes -> reset',
    peer: (socket) => afterRequestHead(socket, () => socket.end()),
    reason: 'reset', message: /^connection closed by the peer before an HTTP answer$/,
  },
];

describe('checkHttp against broken peers', () => {
  for (const c of rawCases) {
    it(c.case, async (t) => {
      const server = await startRawServer((socket) => c.peer(socket as Socket));
      t.after(() => server.close());
      const endpoint = testEndpoint('http', 'localhost', server.port);
      const result = await probe(server, endpoint, c.context);
      assert.equal(result.reason, c.reason, result.message);
      assert.equal(result.status, 'fail');
      assert.match(result.message, c.message);
      if (c.detail) assert.match(result.detail ?? '', c.detail);
      assert.equal(result.data.status, undefined);
    });
  }
});

describe('checkHttp over TLS', () => {
  const tls = localhostTls();

  it('200 over the handshaken TLS socket -> ok, Host is the name', async (t) => {
    const server = await startHttpServer((_req, res) => res.end('ok'), tls.cert());
    t.after(() => server.close());
    const endpoint = testEndpoint('https', 'localhost', server.port, { path: '/score' });
    const result = await probe(server, endpoint, RELAXED, tls.client());
    assert.equal(result.reason, 'ok', result.message);
    assert.equal(result.data.status, 200);
    assert.deepEqual(server.hosts, [`localhost:${server.port}`]);
    assert.equal(result.data.url, `https://localhost:${server.port}/score`);
  });

  it('404 with expect [200] -> http_status', async (t) => {
    const server = await startHttpServer((_req, res) => { res.statusCode = 404; res.end(); }, tls.cert());
    t.after(() => server.close());
    const endpoint = testEndpoint('https', 'localhost', server.port, { expect: { httpStatus: [200] } });
    const result = await probe(server, endpoint, RELAXED, tls.client());
    assert.equal(result.reason, 'http_status');
    assert.equal(result.message, 'HTTP 404, expected 200');
  });

  it('TLS peer that never answers -> http_timeout', async (t) => {
    const server = await startRawServer((socket) => socket.on('data', () => undefined), tls.cert());
    t.after(() => server.close());
    const endpoint = testEndpoint('https', 'localhost', server.port);
    const result = await probe(server, endpoint, { timeoutMs: 300, abortAfterMs: 5000 }, tls.client());
    assert.equal(result.reason, 'http_timeout', result.message);
  });
});
