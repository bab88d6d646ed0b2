// Case 4's middle measurement: amlprobe's resolver alone (src/dns/resolve-name.ts resolveName, the
// same code and GC tuning a run uses) for every name at once against DNS_SERVER, without the
// endpoint pipeline, the verdicts or the report. Prints the wall time in ms as JSON, with the CPU
// time (user + system) and the garbage collectors' time of the same span, which on a shared
// machine say more than the wall time. Runs in the client namespace.
// Usage: node dns-resolve.mjs SERVER TIMEOUT_MS NAME...
import { obeyYoungGeneration } from '../dist/src/cli/gc-tuning.js';
import { PerformanceObserver } from 'node:perf_hooks';
import { resolveName } from '../dist/src/dns/resolve-name.js';
import { youngGenerationFor } from '../dist/src/plan/young-generation.js';

const [server, timeoutText, ...names] = process.argv.slice(2);
// As a run of that many dns:// endpoints would (src/cli/probe-and-report.ts).
obeyYoungGeneration(youngGenerationFor(names.length));
const settings = { timeoutMs: Number(timeoutText), dnsServers: [server], dnsServersExplicit: true, systemResolver: false, privateCidrs: [] };
const signal = new AbortController().signal;
let gcMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
gc.observe({ entryTypes: ['gc'] });
const cpu = process.cpuUsage();
const started = performance.now();
const resolutions = await Promise.all(names.map((name) => resolveName(name, settings, signal)));
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
// The observer reports after the current turn: wait one so that the last collections count.
await new Promise((resolve) => setImmediate(resolve));
gc.disconnect();
const ok = resolutions.filter((r) => r.direct[0]?.reason === 'ok').length;
console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, gcMs, ok }));
process.exitCode = ok === names.length ? 0 : 1;
