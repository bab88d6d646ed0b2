// The start of the one-file tool (scripts/build-bundle.mjs puts it first, after node-guard.ts).
// Everything else in the file is comments: the program, and the large packages it loads on demand.
// Lowered for old Node.js like the guard, so keep it to what esbuild can lower.
/* global AMLPROBE_VERSION */
import { readFileSync } from 'fs';
import { fileURLToPath } from 'url';
import { runInThisContext } from 'vm';

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  // What the program would print, without compiling it: jump-box scripts ask this first.
  process.stdout.write(`${AMLPROBE_VERSION}\n`);
} else {
  const url = import.meta.url;
  const file = fileURLToPath(url);
  const text = readFileSync(file, 'utf8');
  const segment = (name) => {
    const open = `/*@amlprobe:${name}\n`;
    const at = text.indexOf(open);
    const end = at < 0 ? -1 : text.indexOf('\n@amlprobe:end*/', at);
    if (end < 0) throw new Error(`${file} is damaged: its part '${name}' is missing. Copy amlprobe.mjs again.`);
    // Comments cannot hold "*/": build-bundle.mjs wrote it as "*\u0001/".
    return text.slice(at + open.length, end).split('*\u0001/').join('*/');
  };
  const program = runInThisContext(`(function (require, module, exports, __amlprobeUrl, __amlprobeChunk) {${segment('program')}\n})`, { filename: file });
  const module = { exports: {} };
  program(require, module, module.exports, url, segment);
}
