// The terminal matrix, the summary counts and the colour decision, on hand-built reports (a
// renderer knows nothing of sockets, so real servers would add nothing here).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import { shouldUseColour, shouldUseAscii, tableWidth } from '../src/report/terminal.js';
import { exitCodeFor, summarize } from '../src/engine/summary.js';
import { endpointUrl, formatDuration, renderTable, shouldUseColour as shouldUseColourFromTable } from '../src/report/table.js';
import type { EndpointResult } from '../src/model/result.js';
import { sampleReport, sampleResults } from './helpers/report-fixture.js';
import { truncateDistinct, wordCounts } from '../src/report/distinct-truncate.js';

const ESC = '\x1b';
const strip = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');
// The fixture is all single-cell characters, so code points = terminal cells here.
const cells = (line: string): number => Array.from(strip(line)).length;

/** The line of the row whose text contains `needle`, and the lines under it up to the next row. */
function rowBlock(output: string, needle: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => /^[✓✗!\-+x] /.test(l) && l.includes(needle));
  assert.notEqual(start, -1, `no row containing ${needle}`);
  const block = [lines[start] ?? ''];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(' ')) break;
    block.push(line);
  }
  return block;
}

describe('renderTable', () => {
  const wide = renderTable(sampleReport(), { colour: false, width: 200, ascii: false });

  it('marks every row with its status symbol', () => {
    const table: { needle: string; mark: string }[] = [
      { needle: 'workspace API', mark: '✓' },
      { needle: 'notebooks.azure.net', mark: '✗' },
      { needle: 'tundra', mark: '!' },
      { needle: '*.file.core.windows.net', mark: '-' },
    ];
    for (const { needle, mark } of table) assert.ok(rowBlock(wide, needle)[0]?.startsWith(mark + ' '), needle);
  });

  it('shows a short reason in the cell of each layer', () => {
    const table: { needle: string; cells: string[] }[] = [
      { needle: 'workspace API', cells: ['✓ 10.1.0.5 (private)', '✓ 12 ms', '✓ TLSv1.3', '✓ 200'] },
      { needle: 'notebooks.azure.net', cells: ['✗ NXDOMAIN', '-'] },
      { needle: 'mystorage.blob', cells: ['✗ 20.60.1.2 (public)'] },
      { needle: ':18881', cells: ['✓ 10.1.0.5 (private)', '✗ refused'] },
      { needle: 'tundra', cells: ['! no reply'] },
      { needle: 'login.microsoftonline.com', cells: ['✓ 8 ms', '✗ untrusted (Contoso Inspection CA)'] },
      { needle: 'wss://', cells: ['✓ TLSv1.2', '✓ 101'] },
      { needle: 'mcr.microsoft.com', cells: ['✗ deadline'] },
      { needle: '-> 10.1.0.9', cells: ['✗ 503'] },
      { needle: 'dns://', cells: ['! resolvers differ'] },
    ];
    for (const { needle, cells: expected } of table) {
      const row = rowBlock(wide, needle)[0] ?? '';
      for (const cell of expected) assert.ok(row.includes(cell), `${needle}: expected ${cell} in ${row}`);
    }
  });

  it('leaves a layer the protocol does not have blank', () => {
    // tcp has no TLS or APP layer: the row ends right after the CONNECT cell.
    assert.match(rowBlock(wide, ':18881')[0] ?? '', /✗ refused$/);
    assert.match(rowBlock(wide, 'tundra')[0] ?? '', /! no reply$/);
  });

  it('marks optional endpoints and names the address of --all-addresses rows', () => {
    assert.match(rowBlock(wide, 'mystorage.blob')[0] ?? '', /\(optional\)/);
    assert.match(rowBlock(wide, 'workspace API')[0] ?? '', /^✓ {2}aml-api {2,}workspace API {2}/);
    assert.ok(rowBlock(wide, '-> 10.1.0.8')[0]?.includes('https://myacr.azurecr.io:443/ -> 10.1.0.8'));
    // A single row per endpoint: no arrow even though an address is known.
    assert.doesNotMatch(rowBlock(wide, 'workspace API')[0] ?? '', /->/);
  });

  it('prints the deciding message, detail, evidence, fix and sources under failed rows', () => {
    const nx = rowBlock(wide, 'notebooks.azure.net').join('\n');
    assert.match(nx, /^ {4}dns: name does not exist \(NXDOMAIN\)$/m);
    assert.match(nx, /^ {6}The system resolver and 10\.0\.0\.4 both answered NXDOMAIN\.$/m);
    assert.match(nx, /^ {4}dns 10\.0\.0\.4:53 \(udp\): NXDOMAIN$/m);
    assert.match(nx, /^ {4}fix: Link privatelink\.notebooks\.azure\.net to this VNet\.$/m);
    assert.match(nx, /^ {4}source: 000_419b64f19bf3dfc6\.txt, dns2026$/m);

    const publicIp = rowBlock(wide, 'mystorage.blob').join('\n');
    assert.match(publicIp, /cname: mystorage\.blob\.core\.windows\.net -> mystorage\.privatelink\.blob\.core\.windows\.net/);

    const tls = rowBlock(wide, 'login.microsoftonline.com').join('\n');
    assert.match(tls, /presented: CN=login\.microsoftonline\.com issued by CN=Contoso Inspection CA/);
    assert.match(tls, /verify error: UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);

    assert.match(rowBlock(wide, '-> 10.1.0.9').join('\n'), /headers: server: squid; via: 1\.1 squid/);
  });

  it('leaves out evidence the check already gave in its message or detail', () => {
    const login = sampleResults().filter((r) => r.id === 'login');
    const tls = login[0]?.checks.find((c) => c.layer === 'tls');
    assert.ok(tls);
    tls.detail = 'Presented: CN=login.microsoftonline.com (SHA-256 AB:CD:EF), issued by CN=Contoso Inspection CA, O=Contoso.';
    const block = rowBlock(renderTable(sampleReport(login), { colour: false, width: 200 }), 'login').join('\n');
    assert.doesNotMatch(block, /sha256:|presented:/);
    assert.match(block, /verify error: UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
  });

  it('explains rows that were not probed, without a made-up target', () => {
    const needs = rowBlock(wide, '*.file.core.windows.net').join('\n');
    assert.match(needs, /needs a concrete host name: set --storage-account/);
    assert.doesNotMatch(needs, /target:/);
    assert.match(rowBlock(wide, 'inbound AzureMachineLearning').join('\n'), /note: verify: NSG effective rules/);
  });

  it('gives the concrete target under a failed row that shows a label', () => {
    const labelled = sampleResults().filter((r) => r.id === 'notebooks').map((r) => ({ ...r, label: 'notebooks' }));
    const out = renderTable(sampleReport(labelled), { colour: false, width: 200 });
    assert.match(rowBlock(out, 'notebooks').join('\n'), /^ {4}target: https:\/\/ml-ws-eastus-7d0c0a8e\.eastus\.notebooks\.azure\.net:443\/$/m);
  });

  it('prints nothing under passing rows', () => {
    assert.equal(rowBlock(wide, 'workspace API').length, 1);
    assert.equal(rowBlock(wide, 'wss://').length, 1);
  });

  it('ends with the summary line, and says when the deadline struck', () => {
    const lines = wide.trimEnd().split('\n');
    assert.equal(lines.at(-1), '13 results (12 endpoints): 3 pass, 6 fail (5 required), 2 warn, 2 skip in 2.3 s');
    assert.doesNotMatch(wide, /deadline of/);
    const late = renderTable(sampleReport(undefined, { deadlineHit: true }), { colour: false, width: 200 });
    assert.equal(late.trimEnd().split('\n').at(-1), 'deadline of 30 s struck before every probe finished: 1 endpoint unfinished');
  });

  it('counts endpoints rather than results when each endpoint has one row', () => {
    const one = sampleResults().slice(0, 2);
    const out = renderTable(sampleReport(one, { durationMs: 850 }), { colour: false });
    assert.match(out, /^2 endpoints: 1 pass, 1 fail \(1 required\), 0 warn, 0 skip in 850 ms$/m);
  });

  it('leaves out layer columns no row uses', () => {
    const dnsOnly = sampleResults().filter((r) => r.protocol === 'dns');
    const out = renderTable(sampleReport(dnsOnly), { colour: false });
    const header = out.split('\n')[0] ?? '';
    assert.match(header, /ENDPOINT +DNS$/);
    assert.doesNotMatch(header, /CONNECT|TLS|APP/);
  });

  it('prints no ANSI escapes without colour', () => {
    assert.ok(!wide.includes(ESC));
    assert.ok(!renderTable(sampleReport(undefined, { deadlineHit: true }), { colour: false, width: 50 }).includes(ESC));
  });

  it('colours marks by status when asked, changing nothing else', () => {
    const coloured = renderTable(sampleReport(), { colour: true, width: 200, ascii: false });
    assert.ok(coloured.includes(`${ESC}[32m✓`), 'green pass');
    assert.ok(coloured.includes(`${ESC}[31m✗`), 'red fail');
    assert.ok(coloured.includes(`${ESC}[33m!`), 'yellow warn');
    assert.ok(coloured.includes(`${ESC}[2m-`), 'dim skip');
    assert.equal(strip(coloured), wide);
  });

  it('fits every line to the width and shortens long names with an ellipsis', () => {
    for (const width of [60, 80, 100, 120]) {
      for (const colour of [false, true]) {
        const out = renderTable(sampleReport(undefined, { deadlineHit: true }), { colour, width, ascii: false });
        for (const line of out.split('\n')) assert.ok(cells(line) <= width, `width ${width}: ${cells(line)} cells: ${line}`);
      }
    }
    const narrow = renderTable(sampleReport(), { colour: false, width: 80, ascii: false });
    const row = rowBlock(narrow, 'notebooks')[0] ?? '';
    assert.match(row, /…/);
    // The cut name is given in full under the failed row.
    assert.match(narrow, /target: https:\/\/ml-ws-eastus-7d0c0a8e\.eastus\.notebooks\.azure\.net:443\//);
  });

  it('COLUMNS sets the width, over the terminal\'s own', () => {
    assert.equal(tableWidth({ isTTY: true, columns: 90 }, { COLUMNS: '140' }), 140);
    assert.equal(tableWidth({ isTTY: true, columns: 90 }, {}), 90);
    assert.equal(tableWidth({ isTTY: false }, { COLUMNS: 'wide' }), 120);
    assert.equal(tableWidth({ isTTY: false }, {}), 120);
  });

  it('uses 120 columns when no width is given and stdout is not a terminal', (t) => {
    if (process.stdout.isTTY === true) return t.skip('stdout is a terminal here');
    const out = renderTable(sampleReport(), { colour: false, ascii: false });
    const longest = Math.max(...out.split('\n').map(cells));
    assert.ok(longest <= 120 && longest > 100, `longest line ${longest}`);
  });

  it('draws ASCII marks when asked', () => {
    const out = renderTable(sampleReport(), { colour: false, width: 80, ascii: true });
    assert.match(out, /^[\x00-\x7f]*$/);
    assert.match(rowBlock(out, 'workspace API')[0] ?? '', /^\+ {2}aml-api {2,}workspace API .*\+ 200$/);
    assert.match(out, /^x {2}.*x NXDOMAIN/m);
    assert.match(out, /\.\.\./);
  });
});

describe('endpointUrl and formatDuration', () => {
  it('brackets IPv6 hosts and adds the path only where one is sent', () => {
    const table: { input: Pick<EndpointResult, 'protocol' | 'host' | 'port' | 'path'>; url: string }[] = [
      { input: { protocol: 'https', host: 'a.example', port: 443, path: '/x' }, url: 'https://a.example:443/x' },
      { input: { protocol: 'wss', host: '::1', port: 8443, path: '' }, url: 'wss://[::1]:8443/' },
      { input: { protocol: 'tcp', host: '10.0.0.1', port: 445, path: '/' }, url: 'tcp://10.0.0.1:445' },
      { input: { protocol: 'dns', host: 'a.example', port: 0, path: '/' }, url: 'dns://a.example' },
    ];
    for (const { input, url } of table) assert.equal(endpointUrl(input), url);
  });

  it('formats durations for people', () => {
    const table: [number, string][] = [[0, '0 ms'], [849.6, '850 ms'], [2300, '2.3 s'], [30000, '30 s'], [125000, '2 min 5 s']];
    for (const [ms, text] of table) assert.equal(formatDuration(ms), text);
  });
});

describe('summarize and exitCodeFor', () => {
  it('counts results by status and required failures', () => {
    assert.deepEqual(summarize(sampleResults()), { total: 13, pass: 3, fail: 6, warn: 2, skip: 2, requiredFailed: 5 });
    assert.deepEqual(summarize([]), { total: 0, pass: 0, fail: 0, warn: 0, skip: 0, requiredFailed: 0 });
  });

  it('exits 1 only when a required endpoint failed', () => {
    const results = sampleResults();
    assert.equal(exitCodeFor(summarize(results)), 1);
    const optionalFailOnly = results.filter((r) => r.status !== 'fail' || !r.required);
    assert.ok(optionalFailOnly.some((r) => r.status === 'fail'));
    assert.equal(exitCodeFor(summarize(optionalFailOnly)), 0);
    assert.equal(exitCodeFor(summarize(results.filter((r) => r.status !== 'fail'))), 0);
  });
});

describe('terminal capabilities', () => {
  it('colours only a TTY, honouring NO_COLOR, TERM=dumb and FORCE_COLOR', () => {
    const table: { case: string; isTTY: boolean; env: Record<string, string>; colour: boolean }[] = [
      { case: 'tty', isTTY: true, env: {}, colour: true },
      { case: 'pipe', isTTY: false, env: {}, colour: false },
      { case: 'NO_COLOR', isTTY: true, env: { NO_COLOR: '1' }, colour: false },
      { case: 'empty NO_COLOR is unset', isTTY: true, env: { NO_COLOR: '' }, colour: true },
      { case: 'dumb terminal', isTTY: true, env: { TERM: 'dumb' }, colour: false },
      { case: 'FORCE_COLOR on a pipe', isTTY: false, env: { FORCE_COLOR: '1' }, colour: true },
      { case: 'FORCE_COLOR beats NO_COLOR', isTTY: false, env: { FORCE_COLOR: '1', NO_COLOR: '1' }, colour: true },
      { case: 'FORCE_COLOR=0', isTTY: true, env: { FORCE_COLOR: '0' }, colour: false },
      { case: 'FORCE_COLOR=false', isTTY: true, env: { FORCE_COLOR: 'false' }, colour: false },
    ];
    for (const c of table) assert.equal(shouldUseColour({ isTTY: c.isTTY }, c.env), c.colour, c.case);
    assert.equal(shouldUseColourFromTable, shouldUseColour);
  });

  it('uses ASCII on TERM=dumb and the terminal width only on a TTY', () => {
    assert.equal(shouldUseAscii({ TERM: 'dumb' }), true);
    assert.equal(shouldUseAscii({ TERM: 'xterm-256color' }), false);
    assert.equal(tableWidth({ isTTY: true, columns: 93 }), 93);
    assert.equal(tableWidth({ isTTY: false, columns: 93 }), 120);
    assert.equal(tableWidth({}), 120);
  });
});

describe('shortened names keep what tells rows apart', () => {
  // The lab's storage rows: one account, five services, one port; plus rows on other hosts.
  const hosts = ['blob', 'queue', 'table', 'file', 'dfs'].map((service) => `contosomlstore.${service}.core.windows.net`);
  const pass = (layer: 'dns' | 'tcp' | 'tls' | 'http', message: string) => ({ layer, status: 'pass' as const, reason: 'ok' as const, ms: 5, message });
  const row = (id: string, host: string, protocol: 'https' | 'smb', port: number): EndpointResult => ({
    id, host, protocol, port, path: '/', required: true, address: '10.1.0.7', layer: null, reason: 'ok', status: 'pass', message: '', ms: 5,
    checks: [pass('dns', '10.1.0.7 (private)'), pass('tcp', 'connected'), pass('tls', 'TLSv1.3'), pass('http', '200')],
  });
  const results = [
    ...hosts.map((host) => row(`storage-${host.split('.')[1]}:443`, host, 'https', 443)),
    row('storage-file-smb:445', 'contosomlstore.file.core.windows.net', 'smb', 445),
    row('workspace-api:443', '7d0c0a8e-41b6-4f5e-9a3c-2b8d1e6f0a11.workspace.eastus.api.azureml.ms', 'https', 443),
    row('keyvault:443', 'contoso-ml-kv.vault.azure.net', 'https', 443),
  ];
  const report = sampleReport(results);

  it('at 100 columns every row shows its id and a name no other row shows, with its service in it', () => {
    const out = renderTable(report, { colour: false, width: 100, ascii: false });
    const lines = out.split('\n').filter((l) => /^[✓✗!-] /.test(l));
    assert.equal(lines.length, results.length);
    for (const line of out.split('\n')) assert.ok(cells(line) <= 100, line);
    const names = lines.map((line) => line.slice(3).split(/ {2,}/)[1] ?? '');
    assert.equal(new Set(names).size, names.length, `names repeat:\n${names.join('\n')}`);
    results.forEach((result, i) => {
      assert.ok(lines[i]?.startsWith(`✓  ${result.id} `), `${lines[i]} shows ${result.id}`);
      const service = result.host.split('.')[1] ?? '';
      if (result.host.startsWith('contosomlstore.')) assert.ok(names[i]?.includes(service), `${names[i]} keeps ${service}`);
    });
  });

  it('cuts the words the rows share, not the middle', () => {
    const counts = wordCounts(hosts.map((h) => `https://${h}:443/`));
    // The old middle cut gave 'https://contosoml…indows.net:443/' to every storage row.
    assert.equal(truncateDistinct('https://contosomlstore.blob.core.windows.net:443/', 34, '…', counts), 'https://…blob.core…net:443/');
    assert.equal(truncateDistinct('https://contosomlstore.queue.core.windows.net:443/', 20, '…', counts), 'https://…queue…:443/');
    // Nothing to cut: unchanged.
    assert.equal(truncateDistinct('https://a.b:443/', 40, '…', counts), 'https://a.b:443/');
  });
});

describe('renderTable at scale', () => {
  it('sizes its columns without one stack argument per row', () => {
    // Spread into Math.max, every row was an argument on the stack: 130,000 rows overflowed
    // Node's default stack (issue 15). A child with a smaller stack shows it with 30,000.
    const table = fileURLToPath(new URL('../src/report/table.js', import.meta.url));
    const fixture = fileURLToPath(new URL('./helpers/report-fixture.js', import.meta.url));
    const script = `
      const { renderTable } = await import(${JSON.stringify(table)});
      const { sampleReport } = await import(${JSON.stringify(fixture)});
      const report = sampleReport();
      const one = report.results.find((r) => r.status === 'pass');
      report.results = Array.from({ length: 30000 }, (_, i) => ({ ...one, id: one.id + '-' + i, label: (one.label ?? one.id) + ' ' + i }));
      const text = renderTable(report, { colour: false, width: 120, ascii: true });
      process.stdout.write(String(text.split('\\n').length));
    `;
    const lines = Number(execFileSync(process.execPath, ['--stack-size=100', '--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.ok(lines > 30000, `${lines} lines`);
  });
});
