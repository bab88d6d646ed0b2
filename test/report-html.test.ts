// The HTML report as a person sees it: a REAL run of the CLI against loopback servers (a pass, an
// intercepted certificate whose CA subject carries a <script>, a refused port, a silent UDP port, a
// name nobody knows, catalog rows that need input) written with --format html, then opened in
// headless Chromium. The grid must match the embedded JSON report, filters and row details must
// work, no hostile string may run, and the page may make no request. Chromium is required: the
// suite fails (it does not skip) when /usr/bin/chromium is missing.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cellText } from '../src/report/cell-text.js';
import { renderHtml } from '../src/report/html.js';
import { columnOf, type LayerColumn } from '../src/report/layer-columns.js';
import { layersOf } from '../src/checks/kinds.js';
import type { Status } from '../src/model/reason.js';
import type { EndpointResult } from '../src/model/result.js';
import type { Report } from '../src/model/report.js';
import { REPO_ROOT, describeRun, dnsFlags, runCli } from './helpers/cli.js';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.js';
import { startHttpServer, type TestServer } from './helpers/http-servers.js';
import { closedTcpPort, startTlsServer, startUdpServer, type Listener } from './helpers/listeners.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';
import { sampleReport } from './helpers/report-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOT = join(REPO_ROOT, 'test-artifacts', 'report.png');

// Hostile strings: a header value and a CA subject (the leaf's issuer, the chain's second subject).
const HEADER_ATTACK = '<script>window.__pwned="header"</script><img src=x onerror="window.__pwned=1">';
const CA_ATTACK = '<script>window.__pwned="cert"</script> Evil Firewall CA';

/** One grid cell as the page shows it. */
interface ShownCell {
  col: string;
  cls: string;
  text: string;
}

/** The cells the terminal matrix would show for a result: same text (cellText), same cascade rules. */
function expectedCells(result: EndpointResult): Map<LayerColumn, { status: Status; text: string }> {
  const cells = new Map<LayerColumn, { status: Status; text: string }>();
  for (const layer of layersOf(result.protocol)) cells.set(columnOf(layer), { status: 'skip', text: '' });
  for (const check of result.checks) cells.set(columnOf(check.layer), { status: check.status, text: cellText(check) });
  if (result.checks.length === 0 && result.reason === 'needs_input') cells.set('dns', { status: 'skip', text: 'needs input' });
  if (result.checks.length === 0 && result.reason === 'informational') cells.set('dns', { status: 'skip', text: 'not probed' });
  return cells;
}

/** The little of the DOM these checks read (the project compiles without the DOM library). */
interface DomNode {
  hidden: boolean;
  className: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
}

/** The rows the page shows (visible or not), by their index into report.results. */
async function shownRows(page: Page): Promise<{ index: number; status: string; hidden: boolean; cells: ShownCell[] }[]> {
  return page.$$eval('tr.row', (elements) =>
    (elements as unknown as DomNode[]).map((row) => ({
      index: Number(row.getAttribute('data-index')),
      status: row.getAttribute('data-status') ?? '',
      hidden: row.hidden,
      cells: Array.from(row.querySelectorAll('td.cell')).map((td) => ({
        col: td.getAttribute('data-col') ?? '',
        cls: td.className,
        text: td.textContent ?? '',
      })),
    })),
  );
}

