// The progress line on stderr: throttled redraws, the latest numbers always shown, cleared at the end.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

import { createProgress, progressText } from '../src/report/progress.js';

const CLEAR = '\r\x1b[2K';

function fakeStream(columns?: number): { writes: string[]; write(chunk: string): boolean; columns?: number } {
  const writes: string[] = [];
  const stream: { writes: string[]; write(chunk: string): boolean; columns?: number } = {
    writes,
    write(chunk: string) {
      writes.push(chunk);
      return true;
    },
  };
  if (columns !== undefined) stream.columns = columns;
  return stream;
}

describe('createProgress', () => {
  it('writes the text in place', () => {
    assert.equal(progressText(60, { done: 12, running: 8 }), 'probing 60 endpoints: 12 done, 40 queued, 8 running');
    assert.equal(progressText(1, { done: 1, running: 0 }), 'probing 1 endpoint: 1 done');
    const stream = fakeStream();
    const progress = createProgress(stream, 60);
    progress.update({ done: 12, running: 8 });
    assert.deepEqual(stream.writes, [CLEAR + 'probing 60 endpoints: 12 done, 40 queued, 8 running']);
    progress.done();
  });

  it('throttles bursts and still draws the latest numbers', async () => {
    const stream = fakeStream();
    const progress = createProgress(stream, 60, { intervalMs: 40 });
    for (let i = 0; i < 50; i += 1) progress.update({ done: i, running: 3 });
    assert.equal(stream.writes.length, 1);
    await sleep(120);
    assert.equal(stream.writes.length, 2);
    assert.equal(stream.writes.at(-1), CLEAR + 'probing 60 endpoints: 49 done, 8 queued, 3 running');
    progress.done();
  });

  it('clears the line once at the end and ignores later updates', async () => {
    const stream = fakeStream();
    const progress = createProgress(stream, 5, { intervalMs: 40 });
    progress.update({ done: 1, running: 1 });
    progress.update({ done: 2, running: 1 }); // pending: must not be drawn after done()
    progress.done();
    progress.done();
    progress.update({ done: 5, running: 0 });
    await sleep(80);
    assert.deepEqual(stream.writes, [CLEAR + 'probing 5 endpoints: 1 done, 3 queued, 1 running', CLEAR]);
  });

  it('writes nothing when nothing was drawn', () => {
    const stream = fakeStream();
    createProgress(stream, 5).done();
    assert.deepEqual(stream.writes, []);
  });

  it('keeps the line shorter than the terminal so it never wraps', () => {
    const stream = fakeStream(20);
    const progress = createProgress(stream, 60);
    progress.update({ done: 12, running: 8 });
    progress.done();
    assert.equal((stream.writes[0] ?? '').slice(CLEAR.length), 'probing 60 endpoint');
  });

  it('says what it is still waiting for, and cuts the list to the width with a count of the rest', () => {
    assert.equal(progressText(60, { done: 58, running: 2, waiting: ['acr', 'mcr'] }), 'probing 60 endpoints: 58 done, waiting for 2: acr, mcr');
    const ids = ['storage-blob', 'storage-file', 'key-vault', 'acr', 'mcr'];
    const text = progressText(60, { done: 50, running: 5, waiting: ids }, 70);
    assert.equal(text, 'probing 60 endpoints: 50 done, 5 queued, waiting for 5: storage-blob +4 more');
    assert.ok(text.length <= 80);
    const wide = progressText(60, { done: 50, running: 5, waiting: ids }, 200);
    assert.match(wide, /waiting for 5: storage-blob, storage-file, key-vault, acr, mcr$/);
  });
});
