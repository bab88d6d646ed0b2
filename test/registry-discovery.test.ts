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
import { createTestCa } from './helpers/test-ca.js';
import { buildRunPlan } from '../src/plan/build-run-plan.js';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import { pemFingerprint256 } from '../src/net/public-roots.js';

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

describe('registries end to end: discovery, then the returned FQDNs on 443 (loopback)', () => {
  // The discovery fake answers the documented shape (eastus primary, westeurope replica); the fake
  // DNS points each returned FQDN through its privatelink CNAME to a private address, which the
  // run's redirects send to one loopback HTTPS server holding a certificate for both names.
  const PE = { eastus: '10.1.2.3', westeurope: '10.1.2.4' } as const;
  const fqdn = (region: string) => `${REGISTRY_GUID}.registry.${region}.api.azureml.ms`;
  const privatelink = (region: string) => `${REGISTRY_GUID}.registry.${region}.privatelink.api.azureml.ms`;

  it('plans and probes the registry FQDN of every region (TCP, TLS, HTTPS), its privatelink DNS name, and the named storage and ACR', async (t) => {
    const discovery = await startDiscoveryFake((request, res) =>
      request.headers.authorization === `Bearer ${TOKEN}` ? sendJson(res, 200, documentedAnswer('good')) : sendJson(res, 401, {}),
    );
    t.after(() => discovery.close());
    const ca = await createTestCa('amlprobe registry test CA');
    t.after(() => ca.cleanup());
    // The first name is also the CN, which may hold 64 characters at most: not a registry FQDN.
    const names = ['regacr001.azurecr.io', fqdn('eastus'), fqdn('westeurope'), 'regstore1.blob.core.windows.net', 'regacr001.eastus.data.azurecr.io'];
    const registryHost = await startHttpServer((_request, res) => res.writeHead(401, { 'www-authenticate': 'Bearer' }).end(), await ca.issue({ names }));
    t.after(() => registryHost.close());
    const dir = await mkdtemp(join(tmpdir(), 'amlprobe-registry-e2e-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const tokenFile = join(dir, 'token');
    const caFile = join(dir, 'ca.pem');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    writeFileSync(caFile, ca.caCert);
    const dns = await startDnsServer({
      [fqdn('eastus')]: { kind: 'cname', target: privatelink('eastus') },
      [privatelink('eastus')]: { kind: 'records', a: [PE.eastus] },
      [fqdn('westeurope')]: { kind: 'cname', target: privatelink('westeurope') },
      [privatelink('westeurope')]: { kind: 'records', a: [PE.westeurope] },
      'regstore1.blob.core.windows.net': { kind: 'records', a: ['10.1.2.5'] },
      'regacr001.azurecr.io': { kind: 'records', a: ['10.1.2.6'] },
      'regacr001.eastus.data.azurecr.io': { kind: 'records', a: ['10.1.2.7'] },
    });
    t.after(() => dns.close());

    const plan = await buildRunPlan(
      {
        settings: { dnsServers: [dns.server], noSystemResolver: true, timeout: '2s', deadline: '20s', caFiles: [discovery.caFile, caFile] },
        profile: { registries: ['good@eastus'], registryStorageAccounts: ['regstore1'], registryContainerRegistries: ['good=regacr001'], privateEndpoints: true },
        learning: { tokenFile },
        scenarios: ['registry-private'],
      },
      { AMLPROBE_DISCOVERY_URL: discovery.url, AMLPROBE_IMDS_URL: 'off' },
    );
    const planned = new Map(plan.endpoints.map((e) => [e.id, e]));
    assert.equal(planned.get('registry-fqdn:443')?.host, fqdn('eastus'));
    assert.equal(planned.get('registry-fqdn@westeurope:443')?.host, fqdn('westeurope'));
    assert.equal(planned.get('registry-private-fqdn@westeurope')?.host, privatelink('westeurope'));
    assert.equal(planned.get('registry-storage-private:443')?.host, 'regstore1.blob.core.windows.net');
    assert.equal(planned.get('registry-acr-private:443')?.host, 'regacr001.azurecr.io');
    assert.equal(planned.get('registry-acr-data-private:443')?.host, 'regacr001.eastus.data.azurecr.io');

    const to = `127.0.0.1:${registryHost.port}`;
    plan.settings.redirects = Object.fromEntries(['10.1.2.3', '10.1.2.4', '10.1.2.5', '10.1.2.6', '10.1.2.7'].map((a) => [`tcp/${a}:443`, to]));
    plan.settings.redirectOnly = true;
    // The test CA stands in for a public root here: these are Microsoft names (src/net/public-roots.ts).
    plan.settings.publicRoots = [pemFingerprint256(ca.caCert)];
    const ids = ['registry-fqdn:443', 'registry-fqdn@westeurope:443', 'registry-private-fqdn', 'registry-private-fqdn@westeurope', 'registry-storage-private:443', 'registry-acr-private:443', 'registry-acr-data-private:443'];
    const outcome = await runEndpoints(ids.map((id) => planned.get(id)!), plan.settings, { secureContext: buildSecureContext({ extraCaFiles: plan.caFiles }) });
    for (const result of outcome.results) {
      assert.equal(result.status, 'pass', `${result.id}: ${result.reason} ${result.message}`);
      assert.deepEqual(result.checks.map((c) => c.layer), result.protocol === 'dns' ? ['dns'] : ['dns', 'tcp', 'tls', 'http'], result.id);
    }
    assert.equal(outcome.results.find((r) => r.id === 'registry-fqdn:443')?.address, PE.eastus);
    assert.equal(outcome.results.find((r) => r.id === 'registry-fqdn@westeurope:443')?.address, PE.westeurope);
  });

  it('refuses a registry part that names no given registry, with a did-you-mean (exit 2)', async () => {
    await assert.rejects(
      buildRunPlan({ settings: { noSystemResolver: true }, profile: { registries: ['good@eastus'], registryContainerRegistries: ['godo=regacr001'] }, learning: { noDiscovery: true }, scenarios: ['registry-private'] }, { AMLPROBE_IMDS_URL: 'off' }),
      (error: unknown) => error instanceof Error && /--registry-acr/.test(String((error as { where?: string }).where)) && /no registry 'godo' is given; did you mean 'good'\?/.test(error.message),
    );
  });
});
