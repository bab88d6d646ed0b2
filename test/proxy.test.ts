// Forward proxies end to end: which endpoints take which proxy (http_proxy/https_proxy/no_proxy,
// --proxy, --no-proxy, per-endpoint `proxy:`), and every verdict of a CONNECT tunnel against a real
// forward proxy on loopback (test/helpers/forward-proxy.ts): tunnel, 403 page, 407, 502, silence,
// garbage, hang-up, an unreachable proxy, a proxy that answers WebSocket upgrades itself, and TLS
// through the tunnel verifying the target's own certificate. Credentials never reach any output.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSecureContext, type SecureContext } from 'node:tls';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import { isUsageError } from '../src/errors.js';
import { bypassesProxy, displayProxy, parseProxyUrl, ProxyUrlError, readProxyEnv, selectProxy } from '../src/net/proxy-env.js';
import { RUN_FORMATS } from '../src/report/render.js';
import type { Reason } from '../src/model/reason.js';
import type { Endpoint, Layer, Protocol } from '../src/model/endpoint.js';
import type { ConnectData, TlsData } from '../src/model/evidence.js';
import type { EndpointResult, LayerResult } from '../src/model/result.js';
import type { RunSettings } from '../src/model/settings.js';
import type { Report } from '../src/model/report.js';
import { describeRun, dnsFlags, parseJsonOutput, runCli } from './helpers/cli.js';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.js';
import { PROXY_AGENT, startForwardProxy, type ForwardProxy, type ForwardProxyOptions } from './helpers/forward-proxy.js';
import { startHttpServer, startWsServer, testEndpoint, type TestServer, type WsTestServer } from './helpers/http-servers.js';
import { closedTcpPort } from './helpers/listeners.js';
import { testSettings } from './helpers/settings.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';
import { pemFingerprint256 } from '../src/net/public-roots.js';
import { reproduceCommands } from '../src/causes/reproduce.js';
import { routeOf } from '../src/plan/routes.js';

const TIMEOUT = 600;
/** A name only the proxy can resolve: this machine's (test) DNS server answers NXDOMAIN. */
const HIDDEN = 'svc.example.test';
const PASSWORD = 's3cr3t-Pa55word';
/** A name in a Microsoft zone: its certificate must chain to a public root. */
const MICROSOFT = 'mlws01.blob.core.windows.net';
/** Names that resolve to private addresses here (the test DNS server); nothing ever dials them but the loopback proxy. */
const PRIVATE_BLOB = 'mlwsprivate.blob.core.windows.net';
const PRIVATE_OTHER = 'db.internal.test';

function settings(overrides: Partial<RunSettings> = {}): RunSettings {
  return testSettings({ timeoutMs: TIMEOUT, concurrency: 8, dnsServers: [dns.server], dnsServersExplicit: true, ...overrides });
}

function layer(result: EndpointResult, name: Layer): LayerResult {
  const found = result.checks.find((c) => c.layer === name);
  assert.ok(found, `no ${name} layer in ${JSON.stringify(result.checks)}`);
  return found;
}

async function probe(endpoint: Endpoint, runSettings: RunSettings, secureContext?: SecureContext): Promise<EndpointResult> {
  const outcome = await runEndpoints([endpoint], runSettings, secureContext ? { secureContext } : {});
  const [result] = outcome.results;
  assert.ok(result);
  return result;
}

const proxies: ForwardProxy[] = [];
async function proxyWith(options: ForwardProxyOptions): Promise<ForwardProxy> {
  const proxy = await startForwardProxy(options);
  proxies.push(proxy);
  return proxy;
}

let dns: TestDnsServer;
let ca: TestCa;
let trusted: SecureContext;
let web: TestServer;
let secureWeb: TestServer;
let ws: WsTestServer;
let closedPort: number;

before(async () => {
  dns = await startDnsServer({ 'proxy.test': { kind: 'records', a: ['127.0.0.1'] }, [MICROSOFT]: { kind: 'records', a: ['198.51.100.7'] },
    [PRIVATE_BLOB]: { kind: 'records', a: ['10.1.2.3'] },
    [PRIVATE_OTHER]: { kind: 'records', a: ['10.1.2.4'] },
  });
  ca = await createTestCa('amlprobe Proxy Test CA');
  trusted = createSecureContext({ ca: ca.caCert });
  const leaf = await ca.issue({ names: [HIDDEN] });
  web = await startHttpServer((_req, res) => res.end('hello'));
  secureWeb = await startHttpServer((_req, res) => res.end('secure hello'), leaf);
  ws = await startWsServer();
  closedPort = await closedTcpPort();
});
after(async () => {
  await Promise.all([dns.close(), web.close(), secureWeb.close(), ws.close(), ...proxies.map((p) => p.close())]);
  await ca.cleanup();
});

