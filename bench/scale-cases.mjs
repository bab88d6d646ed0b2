// The issue-15 cases of bench/run.mjs: large runs at 5,000 / 20,000 / 50,000 endpoints, the main
// job (`run` with the whole catalog, every connection dropped), TLS against a bare-handshake floor
// (and curl in parallel as a peer). Each runs every build given (this one, and --base DIR's when
// asked) alternately in the same lab, so that before/after is a side-by-side ratio on a noisy
// machine. `ctx` carries run.mjs's helpers: { lab, clis, amlprobe, inClient, commonArgs, T, SMOKE, log }.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADDR, DNS_ALL_DROPPED, ROOT, SPREAD } from './lab.mjs';
import { findProgram } from './netns.mjs';
import { CLOSE_MODES, floorSummary, labCpu, labCpuSince, labSummary, runFloor } from './large-floor-case.mjs';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The large cases' endpoints: short `HOST:PORT` targets (50,000 must fit one command line). */
export function largeEndpoints(n) {
  return Array.from({ length: n }, (_, i) => {
    const host = `l${i}.bt`;
    const dropped = i % 5 === 0;
    return { host, addr: dropped ? ADDR.dropped : SPREAD[i % SPREAD.length], target: `${host}:443`, expected: dropped ? 'tcp_timeout' : 'ok' };
  });
}

/** How the report's verdicts differ from what the targets were built to produce. */
export function wrongVerdicts(stdout, expectedByHost) {
  const report = JSON.parse(stdout);
  let wrong = 0;
  let notProbed = 0;
  const samples = {};
  for (const r of report.results) {
    if (r.reason === 'deadline') notProbed += 1;
    if (r.reason !== expectedByHost.get(r.host)) {
      wrong += 1;
      samples[r.reason] = (samples[r.reason] ?? 0) + 1;
    }
  }
  return { wrong, notProbed, wrongReasons: samples, concurrency: report.settings?.concurrency, engineMs: report.durationMs };
}

/**
 * Runs `args` with every build, `runs` times each, alternating; rows per build label. `between(i)`,
 * when given, runs after each round of builds (the large cases' floor, in the same rounds).
 */
async function sideBySide(ctx, runs, makeArgs, judge, label, env, between) {
  const per = new Map(ctx.clis.map((c) => [c.label, { walls: [], rss: [], engine: [], cpu: [], judged: [], lab: [] }]));
  for (let i = 0; i < runs; i++) {
    for (const cli of ctx.clis) {
      const labBefore = labCpu(ctx.lab);
      const r = await ctx.amlprobe(ctx.lab, makeArgs(cli), cli.entry, env);
      const row = per.get(cli.label);
      row.lab.push(labCpuSince(labBefore, labCpu(ctx.lab)));
      const j = judge(r.stdout);
      row.walls.push(r.ms);
      row.rss.push(r.rssKb);
      row.cpu.push(r.cpuMs);
      row.engine.push(j.engineMs);
      row.judged.push(j);
      const lab = row.lab.at(-1);
      ctx.log(`${label} [${cli.label}] run ${i + 1}: ${(r.ms / 1000).toFixed(3)} s (engine ${j.engineMs} ms) CPU ${(r.cpuMs / 1000).toFixed(2)} s rss ${(r.rssKb / 1024).toFixed(0)} MiB c=${j.concurrency} wrong ${j.wrong ?? '-'} not probed ${j.notProbed ?? '-'}; lab CPU dnsmasq ${lab.dnsmasq} ms servers ${lab.servers} ms, machine busy ${lab.machine} ms`);
    }
    await between?.(i);
  }
  return ctx.clis.map((cli) => {
    const row = per.get(cli.label);
    const wrong = Math.max(...row.judged.map((j) => j.wrong ?? 0));
    const notProbed = Math.max(...row.judged.map((j) => j.notProbed ?? 0));
    return {
      build: cli.label, median: median(row.walls), walls: row.walls, engine: median(row.engine), cpuMs: median(row.cpu),
      rssMb: Math.max(...row.rss) / 1024, wrong, notProbed, concurrency: row.judged.at(-1).concurrency, wrongReasons: row.judged.at(-1).wrongReasons,
      endpoints: row.judged.at(-1).endpoints, reasons: row.judged.at(-1).reasons, lab: labSummary(row.lab),
    };
  });
}

/**
 * 5,000 / 20,000 / 50,000 endpoints, a fifth dropped; the 5,000 case also at fixed concurrencies.
 * Each round of the default concurrency also runs the floor (bench/large-floor.mjs) over the same
 * targets, once per close mode; every row of a size carries that size's floor.
 */
