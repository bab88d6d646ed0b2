// The WebSocket layer against real local servers: a ws.WebSocketServer that upgrades, and raw peers
// that answer the upgrade with 401, 502, 200, a redirect, a bad accept key, garbage, silence or a
// reset. Every case starts from the socket the tcp (and tls) layers would hand over, and checks
// that the probe used it, opened no second connection and left nothing behind.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { checkWebSocket } from './helpers/engine-checks.js';
import type { Reason, Status } from '../src/model/reason.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { WebSocketData } from '../src/model/evidence.js';
import type { LayerResult } from '../src/model/result.js';
import {
  afterRequestHead,
  eventually,
  startRawServer,
  startWsServer,
  testEndpoint,
  writeByteByByte,
} from './helpers/http-servers.js';
import type { ClientTls, ContextOptions, TestServer } from './helpers/http-servers.js';
import { localhostTls, probeOverSocket, RELAXED } from './helpers/app-probe.js';
import { expandCatalog } from '../src/plan/catalog-expand.js';
import { loadCatalog } from '../src/plan/catalog-load.js';

/** Runs checkWebSocket once over a fresh probe socket to `server` (see probeOverSocket for what it asserts). */
function probe(server: TestServer, endpoint: Endpoint, options?: ContextOptions, tls?: ClientTls): Promise<LayerResult & { data: WebSocketData }> {
  return probeOverSocket<WebSocketData>(checkWebSocket, 'websocket', server, endpoint, options, tls);
}

/** A raw peer that waits for the whole upgrade request, then writes `answer` (and keeps the socket open). */
function answers(answer: string): (socket: Socket) => void {
  return (socket) => afterRequestHead(socket, () => socket.write(answer));
}

const PROXY_PAGE = '<html><body><h1>ERR_CONNECT_FAIL</h1>squid/6.6</body></html>';

interface RawCase {
  case: string;
  peer: (socket: Socket) => void;
  httpStatus?: number[];
  context?: ContextOptions;
  status: Status;
  reason: Reason;
  code?: number;
  message: RegExp;
  detail?: RegExp;
}

