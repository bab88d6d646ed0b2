// A command line with tens of thousands of targets (issue 15: the 50,000-endpoint benchmark) is
// parsed in linear time, and the targets keep their order and stay apart from option values,
// wherever flags sit between them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../src/cli/args.js';

describe('command line with many targets', () => {
  it('100,000 targets between flags: every one kept, in order, in well under the time a quadratic parse takes', () => {
    const targets = Array.from({ length: 100_000 }, (_, i) => `l${i}.bt:443`);
    const argv = ['check', ...targets.slice(0, 50_000), '--timeout', '3s', '--expect-private', ...targets.slice(50_000, 99_998), '-t', '2s', targets[99_998]!, '--', targets[99_999]!];
    const started = performance.now();
    const parsed = parseCommandLine(argv);
    const ms = performance.now() - started;
    assert.equal(parsed.command, 'check');
    assert.deepEqual(parsed.positionals, targets);
    assert.equal(parsed.flags.timeout, '2s');
    assert.equal(parsed.flags['expect-private'], true);
    // Shifting 100,000 arguments off one array copies the rest each time: several seconds (8 s here).
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
  });

  it('a value that looks like a target stays the option\'s value; errors are as before', () => {
    const parsed = parseCommandLine(['check', 'a:1', 'b:2', '--timeout', '3s', 'c:3', '--dns-server', '10.0.0.53', 'd:4', 'e:5']);
    assert.deepEqual(parsed.positionals, ['a:1', 'b:2', 'c:3', 'd:4', 'e:5']);
    assert.deepEqual(parsed.flags['dns-server'], ['10.0.0.53']);
    assert.throws(() => parseCommandLine(['check', 'a:1', 'b:2', '--no-such-flag', 'c:3']), /no-such-flag/);
  });
});
