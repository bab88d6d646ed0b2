// Registry discovery against a loopback HTTPS fake signed by a test CA: the documented answer gives
// the registry ID and private FQDNs; 401, 403, 404, other statuses, malformed answers, a refused
// connection, an untrusted certificate and a missing token each get their own reason.

import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverRegistry, discoveryUrl, parseDiscoveryAnswer } from '../src/azure/registry-discovery.js';
import type { TokenProvider } from '../src/azure/token-source.js';
import { buildSecureContext } from '../src/net/trust-store.js';
import { parseProxyUrl } from '../src/net/proxy-env.js';
import type { Reason, Status } from '../src/model/reason.js';
import type { HttpData } from '../src/model/evidence.js';
import type { Report } from '../src/model/report.js';
import { REGISTRY_GUID, documentedAnswer, sendJson, startDiscoveryFake } from './helpers/azure-fakes.js';
import type { DiscoveryFake } from './helpers/azure-fakes.js';
import { startDnsServer } from './helpers/dns-server.js';
import { runCli } from './helpers/cli.js';
import { startHttpServer } from './helpers/http-servers.js';
import { startForwardProxy } from './helpers/forward-proxy.js';

const TOKEN = 'test-token-aaaaaaaaaaaaaaaaaaaa';
const token: TokenProvider = async () => ({ ok: true, token: TOKEN, origin: 'AMLPROBE_TOKEN' });

/** The fake's behaviour per registry name: every case is one registry on the same server. */
const BEHAVIOUR: Record<string, (res: ServerResponse) => void> = {
  good: (res) => sendJson(res, 200, documentedAnswer('good')),
  denied: (res) => sendJson(res, 403, { error: { code: 'AuthorizationFailed' } }),
  missing: (res) => sendJson(res, 404, { error: { code: 'NotFound' } }),
  broken: (res) => sendJson(res, 500, { error: 'boom' }),
  notjson: (res) => sendJson(res, 200, '<html>proxy login</html>'),
  nofqdns: (res) => sendJson(res, 200, { registryName: 'nofqdns' }),
  noguid: (res) => sendJson(res, 200, { registryFqdns: { eastus: { uri: 'https://eastus.api.azureml.ms' } } }),
};