const rawCases: RawCase[] = [
  {
    case: '401 Unauthorized from the service -> ws_rejected (pass)',
    peer: answers('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nUnauthorized'),
    status: 'pass', reason: 'ws_rejected', code: 401,
    message: /^service answered HTTP 401 to the upgrade: the path is open$/,
  },
  {
    case: '404 from the service, connection closed after -> ws_rejected (pass)',
    peer: (socket) => afterRequestHead(socket, () => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')),
    status: 'pass', reason: 'ws_rejected', code: 404, message: /HTTP 404/,
  },
  {
    case: '502 Bad Gateway from a proxy -> ws_failed quoting the page',
    peer: answers(
      `HTTP/1.1 502 Bad Gateway\r\nServer: squid/6.6\r\nContent-Type: text/html\r\nContent-Length: ${PROXY_PAGE.length}\r\n\r\n${PROXY_PAGE}`,
    ),
    status: 'fail', reason: 'ws_failed', code: 502,
    message: /^HTTP 502 answered to the upgrade: a middlebox or gateway, not the service$/,
    detail: /ERR_CONNECT_FAIL/,
  },
  {
    case: '200 OK from something that ignores Upgrade -> ws_failed',
    peer: answers('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi'),
    status: 'fail', reason: 'ws_failed', code: 200, message: /^HTTP 200 answered to the upgrade/,
  },
  {
    case: '302 to a login page -> ws_failed naming the location',
    peer: answers('HTTP/1.1 302 Found\r\nLocation: https://login.example/\r\nContent-Length: 0\r\n\r\n'),
    status: 'fail', reason: 'ws_failed', code: 302, message: /redirected to https:\/\/login\.example\//,
  },
  {
    case: '101 with a wrong Sec-WebSocket-Accept -> ws_failed',
    peer: answers(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n',
    ),
    status: 'fail', reason: 'ws_failed', code: 101, message: /Sec-WebSocket-Accept/,
  },
  {
    case: 'an SSH banner byte by byte -> ws_failed',
    peer: (socket) => afterRequestHead(socket, () => void writeByteByByte(socket, 'SSH-2.0-OpenSSH_9.6\r\n')),
    status: 'fail', reason: 'ws_failed', message: /^malformed answer to the WebSocket upgrade: /,
  },
  {
    case: 'never answers, handshake timeout -> ws_timeout',
    peer: (socket) => socket.on('data', () => undefined),
    context: { timeoutMs: 300, abortAfterMs: 5000 },
    status: 'fail', reason: 'ws_timeout', message: /^no answer to the WebSocket upgrade within 300 ms$/,
  },
  {
    case: 'never answers, layer signal -> ws_timeout',
    peer: (socket) => socket.on('data', () => undefined),
    context: { timeoutMs: 5000, abortAfterMs: 300 },
    status: 'fail', reason: 'ws_timeout', message: /^no answer to the WebSocket upgrade within 5000 ms$/,
  },
  {
    case: 'never answers, run deadline -> deadline',
    peer: (socket) => socket.on('data', () => undefined),
    context: { timeoutMs: 5000, abortAfterMs: 300, abortName: 'DeadlineError' },
    status: 'fail', reason: 'deadline', message: /deadline/,
  },
  {
    case: 'reads the upgrade then resets -> reset',
    peer: (socket) => afterRequestHead(socket, () => socket.resetAndDestroy()),
    status: 'fail', reason: 'reset', message: /^connection reset before an answer to the WebSocket upgrade$/,
  },
  {
    case: 'reads the upgrade then closes -> reset',
    peer: (socket) => afterRequestHead(socket, () => socket.end()),
    status: 'fail', reason: 'reset', message: /^connection closed by the peer before an answer/,
  },
  {
    case: '401 with expect [101] -> http_status',
    peer: answers('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'),
    httpStatus: [101],
    status: 'fail', reason: 'http_status', code: 401, message: /^HTTP 401, expected 101$/,
  },
  {
    case: '401 with expect [101, 401] -> ws_rejected (pass)',
    peer: answers('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'),
    httpStatus: [101, 401],
    status: 'pass', reason: 'ws_rejected', code: 401, message: /HTTP 401/,
  },
];

describe('checkWebSocket against raw peers', () => {
  for (const c of rawCases) {
    it(c.case, async (t) => {
      const server = await startRawServer((socket) => c.peer(socket as Socket));
      t.after(() => server.close());
      const endpoint = testEndpoint('ws', 'localhost', server.port, {
        path: '/ws',
        expect: c.httpStatus ? { httpStatus: c.httpStatus } : {},
      });
      const result = await probe(server, endpoint, c.context);
      assert.equal(result.reason, c.reason, result.message);
      assert.equal(result.status, c.status);
      assert.match(result.message, c.message);
      assert.equal(result.data.status, c.code);
      if (c.detail) assert.match(result.detail ?? '', c.detail);
    });
  }

  it('keeps the headers that name a middlebox', async (t) => {
    const server = await startRawServer((socket) =>
      answers(
        'HTTP/1.1 503 Service Unavailable\r\nVia: 1.1 fw.corp.example\r\nProxy-Agent: CorpFW/2\r\n' +
          'X-Azure-Ref: 0abc\r\nX-Other: dropped\r\nContent-Length: 0\r\n\r\n',
      )(socket as Socket),
    );
    t.after(() => server.close());
    const result = await probe(server, testEndpoint('ws', 'localhost', server.port));
    assert.equal(result.reason, 'ws_failed');
    assert.deepEqual(result.data.headers, { via: '1.1 fw.corp.example', 'proxy-agent': 'CorpFW/2', 'x-azure-ref': '0abc' });
  });
});

describe('checkWebSocket against a WebSocket server', () => {
  it('upgrades -> ws_upgraded, Host is the name, closes with 1000', async (t) => {
    const server = await startWsServer();
    t.after(() => server.close());
    const endpoint = testEndpoint('ws', 'localhost', server.port, { path: '/stream?id=1' });
    const result = await probe(server, endpoint);
    assert.equal(result.reason, 'ws_upgraded', result.message);
    assert.equal(result.status, 'pass');
    assert.equal(result.data.status, 101);
    assert.equal(result.data.url, `ws://localhost:${server.port}/stream?id=1`);
    assert.deepEqual(server.hosts, [`localhost:${server.port}`]);
    assert.match(server.userAgents[0] ?? '', /^amlprobe\/\d+\.\d+\.\d+/);
    // The server learns of the close once its socket closed, a moment after the probe returned.
    assert.ok(await eventually(() => server.closeCodes.length > 0), 'the server saw the close');
    assert.deepEqual(server.closeCodes, [1000]);
  });

  it('upgrades with expect [200] -> http_status', async (t) => {
    const server = await startWsServer();
    t.after(() => server.close());
    const endpoint = testEndpoint('ws', 'localhost', server.port, { expect: { httpStatus: [200] } });
    const result = await probe(server, endpoint);
    assert.equal(result.reason, 'http_status');
    assert.equal(result.message, 'HTTP 101, expected 200');
  });
});

describe('checkWebSocket over TLS', () => {
  const tls = localhostTls();

  it('wss upgrade over the handshaken TLS socket -> ws_upgraded', async (t) => {
    const server = await startWsServer(tls.cert());
    t.after(() => server.close());
    const endpoint = testEndpoint('wss', 'localhost', server.port, { path: '/ws' });
    const result = await probe(server, endpoint, RELAXED, tls.client());
    assert.equal(result.reason, 'ws_upgraded', result.message);
    assert.equal(result.data.url, `wss://localhost:${server.port}/ws`);
    assert.deepEqual(server.hosts, [`localhost:${server.port}`]);
    // The server learns of the close once its socket closed, a moment after the probe returned.
    assert.ok(await eventually(() => server.closeCodes.length > 0), 'the server saw the close');
    assert.deepEqual(server.closeCodes, [1000]);
  });

  it('401 over TLS -> ws_rejected (pass)', async (t) => {
    const server = await startRawServer(
      (socket) => answers('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n')(socket),
      tls.cert(),
    );
    t.after(() => server.close());
    const result = await probe(server, testEndpoint('wss', 'localhost', server.port), RELAXED, tls.client());
    assert.equal(result.reason, 'ws_rejected', result.message);
    assert.equal(result.status, 'pass');
    assert.equal(result.data.status, 401);
  });

  it('502 over TLS -> ws_failed', async (t) => {
    const server = await startRawServer(
      (socket) => answers('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n')(socket),
      tls.cert(),
    );
    t.after(() => server.close());
    const result = await probe(server, testEndpoint('wss', 'localhost', server.port), RELAXED, tls.client());
    assert.equal(result.reason, 'ws_failed', result.message);
  });

  it('TLS peer that never answers the upgrade -> ws_timeout', async (t) => {
    const server = await startRawServer((socket) => socket.on('data', () => undefined), tls.cert());
    t.after(() => server.close());
    const endpoint = testEndpoint('wss', 'localhost', server.port);
    const result = await probe(server, endpoint, { timeoutMs: 5000, abortAfterMs: 300 }, tls.client());
    assert.equal(result.reason, 'ws_timeout', result.message);
  });
});

describe("the catalog's compute-instance WebSocket row (ci-websocket)", () => {
  // The row as the plan builds it, pointed at a loopback peer: the path and the statuses that
  // prove the path are the catalog's, not the test's.
  const [row] = expandCatalog(loadCatalog(), { cloud: 'public', region: 'eastus', computeInstance: 'ci-one' }, { scenarios: ['studio'] })
    .endpoints.filter((e) => e.id === 'ci-websocket:443');

  it('asks for the Jupyter kernel channels path on the instance name', () => {
    assert.ok(row, 'the studio scenario has ci-websocket:443');
    assert.equal(row.host, 'ci-one.eastus.instances.azureml.ms');
    assert.match(row.path, /^\/api\/kernels\/[0-9a-f-]{36}\/channels$/);
  });

  const cases: { answer: string; status: Status; reason: Reason }[] = [
    { answer: 'HTTP/1.1 302 Found\r\nLocation: https://login.microsoftonline.com/\r\nContent-Length: 0\r\n\r\n', status: 'pass', reason: 'ws_rejected' },
    { answer: 'HTTP/1.1 307 Temporary Redirect\r\nLocation: /login\r\nContent-Length: 0\r\n\r\n', status: 'pass', reason: 'ws_rejected' },
    { answer: 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n', status: 'pass', reason: 'ws_rejected' },
    { answer: 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n', status: 'pass', reason: 'ws_rejected' },
    { answer: 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n', status: 'fail', reason: 'http_status' },
    { answer: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', status: 'fail', reason: 'http_status' },
  ];
  for (const c of cases) {
    it(`${c.answer.slice(9, 12)} to the upgrade -> ${c.status} ${c.reason}`, async (t) => {
      const heads: string[] = [];
      const server = await startRawServer((socket) =>
        afterRequestHead(socket as Socket, (head) => {
          heads.push(head);
          (socket as Socket).write(c.answer);
        }),
      );
      t.after(() => server.close());
      assert.ok(row);
      const endpoint: Endpoint = { ...row, protocol: 'ws', host: 'localhost', port: server.port };
      const result = await probe(server, endpoint);
      assert.equal(result.reason, c.reason, result.message);
      assert.equal(result.status, c.status);
      assert.match(heads[0] ?? '', /^GET \/api\/kernels\/[0-9a-f-]{36}\/channels HTTP\/1\.1\r\n/);
      assert.match(heads[0] ?? '', /\r\nupgrade: websocket\r\n/i);
    });
  }
});
