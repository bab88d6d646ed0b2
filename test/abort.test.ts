// The engine's light layer signal (src/abort.ts LayerSignal): what checks rely on from an
// AbortSignal, and the real AbortSignal made for APIs that need one (undici).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeadlineError, LayerSignal, LayerTimeoutError, abortedByDeadline, asAbortSignal, layerSignal } from '../src/abort.js';
import { abortCause } from '../src/abort.js';

describe('LayerSignal', () => {
  test('calls each listener once on abort, a listener added twice once, a removed one never', () => {
    const signal = new LayerSignal();
    const calls: string[] = [];
    const a = (): void => {
      calls.push('a');
    };
    const b = (): void => {
      calls.push('b');
    };
    signal.addEventListener('abort', a);
    signal.addEventListener('abort', a);
    signal.addEventListener('abort', b);
    signal.removeEventListener('abort', b);
    assert.equal(signal.listenerCount(), 1);
    signal.abort(new LayerTimeoutError(10));
    signal.abort(new DeadlineError(10));
    signal.addEventListener('abort', b);
    assert.deepEqual(calls, ['a']);
    assert.equal(signal.aborted, true);
    assert.equal((signal.reason as Error).name, 'TimeoutError', 'the first reason stays');
    assert.equal(signal.listenerCount(), 0);
  });

  test('its AbortSignal aborts with it, with the same reason, also when made afterwards', () => {
    const before = new LayerSignal();
    const real = asAbortSignal(before);
    assert.equal(real.aborted, false);
    const reason = new DeadlineError(5);
    before.abort(reason);
    assert.equal(real.aborted, true);
    assert.equal(real.reason, reason);
    assert.equal(asAbortSignal(before), real, 'made once');

    const after = new LayerSignal();
    after.abort(new LayerTimeoutError(5));
    assert.equal(asAbortSignal(after).aborted, true);
  });

  test('a real AbortSignal is used as it is', () => {
    const controller = new AbortController();
    assert.equal(asAbortSignal(controller.signal), controller.signal);
  });

  test('layerSignal: its own timeout is a TimeoutError, the run signal a DeadlineError, each read by the checks\' convention', async () => {
    const run = new AbortController();
    const timed = layerSignal(run.signal, 20);
    let called = 0;
    const deadline = layerSignal(run.signal, 10_000, () => (called += 1));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(abortCause(timed.signal), 'timeout');
    assert.equal(deadline.signal.aborted, false);
    run.abort(new DeadlineError(100));
    assert.equal(abortCause(deadline.signal), 'deadline');
    assert.equal(abortedByDeadline(deadline.signal), true);
    assert.equal(called, 1, 'onAborted runs once, right after the abort');
    timed.dispose();
    deadline.dispose();
  });

  test('layerSignal: a timeout\'s reason carries no stack frames (issue 15: one per dropped endpoint), and stack traces stay on elsewhere', async () => {
    const limit = Error.stackTraceLimit;
    const timed = layerSignal(new AbortController().signal, 5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const reason = timed.signal.reason as LayerTimeoutError;
    assert.ok(reason instanceof LayerTimeoutError);
    assert.equal(reason.name, 'TimeoutError');
    assert.equal(reason.timeoutMs, 5);
    assert.equal(reason.message, 'no answer within 5 ms');
    assert.doesNotMatch(reason.stack ?? '', /\n\s+at /);
    assert.equal(Error.stackTraceLimit, limit);
    assert.match(new Error('x').stack ?? '', /\n\s+at /);
    timed.dispose();
  });
});
