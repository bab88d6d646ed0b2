// The engine's concurrency slots (src/engine/endpoint-slots.ts): plan order, never more than the
// cap at once, a freed slot to the next endpoint, nothing started after stop, failures surfaced.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInSlots } from '../src/engine/endpoint-slots.js';

/** A task per index that ends when the test says so. */
function controlled(): { task: (i: number) => Promise<void>; started: number[]; finish: (i: number, error?: Error) => void; active: () => number } {
  const started: number[] = [];
  const ends = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let active = 0;
  return {
    started,
    active: () => active,
    task: (i) => {
      started.push(i);
      active += 1;
      return new Promise<void>((resolve, reject) => ends.set(i, { resolve, reject })).finally(() => {
        active -= 1;
      });
    },
    finish: (i, error) => (error ? ends.get(i)!.reject(error) : ends.get(i)!.resolve()),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('endpoint slots', () => {
  it('start in plan order, at most the cap at once, each freed slot going to the next endpoint', async () => {
    const c = controlled();
    const slots = runInSlots(6, 2, c.task);
    // Not before the caller has finished setting up.
    assert.deepEqual(c.started, []);
    await turn();
    assert.deepEqual(c.started, [0, 1]);
    c.finish(1);
    await turn();
    assert.deepEqual(c.started, [0, 1, 2]);
    assert.equal(c.active(), 2);
    c.finish(0);
    c.finish(2);
    await turn();
    assert.deepEqual(c.started, [0, 1, 2, 3, 4]);
    let over = false;
    void slots.done.then(() => (over = true));
    for (const i of [3, 4]) c.finish(i);
    await turn();
    assert.deepEqual(c.started, [0, 1, 2, 3, 4, 5]);
    assert.equal(over, false);
    c.finish(5);
    await slots.done;
  });

  it('start nothing more once stopped', async () => {
    const c = controlled();
    const slots = runInSlots(5, 2, c.task);
    await turn();
    slots.stop();
    c.finish(0);
    c.finish(1);
    await turn();
    assert.deepEqual(c.started, [0, 1]);
  });

  it('reject with a task that failed, thrown or rejected, and finish at once when there is nothing to run', async () => {
    const c = controlled();
    const slots = runInSlots(3, 3, c.task);
    await turn();
    c.finish(1, new Error('probe bug'));
    await assert.rejects(slots.done, /probe bug/);
    const thrown = runInSlots(2, 1, () => {
      throw new Error('thrown');
    });
    await assert.rejects(thrown.done, /thrown/);
    await runInSlots(0, 4, () => Promise.reject(new Error('never called'))).done;
  });
});
