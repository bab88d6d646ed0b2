// The JSON report is written a few results at a time (src/report/json.ts renderJsonChunks), each
// result shaped on its own: the text must stay byte for byte JSON.stringify of the whole shaped
// report (reportValue), indented and compact, for every value a producer may leave on a result
// and at every batch boundary.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderJson, renderJsonChunks, renderJsonCompactChunks, reportValue } from '../src/report/json.js';
import type { EndpointResult } from '../src/model/result.js';
import { sampleReport, sampleResults } from './helpers/report-fixture.js';

/** Values JSON.stringify treats in special ways, and keys an object orders in its own way. */
function oddities(seed: number): Record<string, unknown> {
  const sparse: unknown[] = [1];
  sparse[3] = 'x';
  const withProto = JSON.parse('{"__proto__": {"polluted": true}, "b": 1}') as Record<string, unknown>;
  return {
    zeta: seed,
    '10': 'ten',
    '2': 'two',
    '01': 'not an index',
    '4294967295': 'too big for an index',
    alpha: [undefined, () => 1, Symbol('s'), null, NaN, -0, Infinity, 1e21, 5e-7, 12345678901234567890n],
    when: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    bytes: Buffer.from('secret'),
    buffer: new ArrayBuffer(4),
    sparse,
    text: 'line\nbreak "quoted" \\ \u0000 \u2028 \ud800 lone',
    nested: { b: { d: [], c: {} }, a: [[], [{}], [[1, [2]]]] },
    withProto,
    empty: {},
    gone: undefined,
    fn: () => 0,
    udpPayload: 'never printed',
  };
}

/** Results in several shapes: the fixture's, with odd values in every place, and non-objects. */
function hostileResults(): unknown[] {
  const base = sampleResults();
  const odd = base.map((result, i) => ({
    ...result,
    ...oddities(i),
    meta: { ...(result.meta ?? {}), ...oddities(i) },
    checks: result.checks.map((check) => ({ ...check, ...oddities(i), data: { ...(check.data ?? {}), ...oddities(i) } })),
  }));
  const unknownLayer = { ...base[0], checks: [{ layer: 'quantum', status: 'pass', data: oddities(9) }] };
  return [...base, ...odd, unknownLayer, null, 'text', 7, [1, { b: 2, a: 1 }], { checks: 'not a list', meta: 3 }];
}

describe('JSON report text, written a few results at a time', () => {
  for (const count of [0, 1, 31, 32, 33, 70]) {
    it(`is JSON.stringify of the shaped report, indented and compact, with ${count} results`, () => {
      const all = hostileResults();
      const results = Array.from({ length: count }, (_, i) => all[i % all.length]) as EndpointResult[];
      // The summary is counted from the fixture's own results; the hostile ones only go into the list.
      const report = { ...sampleReport(), results };
      const value = reportValue(report);
      assert.equal([...renderJsonChunks(report)].join(''), `${JSON.stringify(value, null, 2)}\n`);
      assert.equal(renderJson(report), `${JSON.stringify(value, null, 2)}\n`);
      assert.equal([...renderJsonCompactChunks(report)].join(''), `${JSON.stringify(value)}\n`);
    });
  }

  it('orders known keys first, then the others alphabetically, and drops binaries and undefined', () => {
    const value = reportValue({ ...sampleReport(), results: [oddities(1) as unknown as EndpointResult] }) as { results: Record<string, unknown>[] };
    const keys = Object.keys(value.results[0] ?? {});
    // Index-like keys first (an object's own rule), then the unknown keys in alphabetical order.
    assert.deepEqual(keys, ['2', '10', '01', '4294967295', 'alpha', 'empty', 'nested', 'sparse', 'text', 'when', 'withProto', 'zeta']);
  });
});
