// The Markdown report from a real run: the CLI probes loopback servers with --format markdown and
// the ticket text is checked for its structure: the header, one table row per result with the
// layer cells in the right columns, and a "What to fix" entry per failed required endpoint with
// its reason code and remediation. Cell escaping is checked on its own.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { markdownCell, renderMarkdown } from '../src/report/markdown.js';
import { describeRun, dnsFlags, runCli } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer } from './helpers/dns-server.js';
import { startHttpServer } from './helpers/http-servers.js';
import { closedTcpPort, startTcpServer } from './helpers/listeners.js';
import { sampleReport } from './helpers/report-fixture.js';

/** The table rows (not header or separator) of a Markdown report, split into trimmed cells. */
function tableRows(markdown: string): string[][] {
  const lines = markdown.split('\n').filter((l) => l.startsWith('| '));
  assert.equal(lines[0], '| endpoint | DNS | connect | TLS | app | verdict |');
  assert.equal(lines[1], '| --- | --- | --- | --- | --- | --- |');
  // Split on pipes that are not escaped.
  return lines.slice(2).map((l) => l.slice(2, -2).split(/(?<!\\) \| /).map((c) => c.trim()));
}

/** The "What to fix" section, up to the end of the document. */
function fixSection(markdown: string): string {
  const at = markdown.indexOf('\n## What to fix\n');
  assert.ok(at >= 0, markdown);
  return markdown.slice(at);
}

