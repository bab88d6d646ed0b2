// The DNS answer fuzzer (test/fuzz/dns-fuzz.ts) for a person with time: mutated answers from a real
// UDP/TCP server on 127.0.0.1, amlprobe's resolver must never throw, hang past its timeout, return
// an unknown reason or keep an address that is not one. `npm test` runs a few hundred seeded cases;
// this runs as many as asked. Build first (npm run build).
//
//   node bench/fuzz-dns.mjs [--seed N] [--cases N] [--first N] [--timeout MS] [--parallel N]
//   node bench/fuzz-dns.mjs --seed N --case N      replay one case (prints its answer)
//
// Exit 0 when every case kept every promise, 1 with one line per failing case (seed and case number
// to replay it), 2 on bad arguments.
import { parseArgs } from 'node:util';
import { runDnsFuzz } from '../dist/test/fuzz/dns-fuzz.js';

let values;
try {
  ({ values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      cases: { type: 'string', default: '100000' },
      first: { type: 'string', default: '0' },
      case: { type: 'string' },
      timeout: { type: 'string', default: '200' },
      parallel: { type: 'string', default: '40' },
      slack: { type: 'string', default: '1000' },
    },
  }));
} catch (error) {
  console.error(`fuzz-dns: ${error.message}`);
  process.exit(2);
}
const number = (name) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`fuzz-dns: --${name} must be a whole number, got '${values[name]}'`);
    process.exit(2);
  }
  return value;
};
const seed = number('seed');
const replay = values.case !== undefined;
const options = {
  seed,
  first: replay ? number('case') : number('first'),
  cases: replay ? 1 : number('cases'),
  timeoutMs: number('timeout'),
  parallel: replay ? 1 : Math.min(number('parallel'), 48),
  slackMs: number('slack'),
  onProgress: (done) => process.stderr.write(`\r${done} cases`),
  ...(replay ? { onAnswer: (n, answer) => console.log(JSON.stringify({ case: n, answer }, null, 2)) } : {}),
};
console.error(`fuzz-dns: seed ${seed}, cases ${options.first}..${options.first + options.cases - 1}, timeout ${options.timeoutMs} ms`);
const report = await runDnsFuzz(options);
process.stderr.write('\n');
for (const failure of report.failures) console.log(`FAIL seed ${seed} case ${failure.caseNumber}: ${failure.problem}`);
console.log(JSON.stringify({ seed, cases: report.cases, failures: report.failures.length, ms: report.ms, reasons: report.reasons }));
process.exitCode = report.failures.length === 0 ? 0 : 1;
