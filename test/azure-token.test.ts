// Access tokens: where they come from (AMLPROBE_TOKEN, the token file, DefaultAzureCredential through
// a loopback managed-identity fake), that --token is refused without echoing it, that the identity
// library is not loaded unless a token is needed, and that a planted token appears in no output
// format nor on stderr, even when the server echoes it back.

import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REDACTED, forgetSecrets, redact, rememberSecret } from '../src/untrusted/redact.js';
import { createTokenProvider, tokenScope } from '../src/azure/token-source.js';
import { isUsageError } from '../src/errors.js';
import { RUN_FORMATS } from '../src/report/render.js';
import { REGISTRY_GUID, documentedAnswer, sendJson, startDiscoveryFake, startPlainFake } from './helpers/azure-fakes.js';
import type { DiscoveryFake } from './helpers/azure-fakes.js';
import { runCli } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer } from './helpers/dns-server.js';

const dir = mkdtempSync(join(tmpdir(), 'amlprobe-token-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('token sources', () => {
  it('AMLPROBE_TOKEN wins over the token file', async () => {
    const provider = createTokenProvider({ cloud: 'public', env: { AMLPROBE_TOKEN: 'from-env-token-123', AMLPROBE_TOKEN_FILE: file('a', 'from-file-token-1\n') } });
    assert.deepEqual(await provider(), { ok: true, token: 'from-env-token-123', origin: 'AMLPROBE_TOKEN' });
  });

  it('--token-file wins over AMLPROBE_TOKEN_FILE; surrounding whitespace is trimmed', async () => {
    const provider = createTokenProvider({ cloud: 'public', tokenFile: file('b', '  flag-file-token-1\n'), env: { AMLPROBE_TOKEN_FILE: file('c', 'env-file-token-1') } });
    assert.deepEqual(await provider(), { ok: true, token: 'flag-file-token-1', origin: '--token-file' });
  });

  const bad: { case: string; path: string; where: string; message: RegExp }[] = [
    { case: 'missing file', path: join(dir, 'nope'), where: '--token-file', message: /cannot read the token file .*ENOENT/ },
    { case: 'empty file', path: file('empty', '\n'), where: '--token-file', message: /is empty/ },
    { case: 'two words', path: file('two', 'secret-one secret-two'), where: '--token-file', message: /more than one word/ },
  ];
  for (const c of bad) {
    it(`usage error: ${c.case}`, () => {
      assert.throws(
        () => createTokenProvider({ cloud: 'public', tokenFile: c.path, env: {} }),
        (error: unknown) => isUsageError(error) && error.where === c.where && c.message.test(error.message) && !/secret-one/.test(error.message),
      );
    });
  }

  it('scope is Azure Resource Manager of the cloud (seed 001: az account get-access-token)', () => {
    assert.equal(tokenScope('public'), 'https://management.azure.com/.default');
    assert.equal(tokenScope('china'), 'https://management.chinacloudapi.cn/.default');
    assert.equal(tokenScope('usgov'), 'https://management.usgovcloudapi.net/.default');
  });

  it('redact removes remembered secrets, JWTs and bearer values', () => {
    forgetSecrets();
    rememberSecret('plain-secret-value-42');
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcm0ifQ.c2lnbmF0dXJl';
    const out = redact(`x plain-secret-value-42 y ${jwt} Authorization: Bearer abc.def-ghi z`);
    assert.ok(!out.includes('plain-secret-value-42') && !out.includes(jwt) && !out.includes('abc.def-ghi'), out);
    assert.equal(out.split(REDACTED).length - 1, 3);
    forgetSecrets();
  });
});

describe('--token on the command line', () => {
  for (const args of [['run', '--token', 'cmdline-secret-9'], ['--token=cmdline-secret-9', 'check', 'x:1'], ['healthcheck', '--token']]) {
    it(`refused: ${args.join(' ')}`, async () => {
      const run = await runCli(args, { offline: true });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--token: a token is never accepted on the command line.*AMLPROBE_TOKEN_FILE.*az login/);
      assert.ok(!run.stderr.includes('cmdline-secret-9') && !run.stdout.includes('cmdline-secret-9'));
    });
  }
});

