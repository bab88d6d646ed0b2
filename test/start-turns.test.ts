// The engine's layer start turns (src/engine/start-turns.ts): at most a batch of starts per turn of
// the event loop, in arrival order (an endpoint under way first), and linear in the number
// of waiters (issue 15: every endpoint of a 50,000-endpoint run waits for its first turn at once).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTurns } from '../src/engine/start-turns.js';

describe('layer start turns', () => {
  it('lets at most a batch start per turn of the event loop, in arrival order', async () => {
    // A counter bumped once per check phase, scheduled before any turn is asked for.
    let tick = 0;
    let counting = true;
    const bump = (): void => {
      tick += 1;
      if (counting) setImmediate(bump);
    };
    setImmediate(bump);
    const startTurn = startTurns(4);
    const order: number[] = [];
    const ticks: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => startTurn().then(() => { order.push(i); ticks.push(tick); })));
    counting = false;
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const perTurn = new Map<number, number>();
    for (const t of ticks) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    assert.deepEqual([...perTurn.values()], [4, 4, 2], JSON.stringify([...perTurn]));
  });

  it('an endpoint under way goes first: a continuing layer overtakes first layers still waiting', async () => {
    const startTurn = startTurns(4);
    const order: string[] = [];
    const firsts = Array.from({ length: 12 }, (_, i) => startTurn().then(() => order.push(`first ${i}`)));
    // Two endpoints past their DNS layer ask for their TCP turn while eight first layers still wait.
    const continuing = [startTurn(true).then(() => order.push('next a')), startTurn(true).then(() => order.push('next b'))];
    await Promise.all([...firsts, ...continuing]);
    assert.deepEqual(order.slice(0, 6), ['first 0', 'first 1', 'first 2', 'first 3', 'next a', 'next b']);
    assert.deepEqual(order.slice(6), ['first 4', 'first 5', 'first 6', 'first 7', 'first 8', 'first 9', 'first 10', 'first 11']);
  });

  it('50,000 waiters at once: every one starts, in linear time', async () => {
    const startTurn = startTurns(64);
    const started = performance.now();
    let last = -1;
    let inOrder = true;
    await Promise.all(Array.from({ length: 50_000 }, (_, i) => startTurn().then(() => { if (i < last) inOrder = false; last = i; })));
    const ms = performance.now() - started;
    assert.ok(inOrder);
    // Waking every waiter on every turn (the earlier loop) is about 20 million wake-ups here: many seconds.
    assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
  });
});
