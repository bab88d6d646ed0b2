// The planted-secret test (issue 11, items 4 and 5): real hostile peers on loopback (an echoing
// proxy refusing with 407/403/502, a web server whose headers carry a bearer token, a SAS
// signature and a storage key, a certificate and a CNAME target with ESC/BEL/bidi bytes) probed by
// the real CLI in every --format and by `amlprobe serve` on every endpoint. No output may show a
// planted secret (plain or base64) or a raw control character; the evidence must still be there.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RUN_FORMATS } from '../src/report/formats.js';
import type { DnsData } from '../src/model/evidence.js';
import type { Report } from '../src/model/report.js';
import { describeRun, parseJsonOutput, runCli } from './helpers/cli.js';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.js';
import {
  HOSTILE, PLANTED_SECRETS, PLANTED_SIG, PROXY_PASSWORD, PROXY_USER, RAW_CONTROL,
  hostileCertificate, hostileZone, startEchoProxy, startEchoWeb, type HostileServer,
} from './helpers/hostile-peers.js';
import { startTlsServer, type TlsListener } from './helpers/listeners.js';
import { startServe, writeConfig, waitFor, type ServeProcess } from './helpers/serve-process.js';

let dns: TestDnsServer;
let proxy: HostileServer;
let web: HostileServer;
let tls: TlsListener;
let cliConfig: ReturnType<typeof writeConfig>;

before(async () => {
  dns = await startDnsServer(hostileZone());
  proxy = await startEchoProxy();
  web = await startEchoWeb();
  tls = await startTlsServer(await hostileCertificate());
  cliConfig = writeConfig(configYaml(false));
});
after(async () => {
  cliConfig.remove();
  await Promise.all([dns.close(), proxy.close(), web.close(), tls.close()]);
});

const proxyUrl = (): string => `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`;

/** Every hostile target by id: direct ones (no_proxy) and the three the proxy refuses. */
function targets(): Record<string, string> {
  return {
    cname: `http://${HOSTILE.cname}:${web.port}/`,
    headers: `http://${HOSTILE.web}:${web.port}/`,
    'sas-url': `http://${HOSTILE.web}:${web.port}/c/b?sv=2022-11-02&sig=${PLANTED_SIG}`,
    'raw-escape': `http://${HOSTILE.web}:${web.port}/esc`,
    websocket: `ws://${HOSTILE.web}:${web.port}/ws`,
    certificate: `tls://${HOSTILE.tls}:${tls.port}`,
    proxy407: `https://${HOSTILE.proxied407}/`,
    proxy403: `https://${HOSTILE.proxied403}/`,
    proxy502: `https://${HOSTILE.proxied502}/`,
  };
}

const NO_PROXY = [HOSTILE.cname, HOSTILE.web, HOSTILE.tls].join(',');

/** Fails when `text` shows a planted secret or a raw control character; `what` names the output. */
function assertClean(text: string, what: string): void {
  for (const secret of PLANTED_SECRETS) assert.ok(!text.includes(secret), `${what} shows the planted secret ${secret}`);
  const raw = RAW_CONTROL.exec(text);
  assert.equal(raw, null, `${what} has a raw control character U+${raw?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, (raw?.index ?? 0) - 40), (raw?.index ?? 0) + 20))}`);
}

/** Every string in a parsed JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** JSON escapes raw controls as \u001b, so a JSON text is checked value by value as well. */
function assertCleanJson(value: unknown, what: string): void {
  for (const text of strings(value)) assertClean(text, what);
}

/** The evidence survived cleaning: reasons, the CNAME target shown with visible escapes, redaction markers. */
function assertEvidence(report: Report): void {
  const byId = new Map(report.results.map((r) => [r.id, r]));
  assert.equal(byId.get('proxy407')?.reason, 'proxy_auth_required');
  assert.equal(byId.get('proxy403')?.reason, 'proxy_denied');
  assert.equal(byId.get('proxy502')?.reason, 'proxy_target_failed');
  assert.equal(byId.get('certificate')?.reason, 'tls_untrusted');
  const dnsData = byId.get('cname')?.checks.find((c) => c.layer === 'dns')?.data as DnsData;
  const chain = dnsData.direct?.[0]?.cname.map((r) => r.data) ?? [];
  assert.deepEqual(chain, ['evil\\x1b]0;pwned\\x07\\u202e.hostile.test'], 'the CNAME target shows its bytes as visible escapes');
  const text = JSON.stringify(report);
  assert.match(text, /\[REDACTED\]/);
  assert.match(text, /Decoded credentials: \[REDACTED\]/, 'the proxy page is quoted, its credentials removed');
}

