// The lab's HTML page as a person sees it (issue 16): ONE real `amlprobe lab` run writes JSON, HTML,
// Markdown and the table at once, and headless Chromium opens the page. The banner states the
// lab's own verdict (exit 0: every planted fault caught), not "exit code 1"; "What to fix first"
// lists the report's causes; the lab's explanations are on the page; each failed row's panel draws
// the path it took with the stopping hop marked; sources read as titles with links; and the page
// makes no request. A screenshot is kept in test-artifacts/ (not committed).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Report } from '../src/model/report.js';
import { REPO_ROOT, describeRun, runCli } from './helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(REPO_ROOT, 'test-artifacts', 'lab-report.png');

describe('the lab\'s HTML page in a browser: verdict, causes, explanations, path pictures', { timeout: 120_000 }, () => {
  let dir: string;
  let browser: Browser | undefined;
  let page: Page;
  let report: Report & { lab: { ok: boolean; faults: { title: string; caught: boolean; expectedStatus: 'fail' | 'warn' }[] } };
  /** The planted faults that fail: each is a cause; the warnings (tls_inspected, proxy_private_name) are not. */
  const failing = (): number => report.lab.faults.filter((f) => f.expectedStatus === 'fail').length;
  let files: Record<'html' | 'md' | 'txt', string>;
  const requests: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-lab-html-'));
    const names = ['lab.json', 'lab.html', 'lab.md', 'lab.txt'];
    // offline: the lab asks only its own loopback DNS server and dials only loopback (redirectOnly), never the system resolver.
    const run = await runCli(['lab', '--show-commands', ...names.flatMap((n) => ['--output', join(dir, n)])], { killAfterMs: 90_000, offline: true });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stderr, names.map((n) => `amlprobe: wrote ${join(dir, n)}\n`).join(''));
    report = JSON.parse(await readFile(join(dir, 'lab.json'), 'utf8')) as typeof report;
    files = { html: await readFile(join(dir, 'lab.html'), 'utf8'), md: await readFile(join(dir, 'lab.md'), 'utf8'), txt: await readFile(join(dir, 'lab.txt'), 'utf8') };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'], headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(join(dir, 'lab.html')).href);
  });

  after(async () => {
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('the banner states the lab\'s own verdict (exit 0), and says the failures are planted', async () => {
    assert.equal(report.lab.ok, true);
    const banner = await page.locator('#verdict').innerText();
    assert.match(banner, new RegExp(`^amlprobe lab: All ${report.lab.faults.length} planted faults`));
    assert.match(banner, /^amlprobe lab: All \d+ planted faults were caught with the right reason, .* Exit code 0\.$/);
    assert.equal(await page.locator('#verdict.ok').count(), 1, 'a green banner');
    assert.doesNotMatch(await page.locator('header').innerText(), /exit code 1:|failing: exit code 1/i);
    assert.match(await page.locator('header').innerText(), /lab's planted faults/);
  });

  it('"What to fix first" lists every cause of the JSON report, in its order, before the grid', async () => {
    const causes = report.causes ?? [];
    assert.equal(causes.length, failing(), JSON.stringify(causes, null, 2));
    const items = page.locator('#causes li');
    assert.equal(await items.count(), causes.length);
    for (const [i, cause] of causes.entries()) {
      assert.equal(await items.nth(i).getAttribute('data-cause'), cause.id);
      assert.ok((await items.nth(i).innerText()).includes(cause.summary), cause.summary);
    }
    const order = await Promise.all(['#causes', '#lab', '#grid'].map(async (selector) => (await page.locator(selector).boundingBox())?.y ?? -1));
    const [causesTop = -1, labTop = -1, gridTop = -1] = order;
    assert.ok(causesTop >= 0 && causesTop < labTop && labTop < gridTop, `causes, then the lab, then the grid: ${order.join(', ')}`);
  });

  it('the lab\'s explanations are on the page: each planted fault, caught', async () => {
    const items = page.locator('#lab li');
    assert.equal(await items.count(), report.lab.faults.length);
    for (const [i, fault] of report.lab.faults.entries()) assert.match(await items.nth(i).innerText(), new RegExp(`^✓ caught: ${fault.title}`));
    assert.match(await page.locator('#lab').innerText(), /In Azure: link privatelink\.notebooks\.azure\.net/);
  });

  // Which hop each planted fault stops at, read from the page's SVG.
  const stops: { id: string; role: RegExp; also?: RegExp }[] = [
    { id: 'notebooks:443', role: /resolver/i, also: /198\.51\.100\.7 \(public\)/ },
    { id: 'keyvault:443', role: /resolver/i, also: /NXDOMAIN/ },
    { id: 'graph:443', role: /proxy/i, also: /403 Forbidden/ },
    { id: 'storage-file-smb:445', role: /endpoint/i, also: /10\.1\.0\.\d+ \(private\)/ },
    { id: 'storage-queue:443', role: /endpoint/i, also: /service_firewall_denied/ },
    { id: 'mcr:443', role: /endpoint/i, also: /Contoso Firewall Inspection CA/ },
  ];
  for (const stop of stops) {
    it(`the panel of ${stop.id} draws its path and marks where it stopped`, async () => {
      await page.locator(`tr.row[data-id="${stop.id}"]`).click();
      const panel = page.locator(`tr.row[data-id="${stop.id}"] + tr.detail`);
      assert.equal(await panel.isVisible(), true);
      const svg = panel.locator('svg.path');
      assert.equal(await svg.count(), 1);
      assert.ok(((await svg.boundingBox())?.width ?? 0) > 200, 'the picture is drawn');
      const stopped = svg.locator('g.hop.stop');
      assert.equal(await stopped.count() > 0, true, 'a hop is marked as the one where it stopped');
      const title = await stopped.first().locator('title').textContent();
      assert.match(title ?? '', stop.role);
      assert.match(await svg.locator('title').first().textContent() ?? '', /the path to/i);
      if (stop.also !== undefined) assert.match((await svg.textContent()) ?? '', stop.also);
      const commands = await panel.locator('pre.cmds').innerText();
      const result = report.results.find((r) => r.id === stop.id);
      assert.deepEqual(commands.split('\n'), result?.reproduce);
    });
  }

  it('cites sources by title, linked, never by internal id alone', async () => {
    await page.locator('tr.row[data-id="keyvault:443"]').click();
    const links = page.locator('ul.sources a');
    assert.ok((await links.count()) > 0, 'no linked source');
    for (const link of await links.all()) {
      assert.match((await link.getAttribute('href')) ?? '', /^https:\/\//);
      assert.doesNotMatch(await link.innerText(), /^(fw20\d\d|\d{3}_[0-9a-f]+\.txt)$/);
    }
  });

  it('the four files of the one run agree: the same causes and the same commands', () => {
    for (const cause of report.causes ?? []) {
      assert.ok(files.md.includes(cause.fix.replace(/([|`*[\]<])/g, '\\$1')), `Markdown lacks: ${cause.fix}`);
      assert.ok(files.txt.replace(/\s+/g, ' ').includes(cause.fix), `table lacks: ${cause.fix}`);
    }
    assert.match(files.txt, new RegExp(`^amlprobe lab: .*\\n\\nWhat to fix first \\(${failing()} causes\\):`));
    assert.match(files.md, /## What to fix first/);
    for (const command of report.results.flatMap((r) => r.reproduce ?? [])) {
      assert.ok(files.txt.includes(`$ ${command}`), `table lacks: ${command}`);
      assert.ok(files.md.includes(command), `Markdown lacks: ${command}`);
    }
    const embedded = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(files.html)?.[1] ?? '';
    assert.ok(embedded.includes(report.startedAt), 'the HTML is of the same run');
  });

  it('makes no request, and leaves a screenshot', async () => {
    assert.deepEqual(requests.slice(1), [], 'the page made requests');
    await mkdir(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.ok(existsSync(SCREENSHOT));
  });
});
