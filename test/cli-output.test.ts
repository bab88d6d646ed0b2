// What the CLI writes: --output files written atomically (full report, nothing left behind, stdout
// empty), the default table (endpoint, a mark per layer, the summary line, colour only when asked),
// and `amlprobe catalog` as CSV and JSON that parse.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../src/model/report.js';
import { describeRun, parseJsonOutput, runCli } from './helpers/cli.js';
import { closedTcpPort, startTcpServer, startUdpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';

const ANSI = /\x1b\[/;

/** Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      assert.equal(field, '', `a quote inside an unquoted field near offset ${i}`);
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  assert.equal(quoted, false, 'the CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

describe('cli output', { concurrency: 4 }, () => {
  let open: Listener;
  let silentUdp: Listener;
  let closed: number;
  let dir: string;
  before(async () => {
    open = await startTcpServer();
    silentUdp = await startUdpServer('silent');
    closed = await closedTcpPort();
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-cli-output-'));
  });
  after(async () => {
    await open?.close();
    await silentUdp?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // IP literals throughout: nothing to resolve.
  const targets = (): string[] => [`tcp://127.0.0.1:${open.port}`, `tcp://127.0.0.1:${closed}`, `udp://127.0.0.1:${silentUdp.port}`];
  const probeFlags = ['--no-system-resolver', '--timeout', '500ms'];

  it('--output FILE writes the whole JSON report atomically; stdout stays empty', async () => {
    const out = await mkdtemp(join(dir, 'json-'));
    const file = join(out, 'report.json');
    // An older report in its place is replaced whole.
    await writeFile(file, '{"stale": true}\n');
    const run = await runCli(['check', ...targets(), ...probeFlags, '--format', 'json', '--output', file]);
    assert.equal(run.code, 1, describeRun(run));
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `amlprobe: wrote ${file}\n`);
    assert.deepEqual(readdirSync(out), ['report.json'], 'no temporary file left behind');
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith('\n'));
    const report = JSON.parse(text) as Report;
    assert.equal(report.results.length, 3);
    assert.deepEqual(report.results.map((r) => r.reason), ['ok', 'tcp_refused', 'udp_open_or_filtered']);
    assert.deepEqual(report.summary, { total: 3, pass: 1, fail: 1, warn: 1, skip: 0, requiredFailed: 1 });
  });

  it('--output FILE with the table: no colour even when forced, stdout empty', async () => {
    const out = await mkdtemp(join(dir, 'table-'));
    const file = join(out, 'report.txt');
    const run = await runCli(['check', ...targets(), ...probeFlags, '--output', file], { env: { FORCE_COLOR: '1' } });
    assert.equal(run.code, 1, describeRun(run));
    assert.equal(run.stdout, '');
    assert.deepEqual(readdirSync(out), ['report.txt']);
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, ANSI);
    assert.match(text, /^3 endpoints: 1 pass, 1 fail/m);
  });

  it('the default table: endpoint, a mark per layer, the summary line, no ANSI escapes', async () => {
    const run = await runCli(['check', ...targets(), ...probeFlags]);
    assert.equal(run.code, 1, describeRun(run));
    assert.equal(run.stderr, '');
    const text = run.stdout;
    assert.doesNotMatch(text, ANSI, 'NO_COLOR=1 and a pipe: no colour');
    // The table opens with the causes (issue 16), then a blank line, then the matrix.
    const all = text.split('\n');
    assert.equal(all[0], 'What to fix first (1 cause):');
    const lines = all.slice(all.indexOf('') + 1);
    assert.match(lines[0] ?? '', /ENDPOINT\s+DNS\s+CONNECT/);
    const rowOf = (id: string): string => {
      const row = lines.find((line) => line.includes(id));
      assert.ok(row, `a row for ${id}\n${text}`);
      return row;
    };
    const [passId, failId, warnId] = targets();
    // The row's own mark, then one per layer (dns, tcp or udp).
    assert.match(rowOf(passId ?? ''), /^✓\s+\S+\s+✓ 127\.0\.0\.1.*\s+✓ \d+ ms/);
    assert.match(rowOf(failId ?? ''), /^✗\s+\S+\s+✓ 127\.0\.0\.1.*\s+✗ refused/);
    assert.match(rowOf(warnId ?? ''), /^!\s+\S+\s+✓ 127\.0\.0\.1.*\s+! no reply/);
    // A failed row explains itself on the next line.
    assert.match(text, /tcp: connection refused/);
    assert.match(text, /^3 endpoints: 1 pass, 1 fail \(1 required\), 1 warn, 0 skip in (\d+ ms|\d+\.\d s)$/m);
  });

  it('--format is case-insensitive: JSON is json', async () => {
    const run = await runCli(['check', targets()[0] ?? '', ...probeFlags, '--format', 'JSON']);
    assert.equal(run.code, 0, describeRun(run));
    assert.deepEqual(parseJsonOutput<Report>(run).results.map((r) => r.reason), ['ok']);
  });

  it('colour: FORCE_COLOR=1 colours the table, --no-color takes it away again', async () => {
    const [forced, refused] = await Promise.all([
      runCli(['check', targets()[0] ?? '', ...probeFlags], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } }),
      runCli(['check', targets()[0] ?? '', ...probeFlags, '--no-color'], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } }),
    ]);
    assert.equal(forced.code, 0, describeRun(forced));
    assert.match(forced.stdout, ANSI, 'the escape check above can fail');
    assert.equal(refused.code, 0, describeRun(refused));
    assert.doesNotMatch(refused.stdout, ANSI);
  });

  it('catalog --format csv --region eastus: RFC 4180 CSV, one row per catalog entry', async () => {
    const run = await runCli(['catalog', '--format', 'csv', '--region', 'eastus'], { offline: true });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stderr, '');
    const [header, ...rows] = parseCsv(run.stdout);
    assert.ok(header, 'a header row');
    for (const column of ['id', 'host', 'protocol', 'ports', 'service_tag', 'status', 'rule']) {
      assert.ok(header.includes(column), `column ${column} in ${header.join(',')}`);
    }
    assert.ok(rows.length >= 20, `${rows.length} rows`);
    rows.forEach((row, i) => assert.equal(row.length, header.length, `row ${i + 2} has ${row.length} fields, the header ${header.length}`));
    const col = (name: string): number => header.indexOf(name);
    const mcr = rows.find((row) => row[col('id')] === 'mcr');
    assert.ok(mcr, 'the mcr row');
    assert.equal(mcr[col('host')], 'mcr.microsoft.com');
    assert.match(mcr[col('service_tag')] ?? '', /eastus/, 'the region fills the service tag');
    assert.equal(new Set(rows.map((row) => row[col('id')])).size, rows.length, 'ids are unique');
  });

  it('catalog --format json: parses, with the profile and the rows', async () => {
    const run = await runCli(['catalog', '--format', 'json', '--region', 'eastus'], { offline: true });
    assert.equal(run.code, 0, describeRun(run));
    const doc = parseJsonOutput<{ schemaVersion: number; profile: { region?: string }; rows: { id: string; host: string }[] }>(run);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.profile.region, 'eastus');
    assert.ok(doc.rows.length >= 20);
    assert.ok(doc.rows.some((row) => row.id === 'mcr' && row.host === 'mcr.microsoft.com'));
  });

  it('catalog --format json without a profile still parses', async () => {
    const run = await runCli(['catalog', '--format', 'json'], { offline: true });
    assert.equal(run.code, 0, describeRun(run));
    const doc = parseJsonOutput<{ rows: unknown[] }>(run);
    assert.ok(doc.rows.length >= 20);
  });

  it('catalog --output FILE writes the file and nothing else', async () => {
    const out = await mkdtemp(join(dir, 'catalog-'));
    const file = join(out, 'catalog.csv');
    const run = await runCli(['catalog', '--format', 'csv', '--output', file], { offline: true });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout, '');
    assert.deepEqual(readdirSync(out), ['catalog.csv']);
    assert.ok(parseCsv(readFileSync(file, 'utf8')).length > 20);
  });
});