/** A config with every hostile target under its id; proxied rows name the echo proxy themselves when `ownProxy`. */
function configYaml(ownProxy: boolean): string {
  const rows = Object.entries(targets()).map(([id, target]) =>
    `  - id: ${id}\n    target: ${target}\n${ownProxy && id.startsWith('proxy') ? `    proxy: ${proxyUrl()}\n` : ''}`);
  return `version: 1\nsettings:\n  timeout: 3s\n  systemResolver: false\n  dnsServers: ["${dns.server}"]\nendpoints:\n${rows.join('')}`;
}


/** A run of the hostile config through --proxy (the direct rows exempted by no_proxy). */
function probeArgs(): string[] {
  return ['run', '--config', cliConfig.path, '--no-system-resolver', '--proxy', proxyUrl()];
}

describe('planted secrets and escapes never reach an output', () => {
  for (const format of RUN_FORMATS) {
    it(`--format ${format}`, async () => {
      const run = await runCli([...probeArgs(), '--format', format], { env: { no_proxy: NO_PROXY }, killAfterMs: 30_000 });
      assert.equal(run.code, 1, describeRun(run));
      assertClean(run.stdout, `--format ${format}`);
      assertClean(run.stderr, `stderr of --format ${format}`);
      if (format === 'json') {
        const report = parseJsonOutput<Report>(run);
        assertCleanJson(report, 'the JSON report');
        assertEvidence(report);
      }
    });
  }

  it('diff of reports holding raw escapes (an older version, a hand edit) prints them visibly', async () => {
    const run = await runCli([...probeArgs(), '--format', 'json'], { env: { no_proxy: NO_PROXY }, killAfterMs: 30_000 });
    const report = parseJsonOutput<Report>(run);
    const dir = await mkdtemp(join(tmpdir(), 'amlprobe-untrusted-diff-'));
    try {
      const old = join(dir, 'old.json');
      const changed = join(dir, 'new.json');
      await writeFile(old, JSON.stringify(report));
      const hostile = structuredClone(report);
      for (const result of hostile.results) {
        result.status = 'fail';
        result.message = `now \x1b]0;pwned\x07 failing, Proxy-Authorization: Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
        const dnsData = result.checks.find((c) => c.layer === 'dns')?.data as DnsData | undefined;
        dnsData?.direct?.[0]?.cname.push({ name: 'x', type: 'CNAME', ttl: 1, data: 'other\x1b[2J\u202e.test' });
      }
      await writeFile(changed, JSON.stringify(hostile));
      for (const format of ['table', 'markdown', 'json']) {
        const diff = await runCli(['diff', old, changed, '--format', format], { offline: true });
        assert.ok(diff.code === 0 || diff.code === 1, describeRun(diff));
        assertClean(diff.stdout, `diff --format ${format}`);
        if (format === 'json') assertCleanJson(JSON.parse(diff.stdout), 'diff --format json');
        else assert.match(diff.stdout, /\\x1b/, `diff --format ${format} shows the escape visibly`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('serve: planted secrets and escapes never reach an endpoint', () => {
  let serve: ServeProcess;
  let config: ReturnType<typeof writeConfig>;
  before(async () => {
    config = writeConfig(configYaml(true));
    serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '60s']);
  });
  after(async () => {
    await serve.stop();
    config.remove();
  });

  const get = async (path: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(`${serve.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  };

  it('/report.json, /report.html, /metrics, /healthz and the log', async () => {
    const json = await waitFor('the first run', async () => {
      const answer = await get('/report.json');
      return answer.status === 200 ? answer.body : undefined;
    }, 20_000);
    assertClean(json, '/report.json');
    const report = JSON.parse(json) as Report;
    assertCleanJson(report, '/report.json');
    assertEvidence(report);
    for (const path of ['/report.html', '/metrics', '/healthz']) {
      const answer = await get(path);
      assert.ok(answer.status === 200 || answer.status === 503, `${path}: ${answer.status}`);
      assertClean(answer.body, path);
    }
    assertClean(serve.stderr(), 'the serve log');
  });
});