export async function caseLargeSizes(ctx, sizes, concurrencies, runs) {
  const rows = [];
  for (const n of sizes) {
    const eps = largeEndpoints(n);
    const expected = new Map(eps.map((e) => [e.host, e.expected]));
    const judge = (stdout) => wrongVerdicts(stdout, expected);
    const floorRuns = Object.fromEntries(CLOSE_MODES.map((m) => [m, []]));
    const floorRound = async (i) => {
      for (const mode of CLOSE_MODES) {
        const f = await runFloor(ctx, eps, mode);
        floorRuns[mode].push(f);
        ctx.log(`large n=${n} floor (${mode}) run ${i + 1}: ${(f.ms / 1000).toFixed(3)} s, CPU ${(f.cpuMs / 1000).toFixed(2)} s, rss ${(f.rssKb / 1024).toFixed(0)} MiB, connected ${f.connected} timed out ${f.timedOut} failed ${f.failed + f.noAddress} wrong ${f.wrong}, sent again ${f.retransmitted}; lab CPU dnsmasq ${f.lab.dnsmasq} ms servers ${f.lab.servers} ms, machine busy ${f.lab.machine} ms (last connect ${f.lastConnectMs.toFixed(0)} ms after start)`);
      }
    };
    const sizeRows = [];
    for (const c of n === sizes[0] ? concurrencies : [undefined]) {
      const args = () => ['check', ...eps.map((e) => e.target), ...ctx.commonArgs(ctx.lab), ...(c ? ['--concurrency', String(c)] : [])];
      const between = c === undefined ? floorRound : undefined;
      for (const row of await sideBySide(ctx, runs, args, judge, `large n=${n} c=${c ?? 'default'}`, undefined, between)) sizeRows.push({ n, asked: c ?? 'default', ...row });
    }
    const floor = Object.fromEntries(CLOSE_MODES.map((m) => [m, floorSummary(floorRuns[m])]));
    for (const row of sizeRows) rows.push({ ...row, floor });
  }
  return rows;
}

/**
 * The main job: `amlprobe run` with the whole catalog for a workspace behind private endpoints, a
 * DNS server that answers every name with the dropped address: every endpoint waits its timeout.
 * IMDS is switched off (nothing is sent to 169.254.169.254); the workspace profile is given.
 */
export async function caseMainJob(ctx, runs) {
  const args = () => [
    'run', '--region', 'eastus', '--workspace-name', 'benchws', '--workspace-id', '0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    '--storage-account', 'benchstorage', '--key-vault', 'bench-kv', '--container-registry', 'benchacr', '--private-endpoints',
    '--dns-server', DNS_ALL_DROPPED, '--no-system-resolver', '--no-azure-dns', '--no-proxy', '--timeout', `${ctx.T}ms`, '--format', 'json',
  ];
  const judge = (stdout) => {
    const report = JSON.parse(stdout);
    const reasons = {};
    for (const r of report.results) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
    return { engineMs: report.durationMs, concurrency: report.settings?.concurrency, endpoints: report.results.length, reasons, notProbed: reasons.deadline ?? 0 };
  };
  const env = { AMLPROBE_IMDS_URL: 'off' };
  return sideBySide(ctx, runs, args, judge, 'main job', env);
}

/**
 * TLS: client CPU per handshake. amlprobe checks N tls:// names (one server, distinct names so that
 * no probe is shared) and N tcp:// names; (CPU of the tls run - CPU of the tcp run) / N is the TLS
 * layer's CPU per handshake, next to a bare tls.connect loop (bench/tls-floor.mjs, one secure
 * context, no DNS) and curl --parallel over the same names.
 */
export async function caseTls(ctx, names, runs) {
  const expected = new Map(names.map((n) => [n, 'ok']));
  const judge = (stdout) => wrongVerdicts(stdout, expected);
  const tls = await sideBySide(ctx, runs, () => ['check', ...names.map((n) => `tls://${n}:443`), ...ctx.commonArgs(ctx.lab)], judge, `tls ${names.length}`);
  const tcp = await sideBySide(ctx, runs, () => ['check', ...names.map((n) => `tcp://${n}:443`), ...ctx.commonArgs(ctx.lab)], judge, `tcp ${names.length} (same names)`);
  const floor = [];
  const curl = [];
  for (let i = 0; i < runs; i++) {
    const r = await ctx.inClient(ctx.lab, process.execPath, [join(ROOT, 'bench/tls-floor.mjs'), ADDR.good, ctx.lab.caFile, '100', ...names]);
    const f = JSON.parse(r.stdout);
    floor.push(f);
    const tfile = join(ctx.lab.dir, 'curl-time.txt');
    const urls = names.flatMap((n) => ['-o', '/dev/null', `https://${n}/`]);
    const c = await ctx.inClient(ctx.lab, findProgram('time'), ['-f', '%e %U %S', '-o', tfile, findProgram('curl'), '-sS', '--parallel', '--parallel-max', '100', '--cacert', ctx.lab.caFile, ...urls]);
    const [, user, sys] = readFileSync(tfile, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
    curl.push({ ms: c.ms, cpuMs: (user + sys) * 1000, code: c.code });
    ctx.log(`tls floor run ${i + 1}: ${f.ms.toFixed(0)} ms, ${(f.cpuMs / f.handshakes).toFixed(2)} ms CPU/handshake (${f.failed} failed); curl --parallel ${c.ms.toFixed(0)} ms, ${((user + sys) * 1000 / names.length).toFixed(2)} ms CPU/request (exit ${c.code})`);
  }
  return {
    n: names.length,
    builds: tls.map((t, i) => ({ build: t.build, tls: t, tcp: tcp[i], cpuPerHandshake: (t.cpuMs - tcp[i].cpuMs) / names.length, cpuPerEndpoint: t.cpuMs / names.length })),
    floor: { ms: median(floor.map((f) => f.ms)), cpuPerHandshake: median(floor.map((f) => f.cpuMs / f.handshakes)), failed: Math.max(...floor.map((f) => f.failed)) },
    curl: { ms: median(curl.map((c) => c.ms)), cpuPerRequest: median(curl.map((c) => c.cpuMs / names.length)), failedRuns: curl.filter((c) => c.code !== 0).length },
  };
}
