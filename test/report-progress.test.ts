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
    assert.equal(progressText(12, 60, 8), 'probing 12/60 endpoints… (8 running)');
    assert.equal(progressText(1, 1, 0), 'probing 1/1 endpoint…');
    const stream = fakeStream();
    const progress = createProgress(stream, 60);
    progress.update(12, 8);
    assert.deepEqual(stream.writes, [CLEAR + 'probing 12/60 endpoints… (8 running)']);
    progress.done();
  });

  it('throttles bursts and still draws the latest numbers', async () => {
    const stream = fakeStream();
    const progress = createProgress(stream, 60, { intervalMs: 40 });
    for (let i = 0; i < 50; i += 1) progress.update(i, 3);
    assert.equal(stream.writes.length, 1);
    await sleep(120);
    assert.equal(stream.writes.length, 2);
    assert.equal(stream.writes.at(-1), CLEAR + 'probing 49/60 endpoints… (3 running)');
    progress.done();
  });

  it('clears the line once at the end and ignores later updates', async () => {
    const stream = fakeStream();
    const progress = createProgress(stream, 5, { intervalMs: 40 });
    progress.update(1, 1);
    progress.update(2, 1); // pending: must not be drawn after done()
    progress.done();
    progress.done();
    progress.update(5, 0);
    await sleep(80);
    assert.deepEqual(stream.writes, [CLEAR + 'probing 1/5 endpoints… (1 running)', CLEAR]);
  });

  it('writes nothing when nothing was drawn', () => {
    const stream = fakeStream();
    createProgress(stream, 5).done();
    assert.deepEqual(stream.writes, []);
  });

  it('keeps the line shorter than the terminal so it never wraps', () => {
    const stream = fakeStream(20);
    const progress = createProgress(stream, 60);
    progress.update(12, 8);
    progress.done();
    assert.equal((stream.writes[0] ?? '').slice(CLEAR.length), 'probing 12/60 endpo');
  });
});
