// The JSON report: what scripts parse. Round trip, key order, no binary leaks.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderJson, renderJsonChunks } from '../src/report/json.js';
import { REPORT_SCHEMA_VERSION } from '../src/model/report.js';
import type { EndpointResult } from '../src/model/result.js';
import type { Report } from '../src/model/report.js';
import { sampleReport, sampleResults } from './helpers/report-fixture.js';

/** A deep copy with every object's keys in reverse order: the output must not depend on it. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

describe('renderJson', () => {
  const report = sampleReport();
  const text = renderJson(report);
  const parsed = JSON.parse(text) as Report;

  it('round-trips the report, with schemaVersion first', () => {
    assert.deepStrictEqual(parsed, report);
    assert.equal(parsed.schemaVersion, REPORT_SCHEMA_VERSION);
    assert.equal(parsed.schemaVersion, 1);
    assert.equal(Object.keys(parsed)[0], 'schemaVersion');
  });

  it('indents by two spaces and ends with a newline', () => {
    const lines = text.split('\n');
    assert.equal(lines[0], '{');
    assert.equal(lines[1], '  "schemaVersion": 1,');
    assert.ok(text.endsWith('}\n'));
  });

  it('orders keys the documented way', () => {
    assert.deepEqual(Object.keys(parsed), [
      'schemaVersion', 'tool', 'startedAt', 'durationMs', 'deadlineHit', 'summary', 'settings', 'results',
    ]);
    assert.deepEqual(Object.keys(parsed.summary), ['total', 'pass', 'fail', 'warn', 'skip', 'requiredFailed']);
    const failed = parsed.results.find((r) => r.id === 'notebooks');
    assert.deepEqual(Object.keys(failed ?? {}), [
      'id', 'protocol', 'host', 'port', 'path', 'address', 'required', 'status', 'layer', 'reason', 'message', 'ms', 'checks', 'meta',
    ]);
    assert.deepEqual(Object.keys(failed?.checks[0] ?? {}), ['layer', 'status', 'reason', 'ms', 'message', 'detail', 'data']);
    assert.deepEqual(Object.keys((failed?.checks[0]?.data ?? {}) as object), ['name', 'authority', 'addresses', 'system', 'direct']);
  });

  it('prints the same text whatever order the producer built its objects in', () => {
    assert.equal(renderJson(reverseKeys(report) as Report), text);
  });

  it('keeps fields it does not know, after the known ones, in alphabetical order', () => {
    const extra = sampleReport([{ ...sampleResults()[0], zeta: 1, alpha: 'a' } as unknown as EndpointResult]);
    const keys = Object.keys((JSON.parse(renderJson(extra)) as Report).results[0] ?? {});
    assert.deepEqual(keys.slice(-2), ['alpha', 'zeta']);
  });

  it('never prints a Buffer, even one a producer left on a result', () => {
    const first = sampleResults()[4] as EndpointResult;
    const leaky = { ...first, udpPayload: Buffer.from('amlprobe\n'), raw: new Uint8Array([1, 2]) };
    leaky.checks = leaky.checks.map((c) => ({ ...c, data: { ...(c.data ?? {}), packet: Buffer.from([9]) } }) as unknown as typeof c);
    const out = renderJson(sampleReport([leaky as EndpointResult]));
    assert.doesNotMatch(out, /udpPayload|"raw"|"packet"|"Buffer"/);
    assert.deepStrictEqual((JSON.parse(out) as Report).results[0], first);
  });

  it('drops undefined fields and writes null where the type says null', () => {
    const withUndefined = { ...(sampleResults()[0] as EndpointResult), label: undefined, layer: null };
    const out = JSON.parse(renderJson(sampleReport([withUndefined]))) as Report;
    assert.ok(!('label' in (out.results[0] ?? {})));
    assert.equal(out.results[0]?.layer, null);
  });
});

describe('renderJsonChunks (what the CLI writes, piece by piece)', () => {
  /** Many results and top-level fields after "results" (what `run` adds): the hard cases for splicing. */
  function bigReport(count: number): Report {
    const base = sampleResults();
    const results = Array.from({ length: count }, (_, i) => ({ ...(base[i % base.length] as EndpointResult), id: `endpoint-${i}` }));
    return { ...sampleReport(results), profile: { region: 'eastus' }, missingInputs: ['--workspace-id'] } as unknown as Report;
  }

  it('is exactly JSON.stringify with two-space indent, whatever the number of results', () => {
    for (const count of [0, 1, 2, 7, 400]) {
      const report = bigReport(count);
      const text = [...renderJsonChunks(report)].join('');
      // Parsing keeps key order, so re-serialising must give the same bytes if the splice is right.
      assert.equal(text, JSON.stringify(JSON.parse(text), null, 2) + '\n', `${count} results`);
      assert.equal(text, renderJson(report));
      const parsed = JSON.parse(text) as Report & { profile: unknown; missingInputs: unknown };
      assert.equal(parsed.results.length, count);
      assert.deepEqual(Object.keys(parsed).slice(-3), ['results', 'missingInputs', 'profile']);
    }
  });

  it('yields a large report in pieces of bounded size, not as one string', () => {
    const pieces = [...renderJsonChunks(bigReport(400))];
    assert.ok(pieces.length > 2, `${pieces.length} pieces`);
    // 32 results per piece: far less than the whole.
    const whole = pieces.join('').length;
    assert.ok(Math.max(...pieces.map((p) => p.length)) < whole / 5);
  });
});