describe('proxy URLs', () => {
  it('reads http URLs, with and without credentials and port', () => {
    assert.deepEqual(parseProxyUrl('http://proxy.corp:3128', '--proxy'), { host: 'proxy.corp', port: 3128, display: 'http://proxy.corp:3128' });
    assert.deepEqual(parseProxyUrl('proxy.corp:8080', '--proxy'), { host: 'proxy.corp', port: 8080, display: 'http://proxy.corp:8080' });
    assert.deepEqual(parseProxyUrl('http://[::1]:3128/', '--proxy'), { host: '::1', port: 3128, display: 'http://[::1]:3128' });
    const withUser = parseProxyUrl(`http://alice:${encodeURIComponent(PASSWORD)}@proxy.corp`, '--proxy');
    assert.equal(withUser.display, 'http://proxy.corp:80');
    assert.equal(withUser.authorization, `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`);
  });

  const BAD = [
    { text: 'https://proxy.corp:3128', why: /only http:\/\// },
    { text: 'socks5://proxy.corp:1080', why: /only http:\/\// },
    { text: 'http://proxy.corp:3128/path', why: /no path/ },
    { text: 'http://proxy.corp:99999', why: /not a valid proxy URL/ },
    { text: `http://bob:${PASSWORD}@proxy corp:3128`, why: /not a valid proxy URL/ },
  ];
  for (const { text, why } of BAD) {
    it(`rejects ${displayProxy(text)} with a usage error that hides credentials`, () => {
      assert.throws(() => parseProxyUrl(text, '--proxy'), (error: unknown) => {
        // net/ knows nothing of exit codes: the CLI turns this into a usage error (cli-usage.test.ts).
        assert.ok(!isUsageError(error));
        assert.ok(error instanceof ProxyUrlError);
        assert.equal(error.source, '--proxy');
        assert.ok(!error.value.includes(PASSWORD), error.value);
        assert.match(error.message, why);
        assert.match(error.message, /--proxy/);
        assert.ok(!error.message.includes(PASSWORD), error.message);
        return true;
      });
    });
  }

  it('never shows credentials', () => {
    assert.equal(displayProxy(`http://u:${PASSWORD}@p.corp:3128`), 'http://p.corp:3128');
    assert.ok(!displayProxy(`not a url u:${PASSWORD}@x`).includes(PASSWORD));
  });
});

describe('proxy environment', () => {
  it('prefers lower-case names, as curl does, and ignores empty values', () => {
    assert.deepEqual(
      readProxyEnv({ HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:2', HTTPS_PROXY: 'http://upper:3', https_proxy: '', NO_PROXY: 'a', no_proxy: 'b' }),
      { httpProxy: 'http://lower:2', httpsProxy: 'http://upper:3', noProxy: 'b' },
    );
    assert.deepEqual(readProxyEnv({}), {});
  });

  const NO_PROXY_CASES: { noProxy: string; host: string; port: number; bypass: boolean }[] = [
    { noProxy: '*', host: 'anything.example', port: 443, bypass: true },
    { noProxy: 'example.com', host: 'example.com', port: 443, bypass: true },
    { noProxy: 'example.com', host: 'api.example.com', port: 443, bypass: true },
    { noProxy: 'example.com', host: 'notexample.com', port: 443, bypass: false },
    { noProxy: '.example.com', host: 'api.example.com', port: 443, bypass: true },
    { noProxy: '.example.com', host: 'example.com', port: 443, bypass: true },
    { noProxy: '*.example.com', host: 'deep.api.example.com', port: 443, bypass: true },
    { noProxy: 'other.org, example.com:8443', host: 'example.com', port: 443, bypass: false },
    { noProxy: 'other.org example.com:8443', host: 'example.com', port: 8443, bypass: true },
    { noProxy: '10.0.0.0/8', host: '10.1.2.3', port: 443, bypass: true },
    { noProxy: '10.0.0.0/8', host: '11.1.2.3', port: 443, bypass: false },
    { noProxy: '10.0.0.0/8', host: 'ten.example', port: 443, bypass: false },
    { noProxy: '127.0.0.1', host: '127.0.0.1', port: 80, bypass: true },
    { noProxy: '[::1]:8080', host: '::1', port: 8080, bypass: true },
    { noProxy: '[::1]:8080', host: '::1', port: 80, bypass: false },
    { noProxy: 'fd00::/8', host: 'fd00::5', port: 443, bypass: true },
    { noProxy: 'EXAMPLE.COM', host: 'api.example.com.', port: 443, bypass: true },
    { noProxy: '', host: 'example.com', port: 443, bypass: false },
  ];
  for (const c of NO_PROXY_CASES) {
    it(`no_proxy '${c.noProxy}' ${c.bypass ? 'exempts' : 'does not exempt'} ${c.host}:${c.port}`, () => {
      assert.equal(bypassesProxy(c.noProxy, c.host, c.port), c.bypass);
    });
  }

  const env = { httpProxy: 'http://plain.proxy:3128', httpsProxy: 'http://secure.proxy:3128', noProxy: 'internal.corp' };
  const SELECT_CASES: { case: string; protocol: Protocol; host?: string; own?: string; run?: Partial<RunSettings>; expect: string | undefined }[] = [
    { case: 'https takes https_proxy', protocol: 'https', expect: 'http://secure.proxy:3128' },
    { case: 'wss takes https_proxy', protocol: 'wss', expect: 'http://secure.proxy:3128' },
    { case: 'tls takes https_proxy', protocol: 'tls', expect: 'http://secure.proxy:3128' },
    { case: 'http takes http_proxy', protocol: 'http', expect: 'http://plain.proxy:3128' },
    { case: 'ws takes http_proxy', protocol: 'ws', expect: 'http://plain.proxy:3128' },
    { case: 'raw tcp goes direct with only the proxy variables', protocol: 'tcp', expect: undefined },
    { case: 'raw tcp takes --proxy', protocol: 'tcp', run: { proxy: 'http://flag.proxy:8080' }, expect: 'http://flag.proxy:8080' },
    { case: 'no_proxy applies to raw tcp with --proxy', protocol: 'tcp', host: 'db.internal.corp', run: { proxy: 'http://flag.proxy:8080' }, expect: undefined },
    { case: 'raw tcp goes direct with --no-proxy', protocol: 'tcp', run: { proxy: 'none' }, expect: undefined },
    { case: 'udp never takes --proxy', protocol: 'udp', run: { proxy: 'http://flag.proxy:8080' }, expect: undefined },
    { case: 'udp goes direct', protocol: 'udp', expect: undefined },
    { case: 'dns goes direct', protocol: 'dns', expect: undefined },
    { case: 'no_proxy exempts a subdomain', protocol: 'https', host: 'api.internal.corp', expect: undefined },
    { case: '--proxy replaces the environment', protocol: 'http', run: { proxy: 'http://flag.proxy:8080' }, expect: 'http://flag.proxy:8080' },
    { case: 'no_proxy applies to --proxy too', protocol: 'https', host: 'x.internal.corp', run: { proxy: 'http://flag.proxy:8080' }, expect: undefined },
    { case: '--no-proxy goes direct', protocol: 'https', run: { proxy: 'none' }, expect: undefined },
    { case: "an endpoint's own URL wins", protocol: 'https', own: 'http://own.proxy:1', run: { proxy: 'none' }, expect: 'http://own.proxy:1' },
    { case: "an endpoint's own URL ignores no_proxy", protocol: 'https', host: 'a.internal.corp', own: 'http://own.proxy:1', expect: 'http://own.proxy:1' },
    { case: "an endpoint's own URL applies to raw tcp", protocol: 'tcp', own: 'http://own.proxy:1', expect: 'http://own.proxy:1' },
    { case: "an endpoint's own 'none' wins", protocol: 'https', own: 'none', run: { proxy: 'http://flag.proxy:8080' }, expect: undefined },
    { case: "'auto' follows the run", protocol: 'https', own: 'auto', expect: 'http://secure.proxy:3128' },
    { case: 'the lab (redirect-only) never uses a proxy', protocol: 'https', run: { redirectOnly: true }, expect: undefined },
  ];
  for (const c of SELECT_CASES) {
    it(`selects: ${c.case}`, () => {
      const endpoint = testEndpoint(c.protocol, c.host ?? 'svc.example.com', 443, c.own === undefined ? {} : { proxy: c.own });
      const chosen = selectProxy(endpoint, { ...settings({ proxyEnv: env }), ...c.run });
      assert.equal(chosen?.display, c.expect);
    });
  }
});

describe('through a forward proxy', () => {
  const viaProxy = (proxy: ForwardProxy | string, extra: Partial<RunSettings> = {}): RunSettings =>
    settings({ proxy: typeof proxy === 'string' ? proxy : proxy.url, ...extra });

  it('tunnels HTTP with CONNECT and records the proxy on the tcp layer', async () => {
    const proxy = await proxyWith({});
    const result = await probe(testEndpoint('http', '127.0.0.1', web.port), viaProxy(proxy));
    assert.equal(result.status, 'pass', JSON.stringify(result.checks));
    const tcp = layer(result, 'tcp');
    const data = tcp.data as ConnectData;
    assert.equal(data.proxy, proxy.url);
    assert.equal(data.address, '127.0.0.1');
    assert.equal(data.port, proxy.port);
    assert.equal(data.proxyStatus, 'HTTP/1.1 200 Connection established');
    assert.equal(data.proxyAgent, PROXY_AGENT);
    assert.equal(layer(result, 'http').message, 'HTTP 200');
    assert.deepEqual(proxy.requests.map((r) => r.target), [`127.0.0.1:${web.port}`]);
    assert.equal(result.address, null, 'the proxy, not this machine, chose the address');
  });

  it('goes direct without a proxy: no proxy field on the tcp layer', async () => {
    const result = await probe(testEndpoint('http', '127.0.0.1', web.port), settings());
    assert.equal(result.status, 'pass');
    assert.equal((layer(result, 'tcp').data as ConnectData).proxy, undefined);
    assert.equal(result.address, '127.0.0.1');
  });

  it('verifies the target certificate end to end through the tunnel; local NXDOMAIN is only a warning', async () => {
    const proxy = await proxyWith({ hosts: { [HIDDEN]: '127.0.0.1' } });
    const endpoint = testEndpoint('https', HIDDEN, secureWeb.port);
    const result = await probe(endpoint, viaProxy(proxy), trusted);
    const dnsLayer = layer(result, 'dns');
    assert.equal(dnsLayer.status, 'warn');
    assert.equal(dnsLayer.reason, 'nxdomain');
    assert.match(dnsLayer.message, /the proxy resolves the name/);
    assert.equal(layer(result, 'tcp').status, 'pass');
    const tls = layer(result, 'tls');
    assert.equal(tls.status, 'pass', JSON.stringify(tls));
    const tlsData = tls.data as TlsData;
    assert.equal(tlsData.authorized, true);
    assert.equal(tlsData.servername, HIDDEN);
    assert.match(tlsData.chain?.[0]?.subject ?? '', new RegExp(`CN=${HIDDEN.replace(/\./g, '\\.')}`));
    assert.equal(layer(result, 'http').message, 'HTTP 200');
    assert.equal(result.status, 'warn');
    assert.equal(result.reason, 'nxdomain');
  });

  it('reports an untrusted target certificate through the tunnel as tls_untrusted', async () => {
    const proxy = await proxyWith({ hosts: { [HIDDEN]: '127.0.0.1' } });
    const result = await probe(testEndpoint('https', HIDDEN, secureWeb.port), viaProxy(proxy), createSecureContext({}));
    assert.equal(result.reason, 'tls_untrusted', JSON.stringify(result.checks));
    assert.match((layer(result, 'tls').data as TlsData).chain?.[0]?.issuer ?? '', /amlprobe Proxy Test CA/);
  });

  it("the proof command of a TLS failure through the tunnel runs as printed: openssl's own CONNECT reaches the same target", async () => {
    const proxy = await proxyWith({ hosts: { [HIDDEN]: '127.0.0.1' } });
    const result = await probe(testEndpoint('https', HIDDEN, secureWeb.port), viaProxy(proxy), createSecureContext({}));
    assert.equal(result.reason, 'tls_untrusted');
    const [command, ...more] = reproduceCommands(result, { timeoutMs: 2000 });
    assert.equal(more.length, 0);
    assert.match(command ?? '', new RegExp(`^timeout 2 openssl s_client -connect ${HIDDEN.replace(/\./g, '\\.')}:${secureWeb.port} -proxy 127\\.0\\.0\\.1:${proxy.port} `));
    const before = proxy.requests.length;
    // Not spawnSync: the proxy answers from this process's event loop.
    const ran = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', command ?? 'false'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    // The same tunnel as amlprobe's (this machine cannot resolve the name; only the proxy can), and the same verdict.
    assert.deepEqual(proxy.requests.slice(before).map((r) => r.target), [`${HIDDEN}:${secureWeb.port}`]);
    assert.notEqual(ran.status, 0, ran.stdout);
    assert.match(`${ran.stdout}${ran.stderr}`, /verify error|certificate verify failed|unable to get local issuer certificate/i);
  });

  it('tunnels tcp:// with --proxy; a proxy that allows only one port is proxy_denied on another', async () => {
    const proxy = await proxyWith({ allow: (target) => target === `127.0.0.1:${web.port}` });
    const allowed = await probe(testEndpoint('tcp', '127.0.0.1', web.port), viaProxy(proxy));
    assert.equal(allowed.status, 'pass', JSON.stringify(allowed.checks));
    assert.equal((layer(allowed, 'tcp').data as ConnectData).proxy, proxy.url);
    const denied = await probe(testEndpoint('tcp', '127.0.0.1', ws.port), viaProxy(proxy));
    assert.equal(denied.status, 'fail', JSON.stringify(denied.checks));
    assert.equal(denied.reason, 'proxy_denied');
    assert.match(layer(denied, 'tcp').message, new RegExp(`refused the tunnel to 127\\.0\\.0\\.1:${ws.port} \\(HTTP 403\\)`));
    assert.deepEqual(proxy.requests.map((r) => r.target), [`127.0.0.1:${web.port}`, `127.0.0.1:${ws.port}`]);
    // The proxy variables alone keep tcp:// direct: the port is open, so it passes without the proxy.
    const direct = await probe(testEndpoint('tcp', '127.0.0.1', ws.port), settings({ proxyEnv: { httpProxy: proxy.url, httpsProxy: proxy.url } }));
    assert.equal(direct.status, 'pass', JSON.stringify(direct.checks));
    assert.equal((layer(direct, 'tcp').data as ConnectData).proxy, undefined);
    assert.equal(proxy.requests.length, 2);
  });

  it('passes a WebSocket upgrade through the tunnel', async () => {
    const proxy = await proxyWith({});
    const result = await probe(testEndpoint('ws', '127.0.0.1', ws.port), viaProxy(proxy));
    assert.equal(result.reason, 'ws_upgraded', JSON.stringify(result.checks));
  });

  it('blames the proxy when it answers the WebSocket upgrade itself', async () => {
    const proxy = await proxyWith({ mode: 'answer-upgrades' });
    const result = await probe(testEndpoint('ws', '127.0.0.1', ws.port), viaProxy(proxy));
    const wsLayer = layer(result, 'websocket');
    assert.equal(wsLayer.status, 'fail');
    assert.equal(wsLayer.reason, 'ws_failed');
    assert.match(wsLayer.message, /HTTP 403 answered to the upgrade by the proxy/);
    assert.match(wsLayer.message, new RegExp(PROXY_AGENT.replace(/[./]/g, '\\$&')));
    assert.match(wsLayer.detail ?? '', /WebSocket is not allowed by policy/);
    // The same proxy passes plain HTTP: only the upgrade is answered by the proxy.
    assert.equal((await probe(testEndpoint('http', '127.0.0.1', web.port), viaProxy(proxy))).status, 'pass');
  });

  const CREDS = `user:${PASSWORD}`;
  const VERDICTS: {
    case: string;
    proxy: ForwardProxyOptions | 'closed' | 'unknown-name';
    url?: (proxy: ForwardProxy) => string;
    port?: () => number;
    reason: Reason;
    message: RegExp;
    detail?: RegExp;
  }[] = [
    {
      case: 'a 403 page is proxy_denied, quoting status line, Proxy-Agent and page',
      proxy: { allow: (target) => target.endsWith(':1') },
      reason: 'proxy_denied',
      message: /refused the tunnel to 127\.0\.0\.1:\d+ \(HTTP 403\)/,
      detail: /"HTTP\/1\.1 403 Forbidden" \(Proxy-Agent: amlprobe-test-proxy\/1\.0\)\. Its page starts: .*rule 42 blocks CONNECT/,
    },
    {
      case: 'a 407 without credentials is proxy_auth_required',
      proxy: { credentials: CREDS },
      reason: 'proxy_auth_required',
      message: /requires authentication \(HTTP 407\)/,
      detail: /Proxy-Authenticate: Basic realm="amlprobe-test"/,
    },
    {
      case: 'a 407 with wrong credentials is proxy_auth_required',
      proxy: { credentials: CREDS },
      url: (p) => `http://user:wrong@127.0.0.1:${p.port}`,
      reason: 'proxy_auth_required',
      message: /rejected the credentials \(HTTP 407\)/,
    },
    {
      case: 'a 502 for an unreachable target is proxy_target_failed',
      proxy: {},
      port: () => closedPort,
      reason: 'proxy_target_failed',
      message: /tunnel not established: the proxy could not reach the target 127\.0\.0\.1:\d+ \(HTTP 502\)/,
      detail: /502 Bad Gateway/,
    },
    {
      case: 'a proxy that never answers CONNECT is proxy_target_failed',
      proxy: { mode: 'silent' },
      reason: 'proxy_target_failed',
      message: /gave no answer to CONNECT 127\.0\.0\.1:\d+ within 600 ms/,
    },
    {
      case: 'a proxy that answers garbage is proxy_failed',
      proxy: { mode: 'garbage' },
      reason: 'proxy_failed',
      message: /to CONNECT is not HTTP/,
      detail: /SSH-2\.0-OpenSSH/,
    },
    {
      case: 'a proxy that hangs up is proxy_failed',
      proxy: { mode: 'hang-up' },
      reason: 'proxy_failed',
      message: /without answering CONNECT/,
    },
    {
      case: 'a refused proxy port is proxy_unreachable',
      proxy: 'closed',
      reason: 'proxy_unreachable',
      message: /cannot connect to the proxy http:\/\/127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)/,
    },
    {
      case: 'a proxy name that does not resolve is proxy_unreachable',
      proxy: 'unknown-name',
      reason: 'proxy_unreachable',
      message: /the proxy name nowhere\.test does not resolve/,
    },
  ];
  for (const c of VERDICTS) {
    it(c.case, async () => {
      let url: string;
      if (c.proxy === 'closed') url = `http://127.0.0.1:${closedPort}`;
      else if (c.proxy === 'unknown-name') url = 'http://nowhere.test:3128';
      else {
        const proxy = await proxyWith(c.proxy);
        url = c.url ? c.url(proxy) : proxy.url;
      }
      const result = await probe(testEndpoint('https', '127.0.0.1', c.port ? c.port() : secureWeb.port), viaProxy(url), trusted);
      const tcp = layer(result, 'tcp');
      assert.equal(result.status, 'fail', JSON.stringify(result.checks));
      assert.equal(result.layer, 'tcp');
      assert.equal(tcp.reason, c.reason, JSON.stringify(tcp));
      assert.match(tcp.message, c.message);
      if (c.detail) assert.match(tcp.detail ?? '', c.detail);
      assert.equal((tcp.data as ConnectData).proxy, displayProxy(url));
      assert.equal(layer(result, 'tls').status, 'skip');
      assert.equal(layer(result, 'http').status, 'skip');
      assert.ok(!JSON.stringify(result).includes(PASSWORD));
    });
  }

  it('sends Basic Proxy-Authorization from the URL and tunnels', async () => {
    const proxy = await proxyWith({ credentials: CREDS });
    const result = await probe(testEndpoint('http', '127.0.0.1', web.port), viaProxy(`http://user:${PASSWORD}@127.0.0.1:${proxy.port}`));
    assert.equal(result.status, 'pass', JSON.stringify(result.checks));
    assert.equal(proxy.requests[0]?.authorization, `Basic ${Buffer.from(CREDS).toString('base64')}`);
    assert.equal((layer(result, 'tcp').data as ConnectData).proxy, `http://127.0.0.1:${proxy.port}`);
    assert.ok(!JSON.stringify(result).includes(PASSWORD));
  });

  it('bypasses the environment proxy for no_proxy names', async () => {
    const broken = `http://127.0.0.1:${closedPort}`;
    const endpoint = testEndpoint('http', '127.0.0.1', web.port);
    const through = await probe(endpoint, settings({ proxyEnv: { httpProxy: broken } }));
    assert.equal(through.reason, 'proxy_unreachable', 'without no_proxy the environment proxy is used');
    const bypassed = await probe(endpoint, settings({ proxyEnv: { httpProxy: broken, noProxy: 'localhost,127.0.0.0/8' } }));
    assert.equal(bypassed.status, 'pass', JSON.stringify(bypassed.checks));
    assert.equal((layer(bypassed, 'tcp').data as ConnectData).proxy, undefined);
  });
});

describe('a private name sent to the proxy', () => {
  const via = (proxy: ForwardProxy, extra: Partial<RunSettings> = {}): RunSettings => settings({ proxy: proxy.url, ...extra });

  it('the proxy cannot reach it: proxy_private_name fails on the dns layer, naming the NO_PROXY entries', async () => {
    const proxy = await proxyWith({});
    const result = await probe(testEndpoint('https', PRIVATE_BLOB, secureWeb.port), via(proxy), trusted);
    const dnsLayer = layer(result, 'dns');
    assert.deepEqual([result.status, result.layer, result.reason], ['fail', 'dns', 'proxy_private_name'], JSON.stringify(result.checks));
    assert.match(dnsLayer.message, new RegExp(`${PRIVATE_BLOB.replace(/\./g, '\\.')} resolves to private 10\\.1\\.2\\.3 here but goes to the proxy ${proxy.url}: add \\.blob\\.core\\.windows\\.net to NO_PROXY`));
    assert.match(dnsLayer.detail ?? '', /Add \.blob\.core\.windows\.net,169\.254\.169\.254 to NO_PROXY/);
    assert.match(dnsLayer.detail ?? '', /proxy_target_failed/);
    // The proxy's own answer stays on the tcp layer as the evidence.
    assert.equal(layer(result, 'tcp').reason, 'proxy_target_failed');
    assert.deepEqual(proxy.requests.map((r) => r.target), [`${PRIVATE_BLOB}:${secureWeb.port}`]);
  });

  it('the proxy reaches it: a warning, and the probe goes on', async () => {
    const proxy = await proxyWith({ hosts: { [PRIVATE_OTHER]: '127.0.0.1' } });
    const result = await probe(testEndpoint('http', PRIVATE_OTHER, web.port), via(proxy));
    assert.deepEqual([result.status, result.reason], ['warn', 'proxy_private_name'], JSON.stringify(result.checks));
    // Outside the privatelink suffixes, the name itself is the entry.
    assert.match(layer(result, 'dns').message, /add db\.internal\.test to NO_PROXY/);
    assert.equal(layer(result, 'http').message, 'HTTP 200');
  });

  it('an endpoint with its own proxy URL is told to set proxy: none (NO_PROXY does not apply to it)', async () => {
    const proxy = await proxyWith({});
    const endpoint = testEndpoint('https', PRIVATE_BLOB, secureWeb.port, { proxy: proxy.url });
    const result = await probe(endpoint, settings(), trusted);
    assert.equal(result.reason, 'proxy_private_name', JSON.stringify(result.checks));
    assert.match(layer(result, 'dns').detail ?? '', /Set proxy: none on this endpoint/);
  });

  it('a public name through the proxy, or a private IP literal, is no finding', async () => {
    const proxy = await proxyWith({ hosts: { [MICROSOFT]: '127.0.0.1' } });
    const named = await probe(testEndpoint('http', MICROSOFT, web.port), via(proxy));
    assert.equal(layer(named, 'dns').reason, 'ok', JSON.stringify(named.checks));
    const literal = await probe(testEndpoint('http', '127.0.0.1', web.port), via(proxy));
    assert.equal(literal.status, 'pass', JSON.stringify(literal.checks));
  });

  it('no_proxy with the suggested entry takes the name off the proxy (the plan routes it direct)', () => {
    const endpoint = testEndpoint('https', PRIVATE_BLOB, 443);
    const proxyEnv = { httpsProxy: 'http://proxy.corp:3128' };
    assert.equal(routeOf(endpoint, settings({ proxyEnv })).via, 'proxy');
    assert.deepEqual(routeOf(endpoint, settings({ proxyEnv: { ...proxyEnv, noProxy: '.blob.core.windows.net,169.254.169.254' } })), { via: 'direct' });
  });
});

describe('through a TLS-inspecting proxy', () => {
  let inspection: TestCa;
  let inspecting: ForwardProxy;
  let dir: string;
  let caPath: string;
  before(async () => {
    inspection = await createTestCa('Contoso Inspection CA');
    inspecting = await proxyWith({ hosts: { [MICROSOFT]: '127.0.0.1', [HIDDEN]: '127.0.0.1' }, inspect: await inspection.issue({ names: [MICROSOFT, HIDDEN] }) });
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-inspect-test-'));
    caPath = join(dir, 'inspection-ca.pem');
    await writeFile(caPath, inspection.caCert);
  });
  after(async () => {
    await inspection.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const trustingInspection = (): SecureContext => createSecureContext({ ca: [ca.caCert, inspection.caCert] });
  const via = (extra: Partial<RunSettings> = {}): RunSettings => settings({ proxy: inspecting.url, ...extra });

  it('a Microsoft endpoint whose chain verifies only through the added inspection CA is tls_inspected (warn), naming the issuer', async () => {
    const result = await probe(testEndpoint('https', MICROSOFT, secureWeb.port), via(), trustingInspection());
    const tls = layer(result, 'tls');
    assert.equal(tls.status, 'warn', JSON.stringify(tls));
    assert.equal(tls.reason, 'tls_inspected');
    assert.match(tls.message, /TLS inspected: certificate issued by Contoso Inspection CA, a CA added on this machine/);
    assert.match(tls.detail ?? '', /exempt Azure Machine Learning endpoints/);
    assert.equal((tls.data as TlsData).authorized, true);
    // The connection works: HTTP still runs over it, and the row is a warning.
    assert.equal(layer(result, 'http').message, 'HTTP 200');
    assert.deepEqual([result.status, result.reason], ['warn', 'tls_inspected']);
  });

  it('the same chain, untrusted here, stays tls_untrusted', async () => {
    const result = await probe(testEndpoint('https', MICROSOFT, secureWeb.port), via(), trusted);
    assert.equal(result.reason, 'tls_untrusted', JSON.stringify(result.checks));
  });

  it('a host that is not Microsoft\'s may chain to any trusted CA', async () => {
    const result = await probe(testEndpoint('https', HIDDEN, secureWeb.port), via(), trustingInspection());
    assert.equal(layer(result, 'tls').status, 'pass', JSON.stringify(result.checks));
  });

  it('a root the plan declares public (settings.publicRoots) is no inspection', async () => {
    const result = await probe(testEndpoint('https', MICROSOFT, secureWeb.port), via({ publicRoots: [pemFingerprint256(inspection.caCert)] }), trustingInspection());
    assert.equal(result.status, 'pass', JSON.stringify(result.checks));
  });

  it('the CLI with --ca-file: exit 0, the table says inspected and names the CA', async () => {
    const args = ['check', `https://${MICROSOFT}:${secureWeb.port}/`, ...dnsFlags(dns), '--proxy', inspecting.url, '--ca-file', caPath];
    const table = await runCli([...args, '--no-color']);
    assert.equal(table.code, 0, describeRun(table));
    assert.match(table.stdout, /! inspected \(Contoso In/);
    assert.match(table.stdout, /tls: TLS inspected: certificate issued by Contoso Inspection CA/);
    const json = await runCli([...args, '--format', 'json']);
    const report = parseJsonOutput<Report>(json);
    assert.equal(report.results[0]?.reason, 'tls_inspected', describeRun(json));
    const without = await runCli(args.filter((a) => a !== '--ca-file' && a !== caPath));
    assert.equal(without.code, 1, describeRun(without));
    assert.match(without.stdout, /untrusted/);
  });
});

describe('the CLI with a proxy', () => {
  let proxy: ForwardProxy;
  let dir: string;
  before(async () => {
    proxy = await proxyWith({ credentials: `user:${PASSWORD}`, hosts: { [HIDDEN]: '127.0.0.1' } });
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-proxy-test-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const target = (): string => `http://127.0.0.1:${web.port}/`;
  const secretUrl = (): string => `http://user:${PASSWORD}@127.0.0.1:${proxy.port}`;

  assert.ok(RUN_FORMATS.length >= 2);
  for (const format of RUN_FORMATS) {
    it(`never prints the proxy password (--format ${format})`, async () => {
      const run = await runCli(['check', target(), ...dnsFlags(dns), '--proxy', secretUrl(), '--format', format]);
      assert.equal(run.code, 0, `${format}: ${describeRun(run)}`);
      assert.ok(!run.stdout.includes(PASSWORD) && !run.stderr.includes(PASSWORD), `${format} output shows the password`);
      assert.ok(!run.stdout.includes(Buffer.from(`user:${PASSWORD}`).toString('base64')), `${format} output shows the credentials`);
      if (format === 'table') assert.match(run.stdout, /via proxy/);
    });
  }

  it('shows the proxy without credentials in the JSON report, also from https_proxy', async () => {
    const run = await runCli(['check', target(), `https://${HIDDEN}:${secureWeb.port}/`, ...dnsFlags(dns), '--format', 'json', '--ca-file', await caFile()], {
      env: { HTTP_PROXY: secretUrl(), https_proxy: secretUrl() },
    });
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(!run.stdout.includes(PASSWORD) && !run.stderr.includes(PASSWORD));
    const report = parseJsonOutput<Report>(run);
    assert.equal(report.settings.proxyEnv?.httpsProxy, `http://127.0.0.1:${proxy.port}`);
    for (const result of report.results) {
      assert.equal((result.checks.find((c) => c.layer === 'tcp')?.data as ConnectData).proxy, `http://127.0.0.1:${proxy.port}`);
    }
  });

  it('check tcp:// takes --proxy, never the proxy variables alone', async () => {
    const tcpTarget = `tcp://127.0.0.1:${web.port}`;
    const through = await runCli(['check', tcpTarget, ...dnsFlags(dns), '--format', 'json', '--proxy', secretUrl()]);
    assert.equal(through.code, 0, describeRun(through));
    const tcpOf = (run: typeof through): ConnectData | undefined =>
      parseJsonOutput<Report>(run).results[0]?.checks.find((c) => c.layer === 'tcp')?.data as ConnectData | undefined;
    assert.equal(tcpOf(through)?.proxy, `http://127.0.0.1:${proxy.port}`);
    const direct = await runCli(['check', tcpTarget, ...dnsFlags(dns), '--format', 'json'], { env: { http_proxy: secretUrl(), https_proxy: secretUrl() } });
    assert.equal(direct.code, 0, describeRun(direct));
    assert.equal(tcpOf(direct)?.proxy, undefined);
  });

  it('--no-proxy connects directly despite the environment', async () => {
    const run = await runCli(['check', target(), ...dnsFlags(dns), '--format', 'json', '--no-proxy'], {
      env: { http_proxy: `http://127.0.0.1:${closedPort}` },
    });
    assert.equal(run.code, 0, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    assert.equal(report.settings.proxy, 'none');
    assert.equal((report.results[0]?.checks.find((c) => c.layer === 'tcp')?.data as ConnectData).proxy, undefined);
  });

  const USAGE = [
    { case: 'a bad --proxy', args: ['--proxy', `https://user:${PASSWORD}@proxy.corp:3128`], env: {}, message: /--proxy 'https:\/\/proxy\.corp:3128': only http:\/\// },
    { case: '--proxy with --no-proxy', args: ['--proxy', 'http://p.corp:1', '--no-proxy'], env: {}, message: /contradict/ },
    { case: 'a bad https_proxy', args: [], env: { https_proxy: `ftp://u:${PASSWORD}@p.corp` }, message: /https_proxy 'ftp:\/\/p\.corp': only http:\/\// },
  ];
  for (const c of USAGE) {
    it(`exits 2 for ${c.case}, without showing credentials`, async () => {
      const run = await runCli(['check', target(), ...dnsFlags(dns), ...c.args], { env: c.env });
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, c.message);
      assert.ok(!run.stderr.includes(PASSWORD) && !run.stdout.includes(PASSWORD));
    });
  }

  it('reads proxy settings per endpoint from the config file, and rejects a bad one', async () => {
    const good = join(dir, 'good.yaml');
    await writeFile(good, [
      'version: 1',
      'settings:',
      `  proxy: ${secretUrl()}`,
      'endpoints:',
      `  - target: ${target()}`,
      '    id: through',
      `  - target: http://127.0.0.1:${web.port}/direct`,
      '    id: direct',
      '    proxy: none',
      '',
    ].join('\n'));
    const run = await runCli(['run', '--config', good, ...dnsFlags(dns), '--format', 'json']);
    assert.ok(!run.stdout.includes(PASSWORD) && !run.stderr.includes(PASSWORD));
    const report = parseJsonOutput<Report>(run);
    const proxyOf = (id: string): string | undefined =>
      (report.results.find((r) => r.id === id)?.checks.find((c) => c.layer === 'tcp')?.data as ConnectData | undefined)?.proxy;
    assert.equal(proxyOf('through'), `http://127.0.0.1:${proxy.port}`, describeRun(run));
    assert.equal(proxyOf('direct'), undefined);
    assert.equal(report.settings.proxy, `http://127.0.0.1:${proxy.port}`);

    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, ['version: 1', 'endpoints:', `  - target: ${target()}`, '    proxy: http://proxy.corp:3128/some/path', ''].join('\n'));
    const refused = await runCli(['run', '--config', bad, ...dnsFlags(dns)]);
    assert.equal(refused.code, 2, describeRun(refused));
    assert.match(refused.stderr, /proxy/);
  });

  async function caFile(): Promise<string> {
    const path = join(dir, 'ca.pem');
    await writeFile(path, ca.caCert);
    return path;
  }
});

/** A free loopback port for a program that needs one in its config (tiny race, loopback only). */
async function freePort(): Promise<number> {
  return closedTcpPort();
}

/** Resolves once something accepts connections on 127.0.0.1:port, or rejects after `withinMs`. */
async function listening(port: number, withinMs = 3000): Promise<void> {
  const until = performance.now() + withinMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (performance.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A real proxy from Debian (package tinyproxy; CI installs it). Targets are IP literals only:
// tinyproxy resolves names with getaddrinfo, which would ask this machine's real DNS server.
describe('through tinyproxy (Debian package tinyproxy)', () => {
  let port: number;
  let dir: string;
  let ipWeb: TestServer;
  let ipTrusted: SecureContext;

  before(async () => {
    const found = spawnSync('tinyproxy', ['-v'], { encoding: 'utf8' });
    if (found.error !== undefined) {
      throw new Error('tinyproxy is not installed: these tests need the Debian package tinyproxy (apt-get install -y tinyproxy)');
    }
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-tinyproxy-'));
    await writeFile(join(dir, 'filter'), '^127\\.0\\.0\\.2$\n');
    ({ port } = await startTinyproxy('tinyproxy.conf', [`Filter "${join(dir, 'filter')}"`]));
    const leaf = await ca.issue({ names: ['127.0.0.1'] });
    ipWeb = await startHttpServer((_req, res) => res.end('ip hello'), leaf);
    ipTrusted = trusted;
  });
  /** A tinyproxy with these extra configuration lines, on a free loopback port, stopped after the tests. */
  async function startTinyproxy(file: string, extra: string[]): Promise<{ port: number; child: ChildProcess }> {
    const listen = await freePort();
    await writeFile(join(dir, file), [
      `Port ${listen}`,
      'Listen 127.0.0.1',
      'Timeout 5',
      'Allow 127.0.0.1',
      'MaxClients 20',
      'LogLevel Error',
      ...extra,
      '',
    ].join('\n'));
    const started = spawn('tinyproxy', ['-d', '-c', join(dir, file)], { stdio: 'ignore' });
    others.push(started);
    await listening(listen);
    return { port: listen, child: started };
  }
  const others: ChildProcess[] = [];

  after(async () => {
    for (const other of others) other.kill();
    await ipWeb?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const via = (): RunSettings => settings({ proxy: `http://127.0.0.1:${port}` });

  it('tunnels HTTPS and TLS verifies the target certificate end to end', async () => {
    const result = await probe(testEndpoint('https', '127.0.0.1', ipWeb.port), via(), ipTrusted);
    assert.equal(result.status, 'pass', JSON.stringify(result.checks));
    const data = layer(result, 'tcp').data as ConnectData;
    assert.match(data.proxyAgent ?? '', /^tinyproxy\//);
    assert.equal((layer(result, 'tls').data as TlsData).authorized, true);
  });

  it('a filtered target is proxy_denied, quoting tinyproxy', async () => {
    const result = await probe(testEndpoint('https', '127.0.0.2', ipWeb.port), via(), ipTrusted);
    const tcp = layer(result, 'tcp');
    assert.equal(tcp.reason, 'proxy_denied', JSON.stringify(tcp));
    assert.match(tcp.detail ?? '', /403 Filtered.*Server: tinyproxy/);
  });

  it('with ConnectPort, tcp:// to another port through --proxy is proxy_denied, the allowed port passes', async () => {
    // ConnectPort 443 on a real proxy; the loopback web server stands in for port 443.
    const only = await startTinyproxy('connectport.conf', [`ConnectPort ${ipWeb.port}`]);
    const viaOnly = settings({ proxy: `http://127.0.0.1:${only.port}` });
    const allowed = await probe(testEndpoint('tcp', '127.0.0.1', ipWeb.port), viaOnly);
    assert.equal(allowed.status, 'pass', JSON.stringify(allowed.checks));
    assert.match((layer(allowed, 'tcp').data as ConnectData).proxyAgent ?? '', /^tinyproxy\//);
    const denied = await probe(testEndpoint('tcp', '127.0.0.1', web.port), viaOnly);
    const tcp = layer(denied, 'tcp');
    assert.equal(tcp.reason, 'proxy_denied', JSON.stringify(tcp));
    assert.match(tcp.detail ?? '', /403 Access violation.*Server: tinyproxy/);
  });

  it('an unreachable target is proxy_target_failed ("500 Unable to connect")', async () => {
    const result = await probe(testEndpoint('https', '127.0.0.1', closedPort), via(), ipTrusted);
    const tcp = layer(result, 'tcp');
    assert.equal(tcp.reason, 'proxy_target_failed', JSON.stringify(tcp));
    assert.match(tcp.detail ?? '', /500 Unable to connect/);
  });
});
