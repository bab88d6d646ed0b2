// Case 4's middle measurement: amlprobe's resolver alone (src/dns/resolve-name.ts resolveName, the
// same code and GC tuning a run uses) for every name at once against DNS_SERVER, without the
// endpoint pipeline, the verdicts or the report. Prints the wall time in ms as JSON. Runs in the
// client namespace. Usage: node dns-resolve.mjs SERVER TIMEOUT_MS NAME...
import '../dist/src/cli/gc-tuning.js';
import { resolveName } from '../dist/src/dns/resolve-name.js';

const [server, timeoutText, ...names] = process.argv.slice(2);
const settings = { timeoutMs: Number(timeoutText), dnsServers: [server], dnsServersExplicit: true, systemResolver: false, privateCidrs: [] };
const signal = new AbortController().signal;
const started = performance.now();
const resolutions = await Promise.all(names.map((name) => resolveName(name, settings, signal)));
const ms = performance.now() - started;
const ok = resolutions.filter((r) => r.direct[0]?.reason === 'ok').length;
console.log(JSON.stringify({ ms, ok }));
process.exitCode = ok === names.length ? 0 : 1;