describe('lazy loading of @azure/identity', () => {
  // A loader hook that fails any import of the identity library, so a load is visible.
  const hooks = file('hooks.mjs', "export async function resolve(s, c, next) { if (s === '@azure/identity' || s.startsWith('@azure/identity/')) throw new Error('IDENTITY-LOADED'); return next(s, c); }\n");
  const register = file('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
  const env = { NODE_OPTIONS: `--import ${register}` };

  it('--version does not load it', async () => {
    const run = await runCli(['--version'], { offline: true, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\d+\.\d+\.\d+/);
  });

  it('a run that needs a token does (control: the hook works)', async (t) => {
    const dns = await startDnsServer({});
    t.after(() => dns.close());
    const run = await runCli(['run', '--registry', 'reg1@eastus', '--scenario', 'registry-private', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '300ms', '--format', 'json'], { env });
    const report = JSON.parse(run.stdout) as { results: { id: string; reason: string; message: string }[] };
    const row = report.results.find((r) => r.id === 'registry-discovery-auth-reg1');
    assert.equal(row?.reason, 'discovery_no_token');
    assert.match(row?.message ?? '', /IDENTITY-LOADED/);
  });
});

const MI_TOKEN = 'managed-identity-token-0123456789';
const PLANTED = 'planted-token-7f3a9c1e5b2d';

describe('tokens over the network (loopback fakes)', () => {
  let discovery: DiscoveryFake;
  let dns: TestDnsServer;
  before(async () => {
    discovery = await startDiscoveryFake((req, res) => {
      const auth = req.headers.authorization ?? '';
      const name = /\/registries\/([^/]+)\/discovery$/.exec(req.url ?? '')?.[1] ?? '';
      const echo = (res2: ServerResponse, status: number, body: string): void => {
        // A hostile or debugging server reflecting the request's credentials everywhere it can.
        res2.writeHead(status, { 'content-type': 'text/plain', 'x-echo': auth, 'www-authenticate': `Bearer error="invalid_token" ${auth}` });
        res2.end(body);
      };
      if (name === 'echo401') return echo(res, 401, `denied ${auth}`);
      if (name === 'echo500') return echo(res, 500, `internal error \x1b]0;pwned\x07 while checking ${auth}`);
      if (name === 'echo200') return echo(res, 200, `{"registryFqdns": "${auth}"`);
      if (auth !== `Bearer ${MI_TOKEN}`) return sendJson(res, 401, {});
      sendJson(res, 200, documentedAnswer(name));
    });
    dns = await startDnsServer({});
  });
  after(async () => {
    await discovery.close();
    await dns.close();
  });

  it('DefaultAzureCredential gets a token from a managed-identity endpoint (IDENTITY_ENDPOINT/IDENTITY_HEADER)', async (t) => {
    const identity = await startPlainFake((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.headers['x-identity-header'] !== 'fake-identity-header') return sendJson(res, 401, { error: 'bad header' });
      sendJson(res, 200, { access_token: MI_TOKEN, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: url.searchParams.get('resource'), token_type: 'Bearer' });
    });
    t.after(() => identity.close());
    const run = await runCli(
      ['run', '--registry', 'mireg@eastus', '--scenario', 'registry-private', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '300ms', '--format', 'json', '--ca-file', discovery.caFile],
      {
        env: {
          AMLPROBE_DISCOVERY_URL: discovery.url,
          // Documented by @azure/identity: limit the chain to managed identity, found through the App Service variables.
          AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
          IDENTITY_ENDPOINT: `${identity.url}/msi/token`,
          IDENTITY_HEADER: 'fake-identity-header',
        },
      },
    );
    const report = JSON.parse(run.stdout) as { results: { id: string; reason: string; message: string }[]; workspace: { profile: { registries: { id?: string }[] } } };
    const row = report.results.find((r) => r.id === 'registry-discovery-auth-mireg');
    assert.equal(row?.reason, 'ok', `${row?.message ?? ''} ${run.stderr}`);
    assert.equal(report.workspace.profile.registries[0]?.id, REGISTRY_GUID);
    const asked = new URL(identity.requests[0]?.url ?? '/', 'http://x');
    assert.equal(asked.searchParams.get('resource'), 'https://management.azure.com');
    assert.ok(!run.stdout.includes(MI_TOKEN) && !run.stderr.includes(MI_TOKEN));
  });

  it(`a planted token appears in no format (${RUN_FORMATS.join(', ')}) nor on stderr`, async () => {
    const args = ['run', '--registry', 'echo401@eastus,echo500@eastus,echo200@eastus', '--scenario', 'registry-private', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '300ms', '--ca-file', discovery.caFile];
    const env = { AMLPROBE_DISCOVERY_URL: discovery.url, AMLPROBE_TOKEN: PLANTED };
    const runs = await Promise.all(RUN_FORMATS.map((format) => runCli([...args, '--format', format], { env, killAfterMs: 60_000 })));
    const sent = discovery.requests.length;
    runs.forEach((run, i) => {
      const format = RUN_FORMATS[i];
      // The runs did send the token and meet the echoes: otherwise this test proves nothing.
      assert.match(run.stdout, /echo401/, `${format}: exit ${String(run.code)} after ${run.ms} ms: ${run.stderr}`);
      assert.ok(!run.stdout.includes(PLANTED), `${format} output contains the token`);
      assert.ok(!run.stderr.includes(PLANTED), `${format} stderr contains the token`);
      // The discovery answer is quoted (a row made without a probe): its ESC and BEL show as escapes.
      assert.ok(!/[\x07\x1b]|\\u001b/.test(run.stdout), `${format} output has a raw or JSON-escaped ESC/BEL`);
    });
    assert.ok(sent >= RUN_FORMATS.length * 3, `${sent} discovery requests`);
    assert.ok(discovery.requests.some((r) => r.headers.authorization === `Bearer ${PLANTED}`));
    const json = JSON.parse(runs[RUN_FORMATS.indexOf('json')]?.stdout ?? '{}') as { results: { id: string; reason: string }[] };
    const reasons = Object.fromEntries(json.results.filter((r) => r.id.startsWith('registry-discovery-auth-')).map((r) => [r.id, r.reason]));
    assert.deepEqual(reasons, {
      'registry-discovery-auth-echo401': 'discovery_unauthorized',
      'registry-discovery-auth-echo500': 'http_status',
      'registry-discovery-auth-echo200': 'discovery_malformed',
    });
  });
});
