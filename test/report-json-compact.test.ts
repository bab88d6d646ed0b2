// `--format json --compact`: the report on one line for line-based log collectors (the CronJob).
// The compact text is the indented report's data exactly, written in pieces like the indented one
// (so a 5,000-endpoint report is never held whole), with no line feed but the last, even when a
// message from the network carries one. Through the CLI against a real loopback listener, and
// refused (exit 2) where it has no meaning.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderJson, renderJsonCompactChunks } from '../src/report/json.js';
import type { EndpointResult } from '../src/model/result.js';
import { describeRun, runCli } from './helpers/cli.js';
import { closedTcpPort, startTcpServer } from './helpers/listeners.js';
import { sampleReport, sampleResults } from './helpers/report-fixture.js';

/** `count` results made from the sample ones, each with its own id. */
function manyResults(count: number): EndpointResult[] {
  const base = sampleResults();
  return Array.from({ length: count }, (_, i) => ({ ...base[i % base.length]!, id: `endpoint-${i}` }));
}

describe('--compact JSON', { concurrency: true }, () => {
  const cases = [
    { case: 'the sample report', results: sampleResults() },
    { case: 'no results', results: [] },
    { case: 'more results than one piece (70)', results: manyResults(70) },
    { case: 'exactly one piece (32)', results: manyResults(32) },
    { case: 'a message with line feeds and a quote', results: sampleResults().map((r) => ({ ...r, message: 'first line\nsecond "line"\r\n' })) },
  ];
  for (const c of cases) {
    it(`is one line with the data of the indented report: ${c.case}`, () => {
      const report = sampleReport(c.results);
      const pieces = [...renderJsonCompactChunks(report)];
      const text = pieces.join('');
      assert.equal(text.indexOf('\n'), text.length - 1, 'one line, ending with a line feed');
      assert.equal(text, `${JSON.stringify(JSON.parse(renderJson(report)))}\n`);
      if (c.results.length > 32) assert.ok(pieces.length > 3, 'written in pieces');
    });
  }

  it('run/check --format json --compact print one line; --compact without json and lab --compact are exit 2', async (t) => {
    const open = await startTcpServer();
    t.after(() => open.close());
    const closed = await closedTcpPort();
    const run = await runCli(['check', `tcp://127.0.0.1:${open.port}`, `tcp://127.0.0.1:${closed}`, '--format', 'json', '--compact', '--no-system-resolver']);
    assert.equal(run.code, 1, describeRun(run));
    assert.equal(run.stdout.indexOf('\n'), run.stdout.length - 1, run.stdout);
    const report = JSON.parse(run.stdout) as { results: { status: string }[] };
    assert.deepEqual(report.results.map((r) => r.status), ['pass', 'fail']);
    const table = await runCli(['check', `tcp://127.0.0.1:${open.port}`, '--compact'], { offline: true });
    assert.equal(table.code, 2, describeRun(table));
    assert.match(table.stderr, /^amlprobe: error: --compact: --compact prints the JSON report on one line .* it needs --format json or an --output FILE\.json, not table\.\n$/);
    const lab = await runCli(['lab', '--format', 'json', '--compact'], { offline: true });
    assert.equal(lab.code, 2, describeRun(lab));
    assert.match(lab.stderr, /--compact/);
  });
});