describe('markdown: a real run', () => {
  let dns: TestDnsServer;
  let dir: string;
  let markdown: string;
  const servers: { close(): Promise<void> }[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-md-'));
    dns = await startDnsServer({ 'open.test': { kind: 'records', a: ['127.0.0.1'] } });
    const open = await startTcpServer();
    const web = await startHttpServer((_req, res) => res.end('ok'));
    servers.push(open, web);
    const closed = await closedTcpPort();
    const config = [
      'version: 1',
      'endpoints:',
      `  - { id: open, target: "tcp://open.test:${open.port}" }`,
      `  - { id: web, target: "http://open.test:${web.port}/" }`,
      `  - id: refused`,
      `    target: "tcp://127.0.0.1:${closed}"`,
      `    remediation: "Allow TCP ${closed} | from the \`compute\` subnet"`,
      `  - { id: missing, target: "https://nx.test/", remediation: "Add the A record to the private zone." }`,
      `  - { id: optional-refused, target: "tcp://127.0.0.1:${closed}", required: false, remediation: "Not needed." }`,
    ].join('\n');
    await writeFile(join(dir, 'config.yaml'), `${config}\n`);
    const run = await runCli(['run', '--config', join(dir, 'config.yaml'), ...dnsFlags(dns), '--timeout', '500ms', '--format', 'markdown']);
    assert.equal(run.code, 1, describeRun(run));
    markdown = run.stdout;
  });
  after(async () => {
    for (const s of servers) await s.close();
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts with a header: when, from where, the counts', () => {
    assert.match(markdown, /^# amlprobe report\n/);
    assert.match(markdown, /\n- \*\*When:\*\* \d{4}-\d\d-\d\dT/);
    assert.match(markdown, new RegExp(`\\n- \\*\\*From:\\*\\* .*${dns.server.replace(/[.[\]]/g, '\\$&')}`));
    assert.match(markdown, /\n- \*\*Summary:\*\* 5 endpoints: 2 pass, 3 fail, 0 warn, 0 skip; \*\*2 required failed\*\*/);
  });

  const rows: { id: string; dns: RegExp; connect: RegExp; tls: RegExp; app: RegExp; verdict: RegExp }[] = [
    { id: 'open \\(tcp://open\\.test:\\d+\\)', dns: /^✓ 127\.0\.0\.1/, connect: /^✓ \d+ ms$/, tls: /^$/, app: /^$/, verdict: /^✓ pass `ok`$/ },
    { id: 'web \\(http://open\\.test:\\d+/\\)', dns: /^✓ 127\.0\.0\.1/, connect: /^✓/, tls: /^$/, app: /^✓ 200$/, verdict: /^✓ pass/ },
    { id: 'refused \\(tcp://127\\.0\\.0\\.1:\\d+\\)', dns: /^✓/, connect: /^✗ refused$/, tls: /^$/, app: /^$/, verdict: /^✗ fail `tcp_refused`$/ },
    { id: 'missing \\(https://nx\\.test:443/\\)', dns: /^✗ NXDOMAIN$/, connect: /^–$/, tls: /^–$/, app: /^–$/, verdict: /^✗ fail `nxdomain`$/ },
    { id: 'optional-refused \\(tcp://127\\.0\\.0\\.1:\\d+\\) \\(optional\\)', dns: /^✓/, connect: /^✗ refused$/, tls: /^$/, app: /^$/, verdict: /^✗ fail `tcp_refused`$/ },
  ];
  it('has one table row per result, cells in their columns', () => {
    const table = tableRows(markdown);
    assert.equal(table.length, rows.length, markdown);
    for (const expected of rows) {
      const found = table.find((cells) => new RegExp(`^${expected.id}$`).test(cells[0] ?? ''));
      assert.ok(found, `no row for ${expected.id}:\n${markdown}`);
      assert.equal(found.length, 6, `row ${expected.id}: ${found.join(' / ')}`);
      const [, dnsCell, connect, tls, app, verdict] = found;
      assert.match(dnsCell ?? '', expected.dns, `dns of ${expected.id}`);
      assert.match(connect ?? '', expected.connect, `connect of ${expected.id}`);
      assert.match(tls ?? '', expected.tls, `tls of ${expected.id}`);
      assert.match(app ?? '', expected.app, `app of ${expected.id}`);
      assert.match(verdict ?? '', expected.verdict, `verdict of ${expected.id}`);
    }
  });

  it('lists every failed required endpoint under What to fix, with reason and remediation', () => {
    const fix = fixSection(markdown);
    assert.match(fix, /\n### refused: `tcp_refused`\n/);
    assert.match(fix, /\n- \*\*Fix:\*\* Allow TCP \d+ \\\| from the \\`compute\\` subnet\n/);
    assert.match(fix, /\n### missing: `nxdomain`\n/);
    assert.match(fix, /\n- \*\*Fix:\*\* Add the A record to the private zone\.\n/);
    assert.match(fix, /\n- \*\*Target:\*\* `https:\/\/nx\.test:443\/`/);
    // The optional failure is mentioned, not listed as something to fix.
    assert.doesNotMatch(fix, /### optional-refused/);
    assert.match(fix, /\n- optional-refused: `tcp_refused`/);
  });
});

describe('markdown: escaping and sources', () => {
  const cases: { case: string; input: string; expected: string }[] = [
    { case: 'pipe', input: 'a|b', expected: 'a\\|b' },
    { case: 'backtick', input: 'run `x`', expected: 'run \\`x\\`' },
    { case: 'line break', input: 'one\ntwo\r\nthree', expected: 'one two three' },
    { case: 'html', input: '<script>', expected: '\\<script>' },
    { case: 'backslash before a pipe', input: 'a\\|b', expected: 'a\\\\\\|b' },
  ];
  for (const c of cases) {
    it(`escapes a ${c.case} in a cell`, () => assert.equal(markdownCell(c.input), c.expected));
  }

  it('lists the source documents of a failed required endpoint', () => {
    const text = renderMarkdown(sampleReport());
    const fix = fixSection(text);
    assert.match(fix, /### notebooks: `nxdomain`/);
    assert.match(fix, /- \*\*Fix:\*\* Link privatelink\.notebooks\.azure\.net to this VNet\./);
    // Cited by title, linked (probes/sources.json), not by internal id.
    assert.match(
      fix,
      /- \*\*Sources:\*\*\n {2}- \[[^\]\n]+\]\(https:\/\/learn\.microsoft\.com\/ja-jp\/azure\/machine-learning\/how-to-secure-training-vnet\)\n {2}- \[How to use your workspace with a custom DNS server\]\(https:\/\/github\.com\/MicrosoftDocs\/azure-ai-docs\/blob\/[0-9a-f]{40}\/articles\/machine-learning\/how-to-custom-dns\.md\)/,
    );
  });

  it('shows the workspace profile and missing inputs when present', () => {
    const text = renderMarkdown(
      sampleReport(undefined, {
        workspace: { profile: { region: 'eastus', workspaceName: 'contoso|ml' }, origin: {} },
        missingInputs: [{ field: 'storageAccounts', flag: '--storage-account', neededBy: ['storage-blob'] }],
      }),
    );
    assert.match(text, /\n- \*\*Workspace:\*\* region `eastus`, workspaceName `contoso\|ml`/);
    assert.match(text, /\n- \*\*Missing inputs\*\* .*\n {2}- storageAccounts: give `--storage-account` \(needed by storage-blob\)/);
  });
});
