// The start of the one-file tool (scripts/build-bundle.mjs puts it first, after node-guard.ts).
// Everything else in the file is comments: the program, and the large packages it
// loads on demand. Lowered for old Node.js like the guard, so keep it to what esbuild can lower.
/* global AMLPROBE_VERSION, AMLPROBE_PROGRAM_DIGEST */
import { readFileSync } from 'fs';
import { fileURLToPath } from 'url';
import { gcFlags } from '../dist/src/cli/gc-flags.js';
import { runCached } from './bundle-code-cache.mjs';

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  // What the program would print, without compiling it: jump-box scripts ask this first.
  process.stdout.write(`${AMLPROBE_VERSION}\n`);
} else {
  const url = import.meta.url;
  const file = fileURLToPath(url);
  // Bytes, decoded a part at a time: decoding the whole file (2.6 MB, most of it packages this
  // command may never load) cost about 5 ms at every start. The markers are ASCII, so a byte
  // search finds them exactly where a search of the text would.
  const bytes = readFileSync(file);
  const segment = (name) => {
    const open = `/*@amlprobe:${name}\n`;
    const at = bytes.indexOf(open);
    const end = at < 0 ? -1 : bytes.indexOf('\n@amlprobe:end*/', at);
    if (end < 0) throw new Error(`${file} is damaged: its part '${name}' is missing. Copy amlprobe.mjs again.`);
    // Comments cannot hold "*/": build-bundle.mjs wrote it as "*\u0001/".
    return bytes.toString('utf8', at + Buffer.byteLength(open), end).split('*\u0001/').join('*/');
  };
  // The program's garbage-collector flags before it is compiled: V8 accepts a code cache only
  // under the flags it was made with, and the run that made it had set them (src/cli/gc-tuning.ts).
  // Set again before the cache is saved at exit: a large run's plan changed the young generation's
  // growth factor on the way (src/plan/young-generation.ts), and a cache saved under that factor
  // would be rejected by every next start.
  const flags = gcFlags(process.execArgv, process.env.NODE_OPTIONS);
  const setFlags = () => require('v8').setFlagsFromString(flags);
  setFlags();
  // Compiled with this user's V8 code cache when there is a usable one (./bundle-code-cache.mjs).
  // The program's digest comes from the build (scripts/build-bundle.mjs): hashing it here would load node:crypto.
  const program = runCached(`(function (require, module, exports, __amlprobeUrl, __amlprobeChunk) {${segment('program')}\n})`, AMLPROBE_PROGRAM_DIGEST, file, args[0], setFlags);
  const module = { exports: {} };
  program(require, module, module.exports, url, segment);
}
