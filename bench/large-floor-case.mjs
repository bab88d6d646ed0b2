// The large cases' floor, run beside amlprobe by bench/scale-cases.mjs: bench/large-floor.mjs over
// the same targets against the same lab (once with a FIN close, once with a reset), judged by the
// same expectations, and the CPU the lab's own processes (dnsmasq, bench/servers.mjs) spend during
// each run: on a 2-core machine what they use is not there for the client.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DNS, ROOT } from './lab.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The close modes the floor is measured with: destroy() (FIN, as amlprobe) and resetAndDestroy(). */
export const CLOSE_MODES = ['fin', 'reset'];

/**
 * CPU time (ms) each lab daemon has used so far, from /proc/<pid>/stat (utime + stime, clock ticks;
 * with tick accounting a task's stime includes the softirq work, such as the veth peer's network
 * stack, done in its context), and `machine`: every CPU's busy time from /proc/stat, which on a
 * shared machine includes everyone else's work too.
 */
export function labCpu(lab) {
  const out = {};
  try {
    // cpu user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    out.machine = (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) * 10;
  } catch {
    out.machine = NaN;
  }
  for (const [name, pid] of Object.entries(lab.pids ?? {})) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] = (Number(fields[11]) + Number(fields[12])) * 10; // 100 ticks a second (getconf CLK_TCK)
    } catch {
      out[name] = NaN;
    }
  }
  return out;
}

/** What the lab's daemons used between two labCpu readings. */
export const labCpuSince = (before, after) => Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));

/** The letter bench/large-floor.mjs prints for each outcome the large cases expect. */
const LETTER = { ok: 'c', tcp_timeout: 't' };

/** One floor run over `eps` (largeEndpoints) with `close`; the process is timed like amlprobe's. */
export async function runFloor(ctx, eps, close) {
  const before = labCpu(ctx.lab);
  const args = [`--dns=${DNS}`, `--timeout=${ctx.T}`, `--close=${close}`, ...eps.map((e) => e.target)];
  const r = await ctx.amlprobe(ctx.lab, args, join(ROOT, 'bench/large-floor.mjs'));
  const lab = labCpuSince(before, labCpu(ctx.lab));
  const f = JSON.parse(r.stdout);
  let wrong = 0;
  for (let i = 0; i < eps.length; i++) if (f.outcomes[i] !== LETTER[eps[i].expected]) wrong += 1;
  return {
    ms: r.ms, cpuMs: r.cpuMs, rssKb: r.rssKb, innerMs: f.ms, innerCpuMs: f.cpuMs, wrong, lab,
    connected: f.connected, timedOut: f.timedOut, failed: f.failed, noAddress: f.noAddress, retransmitted: f.retransmitted,
    lastConnectMs: f.lastConnectMs,
  };
}

/** Medians of a close mode's runs (peak RSS and wrong: the highest). */
export function floorSummary(runs) {
  const pick = (k) => median(runs.map((r) => r[k]));
  return {
    runs: runs.length, median: pick('ms'), walls: runs.map((r) => r.ms), cpuMs: pick('cpuMs'), innerMs: pick('innerMs'), innerCpuMs: pick('innerCpuMs'),
    rssMb: Math.max(...runs.map((r) => r.rssKb)) / 1024, wrong: Math.max(...runs.map((r) => r.wrong)),
    connected: runs.at(-1).connected, timedOut: runs.at(-1).timedOut, failed: runs.at(-1).failed, noAddress: runs.at(-1).noAddress,
    retransmitted: Math.max(...runs.map((r) => r.retransmitted)), lastConnectMs: pick('lastConnectMs'), lab: labSummary(runs.map((r) => r.lab)),
  };
}

/** Median CPU per lab daemon over runs. */
export function labSummary(labs) {
  const names = Object.keys(labs[0] ?? {});
  return Object.fromEntries(names.map((k) => [k, median(labs.map((l) => l[k]))]));
}

/** The lower of the close modes' medians: what this machine can do at all for that size. */
export const floorOf = (floor) => (floor === undefined ? undefined : Math.min(...CLOSE_MODES.map((m) => floor[m]?.median ?? Infinity)));

/** docs/benchmarks.md's section on the floor (one row per size and close mode). */
export function floorSection(rows, T) {
  const sizes = [...new Map(rows.filter((r) => r.floor).map((r) => [r.n, r])).values()];
  if (sizes.length === 0) return '';
  const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
  const t = (ms) => `${(ms / T).toFixed(2)} T`;
  const cores = (ms, wall) => (ms / wall).toFixed(2);
  const lines = [];
  for (const r of sizes) {
    for (const mode of CLOSE_MODES) {
      const f = r.floor[mode];
      if (!f) continue;
      lines.push(`| ${r.n} | ${mode === 'fin' ? '`destroy()` (FIN)' : '`resetAndDestroy()` (RST)'} | ${s(f.median)} | **${t(f.median)}** | ${s(f.cpuMs)} (${s(f.innerCpuMs)} after start-up) | ${f.rssMb.toFixed(0)} MiB | ${f.connected} / ${f.timedOut} / ${f.failed + f.noAddress} | ${f.wrong} | ${f.retransmitted} | ${s(f.lastConnectMs)} | ${s(f.lab.dnsmasq)} + ${s(f.lab.servers)} (with the client's: ${cores(f.cpuMs + f.lab.dnsmasq + f.lab.servers, f.median)} of 2 cores) | ${f.walls.map(s).join(', ')} |`);
    }
    const a = rows.find((x) => x.n === r.n && x.asked === 'default' && x.build === 'this');
    if (a?.lab) lines.push(`| ${r.n} | amlprobe [this], for comparison | ${s(a.median)} | ${t(a.median)} | ${s(a.cpuMs)} | ${a.rssMb.toFixed(0)} MiB | | ${a.wrong} | | | ${s(a.lab.dnsmasq)} + ${s(a.lab.servers)} (with amlprobe's: ${cores(a.cpuMs + a.lab.dnsmasq + a.lab.servers, a.median)} of 2 cores) | ${a.walls.map(s).join(', ')} |`);
  }
  return `### The large cases' floor: the same network work, nothing else

bench/large-floor.mjs, run in the client namespace between the amlprobe runs of each size: a bare
Node client asks the same dnsmasq A and AAAA for the same names (100 in flight, connected sockets of
64 queries, a lost datagram sent again after 500 ms, as amlprobe), connects to each name's address
as its A answer arrives with a T timeout (the dropped ones wait T) and closes each connection once
connected; no plan, verdicts, evidence or report. Its wall is the whole process, spawn to exit, as
amlprobe's. "wrong" compares its outcomes with the ones the targets were built to give; the lab's
CPU is what dnsmasq and bench/servers.mjs used during the run (/proc/<pid>/stat), taken from the
same 2 cores, shown with the client's CPU as the cores all three kept busy on average over the
run's wall (a run's last T is waiting, so its busy part used more). "last connect" is when the
floor's last connection started after its first query: the floor is about that plus T plus Node's
start and exit.

| endpoints | close | median wall | / T | CPU | peak RSS | connected / timed out / failed | wrong | datagrams sent again | last connect | lab CPU (dnsmasq + servers) | runs |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${lines.join('\n')}
`;
}