describe('registry discovery', () => {
  let fake: DiscoveryFake;
  before(async () => {
    fake = await startDiscoveryFake((req, res) => {
      // Like the service: no valid bearer token, 401, whatever the registry.
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(res, 401, { error: 'InvalidAuthenticationToken' });
      const name = /\/registries\/([^/]+)\/discovery$/.exec(req.url ?? '')?.[1] ?? '';
      (BEHAVIOUR[name] ?? ((r) => sendJson(r, 404, {})))(res);
    });
  });
  after(() => fake.close());

  const secure = () => buildSecureContext({ extraCaFiles: [fake.caFile] });

  const cases: { case: string; name: string; token?: TokenProvider; expect: Reason; status: Status; message: RegExp }[] = [
    { case: 'documented answer', name: 'good', expect: 'ok', status: 'pass', message: new RegExp(`id ${REGISTRY_GUID}, regions eastus, westeurope`) },
    { case: 'token refused', name: 'good', token: async () => ({ ok: true, token: 'wrong-token-bbbbbbbbbbbb', origin: 'AMLPROBE_TOKEN_FILE' }), expect: 'discovery_unauthorized', status: 'warn', message: /401.*AMLPROBE_TOKEN_FILE/ },
    { case: '403', name: 'denied', expect: 'discovery_forbidden', status: 'warn', message: /403.*'denied'/ },
    { case: '404', name: 'missing', expect: 'discovery_not_found', status: 'fail', message: /404: no registry 'missing'/ },
    { case: '500', name: 'broken', expect: 'http_status', status: 'warn', message: /answered 500/ },
    { case: 'not JSON', name: 'notjson', expect: 'discovery_malformed', status: 'warn', message: /not JSON/ },
    { case: 'no registryFqdns', name: 'nofqdns', expect: 'discovery_malformed', status: 'warn', message: /no registryFqdns/ },
    { case: 'uri without registry GUID', name: 'noguid', expect: 'discovery_malformed', status: 'warn', message: /registry ID cannot be read/ },
    { case: 'no token', name: 'good', token: async () => ({ ok: false, message: 'no access token: set AMLPROBE_TOKEN_FILE' }), expect: 'discovery_no_token', status: 'skip', message: /AMLPROBE_TOKEN_FILE/ },
  ];
  for (const c of cases) {
    it(c.case, async () => {
      const before = fake.requests.length;
      const found = await discoverRegistry({ registry: { name: c.name, region: 'eastus' }, cloud: 'public', token: c.token ?? token, baseUrl: fake.url, secureContext: secure(), timeoutMs: 2000 });
      assert.equal(found.result.reason, c.expect, found.result.message);
      assert.equal(found.result.status, c.status);
      assert.match(found.result.message, c.message);
      assert.equal(found.result.required, false);
      if (c.expect === 'ok') {
        assert.equal(found.id, REGISTRY_GUID);
        assert.deepEqual(found.privateFqdns, [
          `${REGISTRY_GUID}.registry.eastus.privatelink.api.azureml.ms`,
          `${REGISTRY_GUID}.registry.westeurope.privatelink.api.azureml.ms`,
        ]);
        assert.equal(fake.requests.at(-1)?.url, `/registrymanagement/v1.0/registries/${c.name}/discovery`);
      } else {
        assert.equal(found.id, undefined);
      }
      // No token, no request: the call is not made anonymously.
      assert.equal(fake.requests.length - before, c.expect === 'discovery_no_token' ? 0 : 1);
    });
  }

  it('unreachable: connection refused', async () => {
    const closed = await startHttpServer(() => undefined);
    const port = closed.port;
    await closed.close();
    const found = await discoverRegistry({ registry: { name: 'good' }, cloud: 'public', token, baseUrl: `https://127.0.0.1:${port}`, timeoutMs: 1000 });
    assert.equal(found.result.reason, 'discovery_unreachable');
    assert.equal(found.result.status, 'fail');
    assert.match(found.result.message, /ECONNREFUSED/);
  });

  it('unreachable: certificate not trusted without the test CA', async () => {
    const found = await discoverRegistry({ registry: { name: 'good' }, cloud: 'public', token, baseUrl: fake.url, secureContext: buildSecureContext({}), timeoutMs: 2000 });
    assert.equal(found.result.reason, 'discovery_unreachable');
    assert.match(found.result.message, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED/);
  });

  it('through the proxy the settings choose: one CONNECT to the discovery host, TLS verified end to end', async (t) => {
    const proxy = await startForwardProxy();
    t.after(() => proxy.close());
    const server = parseProxyUrl(proxy.url, '--proxy');
    const found = await discoverRegistry({ registry: { name: 'good', region: 'eastus' }, cloud: 'public', token, baseUrl: fake.url, secureContext: secure(), timeoutMs: 2000, proxyFor: () => server });
    assert.equal(found.result.reason, 'ok', found.result.message);
    assert.equal(found.id, REGISTRY_GUID);
    assert.deepEqual(proxy.requests.map((r) => r.target), [new URL(fake.url).host]);
    assert.equal((found.result.checks[0]?.data as HttpData).proxy, proxy.url);
    // End to end: the proxy only relays, so the fake's certificate is still checked against the trust store.
    const untrusted = await discoverRegistry({ registry: { name: 'good' }, cloud: 'public', token, baseUrl: fake.url, secureContext: buildSecureContext({}), timeoutMs: 2000, proxyFor: () => server });
    assert.equal(untrusted.result.reason, 'discovery_unreachable');
    assert.match(untrusted.result.message, /through the proxy .*(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED)/);
  });

  it('through a proxy that refuses: unreachable, naming the proxy and what it answered', async (t) => {
    const denying = await startForwardProxy({ allow: () => false });
    const locked = await startForwardProxy({ credentials: 'alice:s3cret' });
    t.after(() => Promise.all([denying.close(), locked.close()]));
    const denied = await discoverRegistry({ registry: { name: 'good' }, cloud: 'public', token, baseUrl: fake.url, secureContext: secure(), timeoutMs: 2000, proxyFor: () => parseProxyUrl(denying.url, '--proxy') });
    assert.equal(denied.result.reason, 'discovery_unreachable');
    assert.match(denied.result.message, /through the proxy http:\/\/127\.0\.0\.1:\d+ \(EPROXY\): the proxy .* refused CONNECT 127\.0\.0\.1:\d+: HTTP\/1\.1 403 Forbidden/);

    const noLogin = await discoverRegistry({ registry: { name: 'good' }, cloud: 'public', token, baseUrl: fake.url, secureContext: secure(), timeoutMs: 2000, proxyFor: () => parseProxyUrl(locked.url, '--proxy') });
    assert.match(noLogin.result.message, /407 Proxy Authentication Required \(proxy credentials missing or wrong\)/);
    const withLogin = await discoverRegistry({
      registry: { name: 'good' }, cloud: 'public', token, baseUrl: fake.url, secureContext: secure(), timeoutMs: 2000,
      proxyFor: () => parseProxyUrl(locked.url.replace('http://', 'http://alice:s3cret@'), '--proxy'),
    });
    assert.equal(withLogin.result.reason, 'ok', withLogin.result.message);
    assert.ok(!withLogin.result.message.includes('s3cret') && !JSON.stringify(withLogin.result).includes('s3cret'), 'credentials never in the result');
  });

  it('through a proxy that never answers: unreachable within the timeout', async (t) => {
    const silent = await startForwardProxy({ mode: 'silent' });
    t.after(() => silent.close());
    const started = Date.now();
    const found = await discoverRegistry({ registry: { name: 'good' }, cloud: 'public', token, baseUrl: fake.url, secureContext: secure(), timeoutMs: 500, proxyFor: () => parseProxyUrl(silent.url, '--proxy') });
    assert.equal(found.result.reason, 'discovery_unreachable');
    assert.match(found.result.message, /ETIMEDOUT/);
    assert.ok(Date.now() - started < 2000);
  });

  it('builds the documented URL per cloud and region', () => {
    assert.equal(discoveryUrl({ name: 'reg1', region: 'westeurope' }, 'public').href, 'https://westeurope.api.azureml.ms/registrymanagement/v1.0/registries/reg1/discovery');
    // Without a region: the host the azure-ai-ml SDK calls for the cloud.
    assert.equal(discoveryUrl({ name: 'reg1' }, 'china').host, 'chinaeast2.api.ml.azure.cn');
    assert.equal(discoveryUrl({ name: 'reg1' }, 'usgov', 'https://127.0.0.1:9/').href, 'https://127.0.0.1:9/registrymanagement/v1.0/registries/reg1/discovery');
  });

  it('rejects answers naming two registry IDs', () => {
    const answer = { registryFqdns: { eastus: { uri: `https://${REGISTRY_GUID}.registry.eastus.api.azureml.ms` }, westus: { uri: 'https://11111111-2222-4333-8444-555555555555.registry.westus.api.azureml.ms' } } };
    assert.match(String(parseDiscoveryAnswer(JSON.stringify(answer), 'public')), /2 different registry IDs/);
  });

  it('run --proxy: the discovery call takes the proxy the probes take', async (t) => {
    const dns = await startDnsServer({});
    const proxy = await startForwardProxy();
    const dir = await mkdtemp(join(tmpdir(), 'amlprobe-tok-'));
    t.after(() => Promise.all([dns.close(), proxy.close(), rm(dir, { recursive: true, force: true })]));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const run = await runCli(
      ['run', '--registry', 'good@eastus', '--scenario', 'registry-private', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '400ms', '--format', 'json', '--token-file', tokenFile, '--ca-file', fake.caFile, '--proxy', proxy.url],
      { env: { AMLPROBE_DISCOVERY_URL: fake.url } },
    );
    const report = JSON.parse(run.stdout) as Report;
    const row = report.results.find((r) => r.id === 'registry-discovery-auth-good');
    assert.equal(row?.reason, 'ok', run.stderr);
    assert.equal((row?.checks[0]?.data as HttpData).proxy, proxy.url);
    assert.ok(proxy.requests.some((r) => r.target === new URL(fake.url).host), JSON.stringify(proxy.requests));
    assert.equal(report.workspace?.profile.registries?.[0]?.id, REGISTRY_GUID);
  });

  it('run: fills the registry ID so the private FQDN row is probed, and reports the call', async (t) => {
    const dns = await startDnsServer({});
    t.after(() => dns.close());
    const dir = await mkdtemp(join(tmpdir(), 'amlprobe-tok-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    t.after(() => rm(dir, { recursive: true, force: true }));
    const run = await runCli(
      ['run', '--registry', 'good@eastus', '--scenario', 'registry-private', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '400ms', '--format', 'json', '--token-file', tokenFile, '--ca-file', fake.caFile],
      { env: { AMLPROBE_DISCOVERY_URL: fake.url } },
    );
    const report = JSON.parse(run.stdout) as Report;
    const row = report.results.find((r) => r.id === 'registry-discovery-auth-good');
    assert.equal(row?.reason, 'ok', run.stderr);
    assert.equal(report.workspace?.profile.registries?.[0]?.id, REGISTRY_GUID);
    assert.equal(report.workspace?.origin.registryIds, 'discovery');
    const privateName = `${REGISTRY_GUID}.registry.eastus.privatelink.api.azureml.ms`;
    assert.ok(report.results.some((r) => r.host === privateName && r.reason !== 'needs_input'), 'private FQDN row probed');
    assert.ok(dns.queries.some((q) => q.name === privateName), 'private FQDN asked of the DNS server');
    assert.ok(!run.stdout.includes(TOKEN) && !run.stderr.includes(TOKEN));
  });
});