describe('html report in a browser', () => {
  let dir: string;
  let dns: TestDnsServer;
  let trusted: TestCa;
  let evil: TestCa;
  let web: TestServer;
  let intercepted: Listener;
  let silentUdp: Listener;
  let browser: Browser | undefined;
  let report: Report;
  let html: string;
  let page: Page;
  const requests: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: the HTML report test needs headless Chromium (Debian: apt-get install -y chromium)`,
    );
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-html-'));
    trusted = await createTestCa('amlprobe HTML Test CA');
    evil = await createTestCa(CA_ATTACK);
    web = await startHttpServer((_req, res) => {
      res.writeHead(200, { server: HEADER_ATTACK, via: '1.1 proxy.test' });
      res.end('ok');
    }, await trusted.issue({ names: ['ok.test'] }));
    const evilLeaf = await evil.issue({ names: ['evil.test'] });
    intercepted = await startTlsServer({ ...evilLeaf, chain: [evil.caCert] });
    silentUdp = await startUdpServer('silent');
    const closed = await closedTcpPort();
    const local = { kind: 'records' as const, a: ['127.0.0.1'] };
    dns = await startDnsServer({ 'ok.test': local, 'evil.test': local, 'closed.test': local, 'quiet.test': local });
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, trusted.caCert);
    const config = join(dir, 'amlprobe.yaml');
    await writeFile(
      config,
      [
        'version: 1',
        'endpoints:',
        `  - { target: "https://ok.test:${web.port}/", id: web-ok, purpose: "HTTPS through a proxy" }`,
        `  - { target: "tls://evil.test:${intercepted.port}", id: intercepted, remediation: "Exempt evil.test from TLS inspection <b>now</b>" }`,
        `  - { target: "tcp://closed.test:${closed}", id: refused, remediation: "Allow TCP ${closed} to closed.test" }`,
        `  - { target: "udp://quiet.test:${silentUdp.port}", id: quiet-udp, required: false }`,
        `  - { target: "dns://missing.test", id: no-such-name }`,
        '',
      ].join('\n'),
    );
    const out = join(dir, 'report.html');
    // docker-images without --container-registry: its acr rows are skipped (needs input); its other
    // rows ask only the loopback DNS server, which knows no Microsoft name (NXDOMAIN).
    const run = await runCli([
      'run',
      '--config', config,
      '--scenario', 'docker-images',
      ...dnsFlags(dns),
      '--ca-file', caFile,
      '--timeout', '800ms',
      '--format', 'html',
      '--output', out,
    ]);
    assert.equal(run.code, 1, describeRun(run));
    html = await readFile(out, 'utf8');
    const data = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)?.[1];
    assert.ok(data !== undefined, 'no embedded JSON report');
    report = JSON.parse(data) as Report;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(out).href);
  });

  after(async () => {
    await browser?.close();
    await Promise.all([dns?.close(), web?.close(), intercepted?.close(), silentUdp?.close(), trusted?.cleanup(), evil?.cleanup()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('the run has every status, and the page is one file with no external reference', () => {
    const statuses = new Set(report.results.map((r) => r.status));
    assert.deepEqual([...statuses].sort(), ['fail', 'pass', 'skip', 'warn'], 'the run should mix every status');
    assert.doesNotMatch(html, /<(link|img|iframe|object|embed)\b/i, 'no linked resource');
    // A cited document is a link the reader may follow (<a href>, never fetched by the page); nothing else names a URL.
    assert.doesNotMatch(html.replace(/<a href="https:\/\/[^"]*" rel="noopener noreferrer" target="_blank">/g, '<a>'), /\b(src|href)\s*=\s*["']?(https?:)?\/\//i, 'no external URL in an attribute');
    assert.equal((html.match(/<script\b/g) ?? []).length, 2, 'only the JSON block and the page script');
  });

  it('shows one row per result whose cells match the JSON report', async () => {
    const rows = await shownRows(page);
    assert.equal(rows.length, report.results.length);
    assert.deepEqual(rows.map((r) => r.index).sort((a, b) => a - b), report.results.map((_, i) => i));
    for (const row of rows) {
      const result = report.results[row.index]!;
      assert.equal(row.status, result.status, `row ${result.id}`);
      const expected = expectedCells(result);
      for (const cell of row.cells) {
        const want = expected.get(cell.col as LayerColumn);
        if (want === undefined) {
          assert.match(cell.cls, /\bnone\b/, `${result.id} ${cell.col}: a layer the protocol lacks`);
          continue;
        }
        assert.match(cell.cls, new RegExp(`\\b${want.status}\\b`), `${result.id} ${cell.col}: status class`);
        assert.equal(cell.text, want.text, `${result.id} ${cell.col}: text`);
      }
      assert.equal(row.cells.filter((c) => !/\bnone\b/.test(c.cls)).length, expected.size, `${result.id}: cells`);
    }
  });

  it('shows each verdict where a firewall admin expects it', async () => {
    const cell = (id: string, col: string): Promise<{ cls: string; text: string }> =>
      page.$eval(`tr.row[data-id="${id}"] td[data-col="${col}"]`, (td) => ({ cls: td.className, text: td.textContent ?? '' }));
    const table: { id: string; col: string; status: Status; text: RegExp }[] = [
      { id: 'web-ok', col: 'app', status: 'pass', text: /^200$/ },
      { id: 'web-ok', col: 'dns', status: 'pass', text: /^127\.0\.0\.1 \(loopback\)$/ },
      { id: 'intercepted', col: 'tls', status: 'fail', text: /^untrusted \(<script>window\.__pwned="cert"</ },
      { id: 'refused', col: 'connect', status: 'fail', text: /^refused$/ },
      { id: 'quiet-udp', col: 'connect', status: 'warn', text: /^no reply$/ },
      { id: 'no-such-name', col: 'dns', status: 'fail', text: /^NXDOMAIN$/ },
      { id: 'acr', col: 'dns', status: 'skip', text: /^needs input$/ },
    ];
    for (const want of table) {
      const got = await cell(want.id, want.col);
      assert.match(got.cls, new RegExp(`\\b${want.status}\\b`), `${want.id} ${want.col}: ${got.cls}`);
      assert.match(got.text, want.text, `${want.id} ${want.col}`);
    }
    const counts = await page.$eval('#summary', (el) => el.textContent ?? '');
    const s = report.summary;
    assert.equal(counts, `${s.total}endpoints${s.fail}fail${s.warn}warn${s.skip}skip${s.pass}pass`);
    assert.match(await page.$eval('#missing', (el) => el.textContent ?? ''), /--container-registry NAME/);
  });

  it('filters rows by status and by scenario', async () => {
    const visible = async (): Promise<{ status: string; id: string }[]> =>
      page.$$eval('tr.row:not([hidden])', (rows) => rows.map((r) => ({ status: r.getAttribute('data-status') ?? '', id: r.getAttribute('data-id') ?? '' })));
    const all = (await visible()).length;
    assert.equal(all, report.results.length);
    await page.uncheck('input[data-filter="status"][value="fail"]');
    let shown = await visible();
    assert.ok(shown.length > 0 && shown.every((r) => r.status !== 'fail'), 'failing rows hidden');
    assert.equal(shown.length, report.results.filter((r) => r.status !== 'fail').length);
    await page.uncheck('input[data-filter="status"][value="pass"]');
    shown = await visible();
    assert.ok(shown.every((r) => r.status === 'warn' || r.status === 'skip'), 'passing rows hidden too');
    await page.check('input[data-filter="status"][value="fail"]');
    await page.check('input[data-filter="status"][value="pass"]');
    assert.equal((await visible()).length, all);
    // Only the catalog scenario: the config's own endpoints (no scenario) disappear.
    await page.uncheck('input[data-filter="scenario"][value="(none)"]');
    shown = await visible();
    const docker = report.results.filter((r) => (r.meta?.scenario ?? '').includes('docker-images')).map((r) => r.id);
    assert.deepEqual(shown.map((r) => r.id).sort(), [...docker].sort());
    await page.check('input[data-filter="scenario"][value="(none)"]');
    assert.equal((await visible()).length, all);
  });

  it('opens a row on click with its evidence and fix, hostile text shown as text', async () => {
    const detail = page.locator('#d' + report.results.findIndex((r) => r.id === 'intercepted'));
    assert.equal(await detail.isVisible(), false, 'closed at first');
    await page.click('tr.row[data-id="intercepted"]');
    assert.equal(await detail.isVisible(), true, 'open after a click');
    const text = (await detail.textContent()) ?? '';
    const tls = report.results.find((r) => r.id === 'intercepted')!.checks.find((c) => c.layer === 'tls')!;
    const leaf = (tls.data as { chain: { fingerprint256: string; subjectAltNames: string[] }[] }).chain[0]!;
    assert.ok(text.includes(leaf.fingerprint256), 'fingerprint shown');
    assert.ok(text.includes('DNS:evil.test'), 'SANs shown');
    assert.ok(text.includes(CA_ATTACK), 'the hostile CA subject is shown verbatim, as text');
    assert.ok(text.includes('Exempt evil.test from TLS inspection <b>now</b>'), 'the rule to add, as text');

    await page.click('tr.row[data-id="web-ok"]');
    const web = (await page.locator('#d' + report.results.findIndex((r) => r.id === 'web-ok')).textContent()) ?? '';
    assert.ok(web.includes(HEADER_ATTACK), 'the hostile header is shown verbatim, as text');
    assert.ok(/127\.0\.0\.1loopback/.test(web), 'address with its kind: loopback, private or public');

    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned), undefined, 'no injected script ran');
    assert.equal(await page.locator('script').count(), 2, 'no script element was injected');
    assert.equal(await page.locator('img').count(), 0, 'no element was injected');
    await page.click('tr.row[data-id="intercepted"]');
    assert.equal(await detail.isVisible(), false, 'a second click closes it');
  });

  it('makes no request besides loading the file, and saves a screenshot', async () => {
    // The picture a reader gets: every row, one failure opened.
    await page.click('#expand-problems');
    assert.equal(await page.locator('tr.detail:not([hidden])').count(), report.results.filter((r) => r.status !== 'pass').length);
    await page.click('#collapse');
    await page.click('tr.row[data-id="intercepted"]');
    await mkdir(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const page0 = requests[0];
    assert.ok(page0?.startsWith('file://'), `first request is the file: ${page0}`);
    assert.deepEqual(requests.slice(1), [], 'the page made requests');
  });
});

describe('html report header', () => {
  it('says where each workspace value came from, as the table and markdown reports do', () => {
    const report: Report = {
      ...sampleReport(),
      workspace: { profile: { cloud: 'public', region: 'eastus', workspaceName: 'ml-<b>' }, origin: { region: 'imds', workspaceName: 'flag', cloud: 'default' } },
    };
    const html = renderHtml(report);
    const sources = /<div class="profile" id="sources">(.*?)<\/div>/.exec(html)?.[1];
    assert.equal(sources, '<strong>Sources:</strong> flags workspaceName; IMDS region; default cloud');
    assert.match(html, /ml-&lt;b&gt;/, 'profile values are escaped');
    assert.doesNotMatch(renderHtml(sampleReport()), /id="sources"/, 'no workspace, no line');
  });
});
