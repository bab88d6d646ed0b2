// Which box said no, against real third-party servers in network namespaces (issue 14, items 1-3):
// nginx answers as Azure Storage, Key Vault and Container Registry do when their network rules
// refuse a client, next to the same services answering an authentication challenge (a pass), and as
// Azure Firewall does with 470; a real squid (Debian squid-openssl) refuses a tunnel with
// ERR_ACCESS_DENIED and fails to reach targets with ERR_CANNOT_FORWARD and ERR_CONNECT_FAIL.
// dnsmasq answers the names: the storage account and the registry resolve to public addresses, the
// key vault to a private one. The built CLI runs in the client namespace. FAILS (never skips)
// without root, iproute2, dnsmasq, nginx and squid.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEnv, CLI_PATH } from '../helpers/cli.js';
import type { EndpointResult, LayerResult } from '../../src/model/result.js';
import type { Report } from '../../src/model/report.js';
import type { ConnectData, HttpData } from '../../src/model/evidence.js';
import { assertPrerequisites, createNamespacePair, findProgram, IP, type NamespacePair } from './helpers/netns.js';
import { nginxWith } from './helpers/nginx-config.js';

const ADDR = { client: '10.61.0.2', dns: '10.61.0.53', vault: '10.61.0.10', proxy: '10.61.0.3', storage: '198.51.100.20', registry: '198.51.100.21', firewall: '198.51.100.22' };
const HOSTS = {
  storage: 'amlprobee2e.blob.core.windows.net',
  vault: 'kv-amlprobe-e2e.vault.azure.net',
  vaultAuth: 'kv-open-e2e.vault.azure.net',
  registry: 'crprobee2e.azurecr.io',
  registryAuth: 'cropene2e.azurecr.io',
  firewalled: 'pypi.org',
};
const REQUEST_ID = 'ad7a75b2-201e-0032-20d4-23e8a6000000';

function dnsmasqConfig(): string {
  return [
    'port=53', `listen-address=${ADDR.dns}`, 'bind-interfaces', 'no-resolv', 'no-hosts', 'no-poll', 'no-negcache', 'user=root', 'pid-file=',
    'local=/windows.net/', 'local=/azure.net/', 'local=/azurecr.io/', 'local=/example.test/', 'local=/pypi.org/',
    `host-record=${HOSTS.storage},${ADDR.storage}`,
    `host-record=${HOSTS.vault},${ADDR.vault}`,
    `host-record=${HOSTS.vaultAuth},${ADDR.vault}`,
    `host-record=${HOSTS.registry},${ADDR.registry}`,
    `host-record=${HOSTS.registryAuth},${ADDR.registry}`,
    `host-record=${HOSTS.firewalled},${ADDR.firewall}`,
    '',
  ].join('\n');
}

/** One nginx server block answering every request with `status`, `body` and extra headers. */
function answering(listen: string, name: string, status: number, type: string, body: string, headers: Record<string, string> = {}): string {
  const added = Object.entries(headers).map(([k, v]) => `add_header ${k} '${v}' always;`).join(' ');
  return `server { listen ${listen}:80; server_name ${name}; location / { default_type '${type}'; ${added} return ${status} '${body}'; } }`;
}

