// Which box said no over HTTP, against real loopback peers that answer byte for byte as Azure
// does: each service's network-rule denial (a fail naming the service, its code, request id and
// message) next to the same service's authentication challenge (a pass: the path works), Azure
// Firewall's 470, and a proxy answering a plain-HTTP request itself with squid's X-Squid-Error.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { checkHttp } from './helpers/engine-checks.js';
import type { Reason, Status } from '../src/model/reason.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { HttpData } from '../src/model/evidence.js';
import type { LayerResult } from '../src/model/result.js';
import { afterRequestHead, startRawServer, testEndpoint, writeByteByByte, type ContextOptions, type TestServer } from './helpers/http-servers.js';
import { probeOverSocket } from './helpers/app-probe.js';

const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** An answer: status line, headers, body; Content-Length is added. */
function answer(statusLine: string, headers: string[], body: string): string {
  return [statusLine, ...headers, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

/** A peer that reads the request head, then writes `bytes` (one byte at a time when `dribble`). */
async function peer(bytes: string, options: { dribble?: boolean; keepOpen?: boolean } = {}): Promise<TestServer> {
  const server = await startRawServer((socket: Socket) => {
    socket.on('error', () => undefined);
    afterRequestHead(socket, () => {
      if (options.dribble) void writeByteByByte(socket, bytes, 1).then(() => socket.end());
      else if (options.keepOpen) socket.write(bytes);
      else socket.end(bytes);
    });
  });
  servers.push(server);
  return server;
}

async function probe(bytes: string, endpoint?: Partial<Endpoint>, options?: { dribble?: boolean; keepOpen?: boolean }, context?: ContextOptions): Promise<LayerResult & { data: HttpData }> {
  const server = await peer(bytes, options);
  return probeOverSocket<HttpData>(checkHttp, 'http', server, testEndpoint('http', 'svc.example.test', server.port, endpoint), context);
}

const XML = '<?xml version="1.0" encoding="utf-8"?>';
const STORAGE_DENIED = answer('HTTP/1.1 403 This request is not authorized to perform this operation.', [
  'Content-Type: application/xml',
  'Server: Microsoft-HTTPAPI/2.0',
  'x-ms-request-id: ad7a75b2-201e-0032-20d4-23e8a6000000',
  'x-ms-error-code: AuthorizationFailure',
  'Date: Tue, 04 Aug 2026 05:48:02 GMT',
], `${XML}<Error><Code>AuthorizationFailure</Code><Message>This request is not authorized to perform this operation.\nRequestId:ad7a75b2-201e-0032-20d4-23e8a6000000\nTime:2026-08-04T05:48:03.0108277Z</Message></Error>`);

interface Case {
  case: string;
  bytes: string;
  status: Status;
  reason: Reason;
  by?: string;
  code?: string;
  requestId?: string;
  message?: RegExp;
  detail?: RegExp;
}

const cases: Case[] = [
  {
    case: 'Storage firewall: 403 AuthorizationFailure',
    bytes: STORAGE_DENIED,
    status: 'fail', reason: 'service_firewall_denied', by: 'Azure Storage', code: 'AuthorizationFailure',
    requestId: 'ad7a75b2-201e-0032-20d4-23e8a6000000', message: /^This request is not authorized to perform this operation\. RequestId:/,
    detail: /private address 127\.0\.0\.1/,
  },
  {
    case: 'Storage without credentials on a private container: 404, the path works',
    bytes: answer('HTTP/1.1 404 The specified resource does not exist.', ['Content-Type: application/xml', 'x-ms-error-code: ResourceNotFound', 'x-ms-request-id: 1c0a7a06-001e-0066-1f51-33f52b000000'],
      `${XML}<Error><Code>ResourceNotFound</Code><Message>The specified resource does not exist.\nRequestId:1c0a7a06-001e-0066-1f51-33f52b000000</Message></Error>`),
    status: 'pass', reason: 'ok',
  },
  {
    case: 'Storage authentication failure: 403 AuthenticationFailed, the path works',
    bytes: answer('HTTP/1.1 403 Server failed to authenticate the request.', ['Content-Type: application/xml', 'x-ms-error-code: AuthenticationFailed'],
      `${XML}<Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.</Message></Error>`),
    status: 'pass', reason: 'ok',
  },
  {
    case: 'Storage RBAC refusal: 403 AuthorizationPermissionMismatch, the path works',
    bytes: answer('HTTP/1.1 403 This request is not authorized to perform this operation using this permission.', ['Content-Type: application/xml', 'x-ms-error-code: AuthorizationPermissionMismatch'],
      `${XML}<Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.</Message></Error>`),
    status: 'pass', reason: 'ok',
  },
  {
    case: 'Key Vault firewall: 403 ForbiddenByFirewall',
    bytes: answer('HTTP/1.1 403 Forbidden', ['Content-Type: application/json; charset=utf-8', 'x-ms-request-id: 5b3c4a8e-6a0e-4c47-9a4b-3d1c2f0e9a11', 'x-ms-keyvault-service-version: 1.9.1195.1'],
      '{"error":{"code":"Forbidden","message":"Client address is not authorized and caller is not a trusted service.\\r\\nClient address: 198.51.100.7\\r\\nCaller: \\r\\nVault: kv-aml;location=westeurope","innererror":{"code":"ForbiddenByFirewall"}}}'),
    status: 'fail', reason: 'service_firewall_denied', by: 'Azure Key Vault', code: 'ForbiddenByFirewall',
    requestId: '5b3c4a8e-6a0e-4c47-9a4b-3d1c2f0e9a11', message: /^Client address is not authorized and caller is not a trusted service\. Client address: 198\.51\.100\.7/,
  },
  {
    case: 'Key Vault with public network access disabled: 403 ForbiddenByConnection',
    bytes: answer('HTTP/1.1 403 Forbidden', ['Content-Type: application/json; charset=utf-8'],
      '{"error":{"code":"Forbidden","message":"Public network access is disabled and request is not from a trusted service nor via an approved private link.\\r\\nCaller: \\r\\nVault: kv-aml;location=westeurope","innererror":{"code":"ForbiddenByConnection"}}}'),
    status: 'fail', reason: 'service_firewall_denied', by: 'Azure Key Vault', code: 'ForbiddenByConnection', message: /^Public network access is disabled/,
  },
  {
    case: 'Key Vault without a token: 401 challenge, the path works',
    bytes: answer('HTTP/1.1 401 Unauthorized', ['Content-Type: application/json; charset=utf-8',
      'WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net"'],
    '{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}'),
    status: 'pass', reason: 'ok',
  },
  {
    case: 'Container Registry firewall: 403 DENIED client with IP',
    bytes: answer('HTTP/1.1 403 Forbidden', ['Content-Type: application/json; charset=utf-8', 'Docker-Distribution-Api-Version: registry/2.0'],
      '{"errors":[{"code":"DENIED","message":"client with IP \\u0027198.51.100.7\\u0027 is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}\n'),
    status: 'fail', reason: 'service_firewall_denied', by: 'Azure Container Registry', code: 'DENIED', message: /^client with IP '198\.51\.100\.7' is not allowed access/,
  },
  {
    case: 'Container Registry without credentials: 401 UNAUTHORIZED, the path works',
    bytes: answer('HTTP/1.1 401 Unauthorized', ['Content-Type: application/json; charset=utf-8', 'Docker-Distribution-Api-Version: registry/2.0',
      'Www-Authenticate: Bearer realm="https://svc.example.test/oauth2/token",service="svc.example.test"'],
    '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required, visit https://aka.ms/acr/authorization for more information."}]}\n'),
    status: 'pass', reason: 'ok',
  },
  {
    case: 'Container Registry refusing a pull permission: 403 DENIED without the client-IP sentence, the path works',
    bytes: answer('HTTP/1.1 403 Forbidden', ['Content-Type: application/json; charset=utf-8'],
      '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}\n'),
    status: 'pass', reason: 'ok',
  },
  {
    case: 'Azure ML workspace behind private link: 403 UserError',
    bytes: answer('HTTP/1.1 403 Forbidden', ['Content-Type: application/json; charset=utf-8', 'x-ms-response-type: error', 'x-request-id: 8be339a6-5b18-8842-b08b-01a7a7c81e7d'],
      '{"error":{"code":"UserError","severity":null,"message":"Access to workspace was denied based on workspace private link configuration.","messageFormat":null,"details":[],"additionalInfo":[{"type":"ComponentName","info":{"value":"managementfrontend"}}]}}'),
    status: 'fail', reason: 'service_firewall_denied', by: 'Azure Machine Learning workspace', code: 'UserError', requestId: '8be339a6-5b18-8842-b08b-01a7a7c81e7d',
  },
  {
    case: 'Azure ML workspace without a token: 401, the path works',
    bytes: answer('HTTP/1.1 401 Unauthorized', ['Content-Type: application/json; charset=utf-8', 'WWW-Authenticate: Bearer'],
      '{"error":{"code":"UserError","message":"Authorization header is missing."}}'),
    status: 'pass', reason: 'ok',
  },
  {
    case: 'Azure AI services firewall: 403 Virtual Network/Firewall rules',
    bytes: answer('HTTP/1.1 403 Forbidden', ['Content-Type: application/json', 'apim-request-id: c85f3b15-cf66-4482-a190-82ac6e287aad', 'policy-id: ThrowExceptionDueToTrafficDenied'],
      '{"error":{"code":"403","message": "Access denied due to Virtual Network/Firewall rules."}}'),
    status: 'fail', reason: 'service_firewall_denied', by: 'Azure AI services', code: '403', requestId: 'c85f3b15-cf66-4482-a190-82ac6e287aad',
  },
  {
    case: 'Azure AI services without a key: 401, the path works',
    bytes: answer('HTTP/1.1 401 PermissionDenied', ['Content-Type: application/json'],
      '{"error":{"code":"401","message":"Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."}}'),
    status: 'pass', reason: 'ok',
  },
  {
    case: 'Azure Firewall: 470 with its text body',
    bytes: answer('HTTP/1.1 470 status code 470', ['Content-Type: text/plain; charset=utf-8', 'Date: Sun, 06 Dec 2026 02:00:00 GMT'],
      'HTTP  request from 10.0.1.4:53422 to svc.example.test:80. Url: svc.example.test. Action: Deny. Reason: No rule matched. Proceeding with default action.'),
    status: 'fail', reason: 'firewall_denied', by: 'Azure Firewall', message: /Action: Deny\. Reason: No rule matched\. Proceeding with default action\./,
    detail: /application rule allowing http:\d+ to the FQDN svc\.example\.test.*service tag Storage\.westeurope/,
  },
  {
    case: 'a plain 403 with no known shape: the path works',
    bytes: answer('HTTP/1.1 403 Forbidden', ['Content-Type: text/html'], '<h1>Forbidden</h1>'),
    status: 'pass', reason: 'ok',
  },
];

describe('checkHttp: Azure denial shapes and authentication challenges', () => {
  for (const c of cases) {
    it(c.case, async () => {
      const result = await probe(c.bytes, { meta: { serviceTag: 'Storage.westeurope' } });
      assert.equal(result.status, c.status, JSON.stringify(result));
      assert.equal(result.reason, c.reason, JSON.stringify(result));
      if (c.by === undefined) {
        assert.equal(result.data.denial, undefined);
        return;
      }
      assert.equal(result.data.denial?.by, c.by);
      if (c.code !== undefined) assert.equal(result.data.denial?.code, c.code);
      if (c.requestId !== undefined) assert.equal(result.data.denial?.requestId, c.requestId);
      if (c.message !== undefined) assert.match(result.data.denial?.message ?? '', c.message);
      if (c.detail !== undefined) assert.match(result.detail ?? '', c.detail);
      assert.match(result.message, new RegExp(c.by));
    });
  }

  it('reads a denial dribbled one byte at a time', async () => {
    const result = await probe(STORAGE_DENIED, {}, { dribble: true });
    assert.equal(result.reason, 'service_firewall_denied', JSON.stringify(result));
    assert.equal(result.data.denial?.requestId, 'ad7a75b2-201e-0032-20d4-23e8a6000000');
  });

  it('expected statuses decide first: a storage denial expected as 403 passes', async () => {
    const result = await probe(STORAGE_DENIED, { expect: { httpStatus: [403] } });
    assert.equal(result.reason, 'ok', JSON.stringify(result));
    assert.equal(result.data.denial, undefined);
  });

  it('a body that never ends is read for at most about a second, and the head still decides', async () => {
    const head = ['HTTP/1.1 403 Forbidden', 'x-ms-error-code: AuthorizationFailure', 'Content-Length: 100000', '', '<Error><Code>Authoriz'].join('\r\n');
    // A layer timeout of 10 s: only the body's own bound (about 1 s) can end this well before it.
    const started = performance.now();
    const result = await probe(head, {}, { keepOpen: true }, { timeoutMs: 10_000, abortAfterMs: 10_000 });
    assert.ok(performance.now() - started < 6000, 'the stalled body did not hold the layer');
    assert.equal(result.reason, 'service_firewall_denied', JSON.stringify(result));
    assert.equal(result.data.denial?.code, 'AuthorizationFailure');
  });

  it('quotes a hostile message bounded and printable, and reads at most 8 KiB of a huge body', async () => {
    const message = `Access denied due to Virtual Network/Firewall rules.\u001b[31m ${'x'.repeat(4000)}`;
    const body = JSON.stringify({ error: { code: '403', message } }) + ' '.repeat(2 * 1024 * 1024);
    const result = await probe(answer('HTTP/1.1 403 Forbidden', ['Content-Type: application/json'], body));
    assert.equal(result.reason, 'service_firewall_denied', JSON.stringify(result.data));
    const quoted = result.data.denial?.message ?? '';
    assert.ok(quoted.length <= 170, `quoted ${quoted.length} characters`);
    assert.doesNotMatch(quoted, /\u001b/);
    assert.match(quoted, /\\x1b\[31m/);
  });
});

describe('checkHttp: a proxy answering the request itself (X-Squid-Error)', () => {
  const squid = (status: string, code: string): string => answer(`HTTP/1.1 ${status}`, [
    'Server: squid/5.7', 'Mime-Version: 1.0', 'Content-Type: text/html;charset=utf-8', `X-Squid-Error: ${code}`, 'Vary: Accept-Language', 'Via: 1.1 proxy (squid/5.7)',
  ], '<html><head><title>ERROR: The requested URL could not be retrieved</title></head><body>...</body></html>');

  it('500 ERR_CANNOT_FORWARD is proxy_target_failed, not a pass', async () => {
    const result = await probe(squid('500 Internal Server Error', 'ERR_CANNOT_FORWARD 0'));
    assert.equal(result.reason, 'proxy_target_failed', JSON.stringify(result));
    assert.equal(result.data.proxyError, 'ERR_CANNOT_FORWARD');
    assert.match(result.message, /HTTP 500 ERR_CANNOT_FORWARD/);
  });

  it('503 ERR_DNS_FAIL is proxy_target_failed and names the proxy\'s DNS', async () => {
    const result = await probe(squid('503 Service Unavailable', 'ERR_DNS_FAIL 0'));
    assert.equal(result.reason, 'proxy_target_failed', JSON.stringify(result));
    assert.match(result.detail ?? '', /could not resolve the name/);
  });

  it('403 ERR_ACCESS_DENIED is proxy_denied', async () => {
    const result = await probe(squid('403 Forbidden', 'ERR_ACCESS_DENIED 0'));
    assert.equal(result.reason, 'proxy_denied', JSON.stringify(result));
    assert.equal(result.data.proxyError, 'ERR_ACCESS_DENIED');
  });

  it('an unknown squid code leaves the status to decide (a pass, as any answer)', async () => {
    const result = await probe(squid('404 Not Found', 'ERR_FTP_NOT_FOUND 0'));
    assert.equal(result.reason, 'ok', JSON.stringify(result));
  });
});
