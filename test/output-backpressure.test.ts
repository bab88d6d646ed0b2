// A report written to stdout goes piece by piece, each once stdout has taken the one before
// (src/output/output.ts writeToStdout). Into a pipe stdout is asynchronous: written in one go, a
// large report waited whole in the stream's queue until the reader took it (tens of MiB of peak
// RSS at 20,000 endpoints, issue 15). A child process writes 20 MB through writeOutput into a
// shell pipe and reports the most stdout ever held queued.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const OUTPUT_MODULE = new URL('../src/output/output.js', import.meta.url).href;
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

const CHILD = `
const { writeOutput } = await import(${JSON.stringify(OUTPUT_MODULE)});
let most = 0;
function* pieces() {
  for (let i = 0; i < 200; i++) {
    most = Math.max(most, process.stdout.writableLength);
    yield 'x'.repeat(99_999) + '\\n';
  }
}
await writeOutput(pieces(), undefined);
most = Math.max(most, process.stdout.writableLength);
process.stderr.write(String(most));
`;

describe('report to stdout', () => {
  it('keeps at most a piece or two queued on a pipe, however large the report', async () => {
    // Through a shell pipe into a reader that is slow to start, as a pipeline's next program may be
    // (Node's own child-process pipes are socket pairs, written differently).
    const child = spawn('/bin/sh', ['-c', '"$NODE" --input-type=module -e "$CHILD" | { sleep 0.3; cat; }'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE: process.execPath, CHILD },
    });
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(bytes, 20_000_000);
    assert.equal(lines, 200);
    const most = Number(stderr);
    assert.ok(Number.isFinite(most), stderr);
    assert.ok(most <= 300_000, `stdout held ${most} bytes queued at once`);
  });

  it('a reader that goes away (| head) ends the writing quietly, with the command\'s own exit code', async () => {
    // The catalog as JSON (about 150 KB, more than a pipe holds) into a reader that takes 100 bytes and leaves.
    const child = spawn('/bin/bash', ['-c', '"$NODE" "$CLI" catalog --format json | head -c 100 >/dev/null; echo "exit ${PIPESTATUS[0]}" >&2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE: process.execPath, CLI },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    await new Promise((resolve) => child.once('close', resolve));
    assert.equal(stderr, 'exit 0\n');
  });
});