function nginxConfig(dir: string): string {
  const xml = (code: string, message: string): string => `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return nginxWith(dir, `  ${answering(ADDR.storage, HOSTS.storage, 403, 'application/xml', xml('AuthorizationFailure', `This request is not authorized to perform this operation. RequestId:${REQUEST_ID} Time:2026-12-06T02:00:00.0000000Z`),
    { 'x-ms-error-code': 'AuthorizationFailure', 'x-ms-request-id': REQUEST_ID, Server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0' })}
  ${answering(ADDR.vault, HOSTS.vault, 403, 'application/json; charset=utf-8',
    '{"error":{"code":"Forbidden","message":"Client address is not authorized and caller is not a trusted service.\\\\r\\\\nClient address: 10.61.0.2","innererror":{"code":"ForbiddenByFirewall"}}}')}
  ${answering(ADDR.vault, HOSTS.vaultAuth, 401, 'application/json; charset=utf-8', '{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}',
    { 'WWW-Authenticate': 'Bearer authorization="https://login.microsoftonline.com/common", resource="https://vault.azure.net"' })}
  ${answering(ADDR.registry, HOSTS.registry, 403, 'application/json; charset=utf-8',
    '{"errors":[{"code":"DENIED","message":"client with IP \\\\u002710.61.0.2\\\\u0027 is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}')}
  ${answering(ADDR.registry, HOSTS.registryAuth, 401, 'application/json; charset=utf-8',
    '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required, visit https://aka.ms/acr/authorization for more information."}]}',
    { 'Www-Authenticate': `Bearer realm="https://${HOSTS.registryAuth}/oauth2/token",service="${HOSTS.registryAuth}"` })}
  ${answering(ADDR.firewall, '_', 470, 'text/plain; charset=utf-8',
    `HTTP  request from ${ADDR.client}:40000 to ${HOSTS.firewalled}:80. Url: ${HOSTS.firewalled}. Action: Deny. Reason: No rule matched. Proceeding with default action.`)}`);
}

function squidConfig(dir: string): string {
  return [
    `http_port ${ADDR.proxy}:3128`, 'pid_filename none', `cache_log ${dir}/squid-cache.log`, 'access_log none', 'cache deny all',
    `coredump_dir ${dir}`, 'pinger_enable off', 'shutdown_lifetime 0 seconds', `dns_nameservers ${ADDR.dns}`, 'dns_timeout 3 seconds',
    'connect_timeout 3 seconds', 'acl denied dstdomain .denied.example.test', 'http_access deny denied', 'http_access allow all', '',
  ].join('\n');
}

interface CliResult { code: number | null; stdout: string; stderr: string }

function layer(result: EndpointResult, name: string): LayerResult {
  const found = result.checks.find((c) => c.layer === name);
  assert.ok(found, `no ${name} layer: ${JSON.stringify(result.checks)}`);
  return found;
}

describe('who said no: Azure denial shapes (nginx), Azure Firewall 470, squid error codes', () => {
  let pair: NamespacePair | undefined;
  let dir: string | undefined;

  function amlprobe(args: string[]): Promise<CliResult> {
    assert.ok(pair);
    const env = cliEnv({ HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined });
    return new Promise((resolve) => {
      execFile(IP, ['netns', 'exec', pair?.client ?? '', process.execPath, CLI_PATH, ...args, '--no-system-resolver', '--dns-server', ADDR.dns, '--format', 'json'],
        { env, timeout: 30_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
        });
    });
  }

  async function results(args: string[]): Promise<EndpointResult[]> {
    const outcome = await amlprobe(args);
    assert.doesNotMatch(outcome.stderr, /\n\s+at /, outcome.stderr);
    assert.ok(outcome.code === 0 || outcome.code === 1, `exit ${outcome.code}: ${outcome.stderr}`);
    return (JSON.parse(outcome.stdout) as Report).results;
  }

  before(async () => {
    assertPrerequisites([
      { program: 'ip', debianPackage: 'iproute2' },
      { program: 'dnsmasq', debianPackage: 'dnsmasq-base' },
      { program: 'nginx', debianPackage: 'nginx-light' },
      { program: 'squid', debianPackage: 'squid-openssl' },
    ]);
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-e2e-denials-'));
    // squid drops to its own user before it writes its cache log.
    await chmod(dir, 0o777);
    await writeFile(join(dir, 'dnsmasq.conf'), dnsmasqConfig());
    await writeFile(join(dir, 'nginx.conf'), nginxConfig(dir));
    await writeFile(join(dir, 'squid.conf'), squidConfig(dir));
    pair = await createNamespacePair({
      clientAddress: `${ADDR.client}/24`,
      serviceAddresses: [`${ADDR.dns}/24`, `${ADDR.vault}/24`, `${ADDR.proxy}/24`, `${ADDR.storage}/24`, `${ADDR.registry}/24`, `${ADDR.firewall}/24`],
      clientRoutes: ['198.51.100.0/24'],
      serviceResolvConf: `nameserver ${ADDR.dns}\n`,
    });
    const svc = pair.service;
    const dnsmasq = pair.spawnDaemon('dnsmasq', svc, findProgram('dnsmasq') ?? 'dnsmasq', ['--keep-in-foreground', '--log-facility=-', `--conf-file=${join(dir, 'dnsmasq.conf')}`]);
    const nginx = pair.spawnDaemon('nginx', svc, findProgram('nginx') ?? 'nginx', ['-p', dir, '-e', 'stderr', '-c', join(dir, 'nginx.conf')]);
    const squid = pair.spawnDaemon('squid', svc, findProgram('squid') ?? 'squid', ['-N', '-f', join(dir, 'squid.conf')]);
    await pair.waitForListener(svc, 'udp', ADDR.dns, 53, dnsmasq);
    await pair.waitForListener(svc, 'tcp', ADDR.storage, 80, nginx);
    await pair.waitForListener(svc, 'tcp', ADDR.proxy, 3128, squid);
  });
  after(async () => {
    await pair?.destroy();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('resource firewalls fail with the service, code and request id; the same services\' auth challenges pass', async () => {
    const targets = [HOSTS.storage, HOSTS.vault, HOSTS.vaultAuth, HOSTS.registry, HOSTS.registryAuth].map((h) => `http://${h}/`);
    const byHost = new Map((await results(['check', ...targets, '--timeout', '3s'])).map((r) => [r.label, r]));
    const http = (host: string): LayerResult & { data: HttpData } => layer(byHost.get(`http://${host}/`) as EndpointResult, 'http') as LayerResult & { data: HttpData };

    const storage = http(HOSTS.storage);
    assert.equal(storage.reason, 'service_firewall_denied', JSON.stringify(storage));
    assert.deepEqual({ ...storage.data.denial, message: undefined }, { by: 'Azure Storage', code: 'AuthorizationFailure', requestId: REQUEST_ID, message: undefined });
    assert.match(storage.detail ?? '', new RegExp(`public address ${ADDR.storage.replace(/\./g, '\\.')}: the name does not resolve to a private endpoint`));

    const vault = http(HOSTS.vault);
    assert.equal(vault.reason, 'service_firewall_denied', JSON.stringify(vault));
    assert.equal(vault.data.denial?.code, 'ForbiddenByFirewall');
    assert.match(vault.detail ?? '', /private address 10\.61\.0\.10, yet it refused/);

    const registry = http(HOSTS.registry);
    assert.equal(registry.reason, 'service_firewall_denied', JSON.stringify(registry));
    assert.match(registry.data.denial?.message ?? '', /^client with IP '10\.61\.0\.2' is not allowed access/);

    for (const host of [HOSTS.vaultAuth, HOSTS.registryAuth]) {
      const challenge = http(host);
      assert.equal(challenge.status, 'pass', JSON.stringify(challenge));
      assert.equal(challenge.data.status, 401);
    }
  });

  it('Azure Firewall\'s 470 is firewall_denied, quoting its body and naming the FQDN to allow', async () => {
    const [result] = await results(['check', `http://${HOSTS.firewalled}/simple/`, '--timeout', '3s']);
    assert.ok(result);
    const http = layer(result, 'http') as LayerResult & { data: HttpData };
    assert.equal(http.reason, 'firewall_denied', JSON.stringify(http));
    assert.match(http.detail ?? '', /Action: Deny\. Reason: No rule matched\./);
    assert.match(http.detail ?? '', /application rule allowing http:80 to the FQDN pypi\.org/);
  });

  it('squid: ERR_ACCESS_DENIED is proxy_denied; ERR_CANNOT_FORWARD and ERR_CONNECT_FAIL are proxy_target_failed', async () => {
    const targets = ['https://x.denied.example.test/', 'https://nosuch.example.test/', `https://${ADDR.vault}:9/`];
    const got = (await results(['check', ...targets, '--proxy', `http://${ADDR.proxy}:3128`, '--timeout', '8s'])).map((r) => {
      const tcp = layer(r, 'tcp') as LayerResult & { data: ConnectData };
      return [r.label, tcp.reason, tcp.data.proxyError];
    });
    assert.deepEqual(got, [
      [targets[0], 'proxy_denied', 'ERR_ACCESS_DENIED'],
      [targets[1], 'proxy_target_failed', 'ERR_CANNOT_FORWARD'],
      [targets[2], 'proxy_target_failed', 'ERR_CONNECT_FAIL'],
    ]);
  });

  it('through squid to a storage account that refuses: the tunnel works, the resource firewall is named', async () => {
    const [result] = await results(['check', `http://${HOSTS.storage}/`, '--proxy', `http://${ADDR.proxy}:3128`, '--timeout', '5s']);
    assert.ok(result);
    assert.equal(layer(result, 'tcp').reason, 'ok');
    assert.equal(layer(result, 'http').reason, 'service_firewall_denied', JSON.stringify(result.checks));
  });
});
