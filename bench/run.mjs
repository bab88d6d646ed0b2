// amlprobe benchmarks (issue 7): `npm run bench` measures and writes docs/benchmarks.md;
// `npm run bench -- --smoke` runs a tiny version of every case (no file written) so CI keeps it working.
// Needs root and the Debian packages listed in bench/lab.mjs REQUIREMENTS; run `npm run build` first
// (npm run bench does). Benchmarks are not tests: nothing here fails on a time, only on broken setup
// or on verdicts that are not what the targets were built to produce.

import './scratch-cache.mjs';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ADDR, DNS, ROOT, SPREAD, startLab } from './lab.mjs';
import { IP, findProgram } from './netns.mjs';
import { startupFormsSection } from './startup-forms.mjs';
import { caseLargeSizes, caseMainJob, caseTls, largeEndpoints, median } from './scale-cases.mjs';
import { floorOf, floorSection } from './large-floor-case.mjs';

const SMOKE = process.argv.includes('--smoke');
/** --only large,main,dns,tls,catalog,startup,tools: run these cases only (nothing is written). */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name) => ONLY === undefined || ONLY.includes(name);
/** --base=DIR: a second build (e.g. a worktree of main, built) measured side by side with this one. */
const BASE = process.argv.find((a) => a.startsWith('--base='))?.slice('--base='.length);
const T = SMOKE ? 1000 : 2000;
/** --runs=N: every case N times (default: 5 for the short cases, 3 for the long ones). */
const RUNS_ASKED = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? NaN);
const RUNS = SMOKE ? 1 : RUNS_ASKED || 5;
const LARGE_RUNS = SMOKE ? 1 : RUNS_ASKED || 3;
const TOOL_RUNS = SMOKE ? 1 : RUNS_ASKED || 3;
/** --sizes=5000,20000: the large cases' sizes. */
const SIZES_ASKED = process.argv.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length).split(',').map(Number);
const LARGE_SIZES = SIZES_ASKED ?? (SMOKE ? [100, 200] : [5000, 20000, 50000]);
const DNS_N = SMOKE ? 50 : 10000;
const TLS_N = SMOKE ? 20 : 1000;
const CONCURRENCIES = SMOKE || SIZES_ASKED ? [undefined] : [undefined, 512, 2048];
const CLI = join(ROOT, 'dist/src/cli.js');
const CLIS = [{ label: 'this', entry: CLI }, ...(BASE ? [{ label: 'base', entry: join(BASE, 'dist/src/cli.js') }] : [])];
const log = (...a) => console.error('[bench]', ...a);

// ---- targets --------------------------------------------------------------------------------

const COUNTS = SMOKE
  ? { web: 2, bad: 1, tcp: 2, ref: 1, dropt: 1, dropw: 1, nx: 1, pub: 1 }
  : { web: 20, bad: 2, tcp: 16, ref: 4, dropt: 6, dropw: 6, nx: 4, pub: 2 };
const KINDS = {
  web: { cat: 'ok (HTTPS 200)', kind: 'https', addr: ADDR.good },
  bad: { cat: 'untrusted certificate', kind: 'https', addr: ADDR.self },
  tcp: { cat: 'ok (TCP open)', kind: 'tcp', addr: ADDR.open },
  ref: { cat: 'refused (TCP reset)', kind: 'tcp', addr: ADDR.refused },
  dropt: { cat: 'timeout (dropped)', kind: 'tcp', addr: ADDR.dropped },
  dropw: { cat: 'timeout (dropped)', kind: 'https', addr: ADDR.dropped },
  nx: { cat: 'NXDOMAIN', kind: 'dns', addr: undefined },
  pub: { cat: 'public address', kind: 'dns', addr: ADDR.public },
};
const CATEGORIES = ['ok (TCP open)', 'ok (HTTPS 200)', 'NXDOMAIN', 'public address', 'timeout (dropped)', 'refused (TCP reset)', 'untrusted certificate'];

function targetOf(kind, host) {
  if (kind === 'dns') return `dns://${host}`;
  if (kind === 'tcp') return `tcp://${host}:443`;
  return `https://${host}/`;
}

const catalog = [];
for (const [prefix, count] of Object.entries(COUNTS)) {
  for (let i = 0; i < count; i++) {
    const { cat, kind, addr } = KINDS[prefix];
    const host = `${prefix}-${i}.bench.test`;
    catalog.push({ id: host, cat, kind, host, addr, target: targetOf(kind, host) });
  }
}
// A fifth dropped, spread evenly (every fifth endpoint), as a firewall would drop one service's hosts.
const large = largeEndpoints(Math.max(...LARGE_SIZES));
const dnsNames = Array.from({ length: DNS_N }, (_, i) => `dns-${i}.bench.test`);
const tlsNames = Array.from({ length: TLS_N }, (_, i) => `t${i}.bench.test`);

const hosts = new Map();
for (const e of catalog) if (e.addr) hosts.set(e.host, e.addr);
for (const e of large) hosts.set(e.host, e.addr);
for (const n of dnsNames) hosts.set(n, ADDR.open);
for (const n of tlsNames) hosts.set(n, ADDR.good);

// ---- helpers --------------------------------------------------------------------------------

const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const ratio = (ms) => `${(ms / T).toFixed(2)} T`;

/** Runs a program inside the client namespace; resolves {ms, code, stdout, stderr}. */
function inClient(lab, program, args, { timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(IP, ['netns', 'exec', lab.pair.client, program, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, stdout, stderr });
    });
  });
}

/** One amlprobe process under /usr/bin/time: wall (measured here), peak RSS (KiB), CPU (ms) and the JSON report. */
async function amlprobe(lab, args, entry = CLI, env = {}) {
  const tfile = join(lab.dir, 'time.txt');
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const r = await inClient(lab, '/usr/bin/env', [...vars, findProgram('time'), '-f', '%e %M %U %S', '-o', tfile, process.execPath, entry, ...args]);
  const [, rss, user, sys] = readFileSync(tfile, 'utf8').trim().split(/\s+/).slice(-4);
  if (r.code !== 0 && r.code !== 1) throw new Error(`amlprobe exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
  return { ...r, rssKb: Number(rss), cpuMs: (Number(user) + Number(sys)) * 1000 };
}

function commonArgs(lab) {
  return ['--dns-server', DNS, '--no-system-resolver', '--no-proxy', '--timeout', `${T}ms`, '--ca-file', lab.caFile, '--format', 'json'];
}

/** Endpoint results of a JSON report as [target, status, reason]. */
function verdicts(stdout) {
  const report = JSON.parse(stdout);
  return report.results.map((e) => [e.id, e.status, `${e.layer ?? ''}${e.layer ? ' ' : ''}${e.reason}`]);
}
/** How many endpoints got each reason code (ok, tcp_timeout, dns_timeout, ...). */
function countStatuses(stdout) {
  const counts = {};
  for (const r of JSON.parse(stdout).results) counts[r.reason] = (counts[r.reason] ?? 0) + 1;
  return counts;
}

// ---- cases ----------------------------------------------------------------------------------

async function caseCatalog(lab) {
  const args = ['check', ...catalog.map((e) => e.target), ...commonArgs(lab), '--expect-private'];
  const walls = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    last = await amlprobe(lab, args);
    walls.push(last.ms);
    log(`catalog run ${i + 1}: ${fmt(last.ms)} (engine ${JSON.parse(last.stdout).durationMs} ms)`);
  }
  // The jump-box bundle (one file, no module resolution), when `npm run build` made it.
  const bundle = join(ROOT, 'dist/amlprobe.mjs');
  const bundleWalls = [];
  if (existsSync(bundle)) {
    for (let i = 0; i < RUNS; i++) {
      const r = await amlprobe(lab, args, bundle);
      bundleWalls.push(r.ms);
      log(`catalog run ${i + 1} (bundle): ${fmt(r.ms)} (engine ${JSON.parse(r.stdout).durationMs} ms)`);
    }
  }
  // The same targets with the --base build, when given (before/after).
  const baseWalls = [];
  for (const cli of CLIS.filter((c) => c.label !== 'this')) {
    for (let i = 0; i < RUNS; i++) {
      const r = await amlprobe(lab, args, cli.entry);
      baseWalls.push(r.ms);
      log(`catalog run ${i + 1} [${cli.label}]: ${fmt(r.ms)} (engine ${JSON.parse(r.stdout).durationMs} ms)`);
    }
  }
  return {
    walls, median: median(walls), bundleMedian: bundleWalls.length ? median(bundleWalls) : undefined, baseMedian: baseWalls.length ? median(baseWalls) : undefined,
    rssKb: last.rssKb, statuses: countStatuses(last.stdout), report: last.stdout,
  };
}

async function caseStartup(lab) {
  const out = join(lab.dir, 'hyperfine.json');
  const bundle = join(ROOT, 'dist/amlprobe.mjs');
  const check = (entry) => [process.execPath, entry, 'check', `tcp://${ADDR.open}:443`, '--dns-server', DNS, '--no-system-resolver', '--no-proxy', '--timeout', `${T}ms`].join(' ');
  // Both forms a user starts: the README's CLI entry (the npm bin, which runs the one file when that is
  // fresh: src/cli/fresh-bundle.ts) and the jump-box one file
  // (its warm-ups write its code cache, as a user's first run does).
  const r = await inClient(lab, findProgram('hyperfine'), [
    '-N', '-i', '--warmup', '3', '--runs', SMOKE ? '3' : '30', '--export-json', out,
    `${process.execPath} -e 0`, `${process.execPath} ${CLI} --version`, check(CLI),
    `${process.execPath} ${bundle} --version`, check(bundle),
  ]);
  if (r.code !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
  const results = JSON.parse(readFileSync(out, 'utf8')).results;
  return results.map((x) => ({ command: x.command.replaceAll(ROOT + '/', '').replaceAll(process.execPath, 'node'), medianMs: x.median * 1000, meanMs: x.mean * 1000, stddevMs: x.stddev * 1000 }));
}

async function caseDns(lab) {
  const args = (names) => ['check', ...names.map((n) => `dns://${n}`), ...commonArgs(lab)];
  const per = Object.fromEntries(CLIS.map((c) => [c.label, { many: [], engine: [], one: [], cpu: [], rss: [], statuses: {} }]));
  const resolver = [];
  const floor = [];
  for (let i = 0; i < RUNS; i++) {
    for (const cli of CLIS) {
      const row = per[cli.label];
      row.one.push((await amlprobe(lab, args(dnsNames.slice(0, 1)), cli.entry)).ms);
      const last = await amlprobe(lab, args(dnsNames), cli.entry);
      row.many.push(last.ms);
      row.cpu.push(last.cpuMs);
      row.rss.push(last.rssKb);
      row.engine.push(JSON.parse(last.stdout).durationMs);
      row.statuses = countStatuses(last.stdout);
      log(`dns [${cli.label}] run ${i + 1}: ${DNS_N} names ${fmt(row.many.at(-1))} (engine ${row.engine.at(-1)} ms, CPU ${last.cpuMs.toFixed(0)} ms), 1 name ${fmt(row.one.at(-1))} ${JSON.stringify(row.statuses)}`);
    }
    const blast = await inClient(lab, process.execPath, [join(ROOT, 'bench/dns-blast.mjs'), DNS, '100', ...dnsNames]);
    floor.push(JSON.parse(blast.stdout).ms);
    const alone = await inClient(lab, process.execPath, [join(ROOT, 'bench/dns-resolve.mjs'), DNS, String(T), ...dnsNames]);
    if (alone.code !== 0) throw new Error(`bench/dns-resolve.mjs failed: ${alone.stdout}${alone.stderr}`);
    resolver.push(JSON.parse(alone.stdout).ms);
    log(`dns run ${i + 1}: resolver alone ${fmt(resolver.at(-1))}, raw UDP floor ${fmt(floor.at(-1))}`);
  }
  const builds = CLIS.map((cli) => {
    const row = per[cli.label];
    const many = median(row.many);
    const one = median(row.one);
    return { build: cli.label, many, one, engine: median(row.engine), cpuMs: median(row.cpu), rssKb: Math.max(...row.rss), statuses: row.statuses, namesPerSecond: DNS_N / ((many - one) / 1000) };
  });
  return { builds, resolver: median(resolver), floor: median(floor) };
}

// ---- side by side ---------------------------------------------------------------------------

function loopScript(lab) {
  const lines = catalog.map((e) => `probe ${e.id} ${e.kind} ${e.host}`);
  return `#!/bin/bash
# What an engineer writes today: one endpoint after the other, dig + nc -z + curl.
DNS=${DNS}; T=${T / 1000}; CA=${lab.caFile}
probe() {
  local id=$1 kind=$2 host=$3 out status addr sig nc_out rc code
  out=$(dig +time=$T +tries=1 +noall +comments +answer @$DNS "$host" A)
  status=$(grep -o 'status: [A-Z]*' <<<"$out" | cut -d' ' -f2)
  addr=$(awk '$4=="A"{print $5}' <<<"$out" | tail -1)
  sig="dig=$status\${addr:+ A=$addr}"
  if [ "$kind" = tcp ]; then
    nc_out=$(nc -vz -w $T "$host" 443 2>&1); rc=$?
    sig="$sig | nc=$rc $nc_out"
  elif [ "$kind" = https ]; then
    code=$(curl -sS -o /dev/null --connect-timeout $T --max-time $T --cacert "$CA" -w '%{http_code}' "https://$host/" 2>/dev/null); rc=$?
    sig="$sig | curl=$rc http=$code"
  fi
  printf '%s\\t%s\\n' "$id" "$sig"
}
${lines.join('\n')}
`;
}

/** Reduces a tool's raw per-endpoint output to what a reader of that output can see. */
function loopSignature(raw) {
  return raw
    .replace(/A=10\.[0-9.]+/, 'A=10.x (private)')
    .replace(/A=198\.51\.100\.\d+/, 'A=198.51.100.20 (public)')
    .replace(/nc=(\d+) .*succeeded!?/, 'nc=$1 succeeded')
    .replace(/nc=(\d+) .*(Connection refused|timed out|No route to host)[^|]*/, 'nc=$1 $2')
    .replace(/curl=60 http=\d+/, 'curl=60 (SSL certificate problem)')
    .replace(/curl=28 http=\d+/, 'curl=28 (timeout)')
    .replace(/curl=7 http=\d+/, 'curl=7 (could not connect)');
}

function blackboxConfig(lab) {
  const lines = ['modules:',
    '  tcp:', '    prober: tcp', `    timeout: ${T / 1000}s`, '    tcp:', '      preferred_ip_protocol: ip4',
    '  https:', '    prober: http', `    timeout: ${T / 1000}s`, '    http:', '      preferred_ip_protocol: ip4',
    '      tls_config:', `        ca_file: ${lab.caFile}`];
  for (const e of catalog.filter((x) => x.kind === 'dns')) {
    lines.push(`  dns_${e.host.replaceAll(/[.-]/g, '_')}:`, '    prober: dns', `    timeout: ${T / 1000}s`, '    dns:',
      '      preferred_ip_protocol: ip4', '      transport_protocol: udp', `      query_name: ${e.host}`, '      query_type: A',
      '      valid_rcodes: [NOERROR]');
  }
  return lines.join('\n') + '\n';
}

function blackboxSignature(metrics) {
  const get = (name) => metrics.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1];
  const parts = [`probe_success=${get('probe_success')}`];
  const status = get('probe_http_status_code');
  if (status !== undefined) parts.push(`http_status=${status}`);
  const rrs = get('probe_dns_answer_rrs');
  if (rrs !== undefined) parts.push(`answer_rrs=${rrs}`);
  const duration = Number(get('probe_duration_seconds'));
  parts.push(duration >= (T / 1000) * 0.9 ? 'after ~T' : 'fast');
  return parts.join(' ');
}

async function caseSideBySide(lab, catalogMedian) {
  const tools = {};
  // 1. the sequential loop
  const script = join(lab.dir, 'loop.sh');
  writeFileSync(script, loopScript(lab), { mode: 0o755 });
  const loopWalls = [];
  let loopOut;
  for (let i = 0; i < TOOL_RUNS; i++) {
    const r = await inClient(lab, '/bin/bash', [script]);
    loopWalls.push(r.ms);
    loopOut = r.stdout;
    log(`loop run ${i + 1}: ${fmt(r.ms)}`);
  }
  tools.loop = { walls: loopWalls, signatures: Object.fromEntries(loopOut.trim().split('\n').map((l) => { const [id, sig] = l.split('\t'); return [id, loopSignature(sig)]; })) };

  // 2. blackbox exporter, one /probe per endpoint, all in parallel
  const cfg = join(lab.dir, 'blackbox.yml');
  writeFileSync(cfg, blackboxConfig(lab));
  const port = 9115;
  const exporter = lab.pair.spawnDaemon(lab.pair.client, findProgram('prometheus-blackbox-exporter'), [`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`]);
  await lab.pair.waitForListener(lab.pair.client, 'tcp', '127.0.0.1', port, exporter);
  const items = catalog.map((e) => ({
    id: e.id,
    query: e.kind === 'dns' ? `module=dns_${e.host.replaceAll(/[.-]/g, '_')}&target=${DNS}` : e.kind === 'tcp' ? `module=tcp&target=${e.host}:443` : `module=https&target=https://${e.host}/`,
  }));
  const itemsFile = join(lab.dir, 'blackbox-items.json');
  writeFileSync(itemsFile, JSON.stringify(items));
  const bbWalls = [];
  let bbOut;
  for (let i = 0; i < TOOL_RUNS; i++) {
    const r = await inClient(lab, process.execPath, [join(ROOT, 'bench/blackbox-driver.mjs'), String(port), itemsFile]);
    if (r.code !== 0) throw new Error(`blackbox driver failed: ${r.stderr}`);
    bbWalls.push(r.ms);
    bbOut = JSON.parse(r.stdout);
    log(`blackbox run ${i + 1}: ${fmt(r.ms)}`);
  }
  tools.blackbox = { walls: bbWalls, signatures: Object.fromEntries(Object.entries(bbOut).map(([id, m]) => [id, blackboxSignature(m)])) };

  // 3. nmap: TCP port state of every endpoint that has a port (not dns:// ones)
  const scanned = catalog.filter((e) => e.kind !== 'dns');
  const nmapWalls = [];
  let nmapOut;
  for (let i = 0; i < TOOL_RUNS; i++) {
    const r = await inClient(lab, findProgram('nmap'), ['-n', '-Pn', '-p', '443', '--max-retries', '1', '-T4', '--dns-servers', DNS, '-oG', '-', ...scanned.map((e) => e.host)]);
    nmapWalls.push(r.ms);
    nmapOut = r.stdout;
    log(`nmap run ${i + 1}: ${fmt(r.ms)}`);
  }
  // -n: with reverse DNS on, nmap names every host on one address after dnsmasq's first PTR name,
  // so results are matched by address (port state is a property of address:port anyway).
  const byAddress = {};
  for (const line of nmapOut.split('\n')) {
    const m = line.match(/^Host: (\S+) .*\tPorts: 443\/(\w+)\//);
    if (m) byAddress[m[1]] = `443/${m[2]}`;
  }
  const nmapSig = Object.fromEntries(scanned.map((e) => [e.id, byAddress[e.addr] ?? '(no output)']));
  tools.nmap = { walls: nmapWalls, signatures: nmapSig, applies: new Set(scanned.map((e) => e.id)) };

  // amlprobe's own verdicts on the same targets (from the catalog case's last report)
  const amlSig = {};
  for (const r of JSON.parse(catalogMedian.report).results) amlSig[r.host] = `${r.status} ${r.layer ?? ''} ${r.reason}`.replace(/\s+/g, ' ');
  tools.amlprobe = { walls: catalogMedian.walls, signatures: amlSig };
  return tools;
}

/** Per category: the signature(s) a tool showed, and whether categories are told apart. */
function verdictTable(tools) {
  const order = ['amlprobe', 'loop', 'blackbox', 'nmap'];
  const perTool = {};
  for (const name of order) {
    const tool = tools[name];
    perTool[name] = {};
    for (const cat of CATEGORIES) {
      const ids = catalog.filter((e) => e.cat === cat && (!tool.applies || tool.applies.has(e.id))).map((e) => e.id);
      const sigs = [...new Set(ids.map((id) => tool.signatures[id] ?? '(no output)'))];
      perTool[name][cat] = ids.length === 0 ? 'n/a' : sigs.join(' / ');
    }
  }
  // Verdicts told apart: the two ok rows are one verdict ("ok"); a verdict counts when no other
  // verdict produced the same signature.
  const verdictOf = (c) => (c.startsWith('ok') ? 'ok' : c);
  const distinct = {};
  for (const name of order) {
    const cells = CATEGORIES.filter((c) => perTool[name][c] !== 'n/a');
    const verdicts = [...new Set(cells.map(verdictOf))];
    const told = verdicts.filter((v) => cells.every((d) => verdictOf(d) === v || cells.filter((c) => verdictOf(c) === v).every((c) => perTool[name][c] !== perTool[name][d])));
    distinct[name] = `${told.length} of ${verdicts.length}`;
  }
  return { order, perTool, distinct };
}

// ---- report ---------------------------------------------------------------------------------

/** A row of a build ('this' or 'base'), or undefined. */
const ofBuild = (rows, build) => rows?.find((r) => r.build === build);
const pct = (x) => `${(x * 100).toFixed(0)} %`;

function markdown(m) {
  const { catalogCase, mainJob, largeRows, startup, dnsCase, tlsCase, tools, table } = m;
  const esc = (s) => s.replaceAll('|', '\\|');
  const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;
  const side = BASE !== undefined;
  /** "after (before)" when a base build was measured beside this one. */
  const ab = (after, before) => (before === undefined ? after : `${after} (before: ${before})`);
  const large = (n, build) => largeRows?.find((r) => r.n === n && r.asked === 'default' && r.build === build);
  const met = (ok) => (ok ? 'yes' : '**no**');
  const rows = [];
  if (mainJob) {
    const a = ofBuild(mainJob, 'this');
    const b = ofBuild(mainJob, 'base');
    rows.push(`| \`run\` with the catalog (${a.endpoints ?? 'all'} endpoints), everything dropped | ${ab(`**${ratio(a.median)}** (engine ${ratio(a.engine)})`, b && `${ratio(b.median)}, engine ${ratio(b.engine)}`)} | ≤ 1.15 T | ${met(a.median <= 1.15 * T)} |`);
  }
  if (catalogCase) {
    rows.push(`| ${catalog.length} endpoints (${catalog.filter((e) => e.cat.startsWith('timeout')).length} dropped), \`check\` | ${ab(`**${ratio(catalogCase.median)}**`, catalogCase.baseMedian && ratio(catalogCase.baseMedian))} | ≤ 1.10 T | ${met(catalogCase.median <= 1.1 * T)} |`);
  }
  for (const [n, limit, mem] of [[5000, 1.5, 120], [20000, 2, undefined], [50000, 3, 400]]) {
    const a = large(n, 'this');
    if (!a) continue;
    const b = large(n, 'base');
    const probed = (r) => `${pct(1 - r.notProbed / n)} probed, ${r.wrong} wrong`;
    // The machine's floor for this size (bench/large-floor.mjs), beside the target.
    const floor = floorOf(a.floor);
    const floorNote = floor === undefined ? '' : ` (floor ${ratio(floor)})`;
    rows.push(`| ${n.toLocaleString('en')} endpoints, a fifth dropped, default concurrency (${a.concurrency}) | ${ab(`**${ratio(a.median)}**, ${a.rssMb.toFixed(0)} MiB, ${probed(a)}`, b && `${ratio(b.median)}, ${b.rssMb.toFixed(0)} MiB, ${probed(b)}`)} | ≤ ${limit} T${floorNote}${mem ? `, ≤ ${mem} MiB` : ''}, all probed | ${met(a.median <= limit * T && (mem === undefined || a.rssMb <= mem) && a.notProbed === 0 && a.wrong === 0)} |`);
  }
  if (dnsCase) {
    const a = ofBuild(dnsCase.builds, 'this');
    const b = ofBuild(dnsCase.builds, 'base');
    const x = (r) => (r.many - r.one) / dnsCase.floor;
    rows.push(`| ${DNS_N.toLocaleString('en')} DNS names vs the raw-UDP floor on the same server (wall, above a 1-name run) | ${ab(`**${x(a).toFixed(1)} x**, ${a.namesPerSecond.toFixed(0)} names/s`, b && `${x(b).toFixed(1)} x, ${b.namesPerSecond.toFixed(0)} names/s`)} | ≤ 2 x, ≥ 5,000 names/s | ${met(x(a) <= 2 && a.namesPerSecond >= 5000)} |`);
  }
  if (startup) {
    // Issue 15's start-up targets, as ratios to bare node measured in the same hyperfine run.
    const x = (form, what) => {
      const r = startup.find((s) => s.command.startsWith(`node ${form} ${what}`));
      return r && r.medianMs / startup[0].medianMs;
    };
    const checks = ['dist/src/cli.js', 'dist/amlprobe.mjs'].map((f) => [f, x(f, 'check')]).filter(([, v]) => v !== undefined);
    if (checks.length > 0) rows.push(`| one-endpoint \`check\` vs \`node -e 0\` | ${checks.map(([f, v]) => `\`${f}\` **${v.toFixed(2)} x**`).join(', ')} | ≤ 1.5 x | ${met(checks.every(([, v]) => v <= 1.5))} |`);
    const version = x('dist/amlprobe.mjs', '--version');
    if (version !== undefined) rows.push(`| the one file's \`--version\` vs \`node -e 0\` | **${version.toFixed(2)} x** | ≤ 1.3 x | ${met(version <= 1.3)} |`);
  }
  if (tlsCase) {
    const a = ofBuild(tlsCase.builds, 'this');
    const b = ofBuild(tlsCase.builds, 'base');
    rows.push(`| TLS client CPU per handshake (bare \`tls.connect\`: ${tlsCase.floor.cpuPerHandshake.toFixed(2)} ms) | ${ab(`**${a.cpuPerHandshake.toFixed(2)} ms**`, b && `${b.cpuPerHandshake.toFixed(2)} ms`)} | ≤ 2 ms | ${met(a.cpuPerHandshake <= 2)} |`);
  }

  const largeTable = largeRows === undefined ? '' : `### Large runs (every fifth endpoint dropped)

The endpoints are \`lN.bt:443\` targets (short, so that 50,000 fit one command line), every fifth
resolving to the dropped address, the others spread over 40 listening addresses. "wrong" counts
endpoints whose reason is not the one its target was built to give (tcp_timeout for the dropped,
ok for the others), "not probed" those the deadline (default 5 T) cut before they started.
"floor" is the machine's floor for that size (the next table: the lower of its two close modes'
medians), "x floor" the wall over it.

| endpoints | --concurrency (used) | build | median wall | / T | engine / T | floor | x floor | CPU | peak RSS | wrong | not probed | runs |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${largeRows.map((r) => { const f = floorOf(r.floor); return `| ${r.n} | ${r.asked} (${r.concurrency}) | ${r.build} | ${fmt(r.median)} | ${ratio(r.median)} | ${ratio(r.engine)} | ${f === undefined ? '' : ratio(f)} | ${f === undefined ? '' : `${(r.median / f).toFixed(2)} x`} | ${fmt(r.cpuMs)} | ${r.rssMb.toFixed(0)} MiB | ${r.wrong}${r.wrong ? ` ${esc(JSON.stringify(r.wrongReasons))}` : ''} | ${r.notProbed} | ${r.walls.map(fmt).join(', ')} |`; }).join('\n')}

${floorSection(largeRows, T)}`;
  const mainTable = mainJob === undefined ? '' : `### The main job: \`amlprobe run\` with the catalog, everything dropped

\`run --region eastus --workspace-name benchws --workspace-id ... --storage-account ... --key-vault ...
--container-registry ... --private-endpoints --dns-server 10.88.0.54 --no-system-resolver --no-azure-dns
--no-proxy --timeout 2s\` with \`AMLPROBE_IMDS_URL=off\`: every name resolves (privately) to the
dropped address, so every endpoint waits out its timeout; the floor is one T plus start-up.

| build | median wall | / T | engine (durationMs) / T | CPU | peak RSS | endpoints | reasons (last run) |
| --- | --- | --- | --- | --- | --- | --- | --- |
${mainJob.map((r) => `| ${r.build} | ${fmt(r.median)} | ${ratio(r.median)} | ${ratio(r.engine)} | ${fmt(r.cpuMs)} | ${r.rssMb.toFixed(0)} MiB | ${r.endpoints ?? ''} | ${esc(JSON.stringify(r.reasons ?? {}))} |`).join('\n')}
`;
  const dnsTable = dnsCase === undefined ? '' : `### DNS: ${DNS_N.toLocaleString('en')} distinct names

| | ${dnsCase.builds.map((b) => b.build).join(' | ')} |
| --- | ${dnsCase.builds.map(() => '---').join(' | ')} |
| whole process, ${DNS_N} \`dns://\` names | ${dnsCase.builds.map((b) => `${fmt(b.many)} (CPU ${fmt(b.cpuMs)}, ${mib(b.rssKb)})`).join(' | ')} |
| whole process, 1 name | ${dnsCase.builds.map((b) => fmt(b.one)).join(' | ')} |
| the names' share (difference) | ${dnsCase.builds.map((b) => `${fmt(b.many - b.one)} = ${((b.many - b.one) / dnsCase.floor).toFixed(1)} x the floor, ${b.namesPerSecond.toFixed(0)} names/s`).join(' | ')} |
| engine alone (durationMs) | ${dnsCase.builds.map((b) => `${fmt(b.engine)} = ${(b.engine / dnsCase.floor).toFixed(1)} x the floor`).join(' | ')} |
| reasons | ${dnsCase.builds.map((b) => esc(JSON.stringify(b.statuses))).join(' | ')} |

The floor: the same ${DNS_N * 2} questions (A and AAAA per name) as raw UDP, 100 in flight on one
socket, no verdicts (bench/dns-blast.mjs, node start-up excluded): **${fmt(dnsCase.floor)}**.
amlprobe's resolver alone (bench/dns-resolve.mjs: resolveName for every name at once, no pipeline,
verdicts or report): ${fmt(dnsCase.resolver)}.
`;
  const tlsTable = tlsCase === undefined ? '' : `### TLS: CPU per handshake

${tlsCase.n} \`tls://tN.bench.test:443\` endpoints (distinct names, one HTTPS server, certificate from
the bench CA); the TLS layer's CPU per handshake is (CPU of that run − CPU of the same names as
\`tcp://\`) / ${tlsCase.n}, from \`/usr/bin/time\` (user + system).

| | wall | CPU | CPU per handshake |
| --- | --- | --- | --- |
${tlsCase.builds.map((b) => `| amlprobe [${b.build}], ${tlsCase.n} tls:// | ${fmt(b.tls.median)} | ${fmt(b.tls.cpuMs)} | **${b.cpuPerHandshake.toFixed(2)} ms** (${b.cpuPerEndpoint.toFixed(2)} ms per endpoint with DNS and TCP) |
| amlprobe [${b.build}], the same names as tcp:// | ${fmt(b.tcp.median)} | ${fmt(b.tcp.cpuMs)} | |`).join('\n')}
| bare \`tls.connect\` loop, 100 at once, one secure context (bench/tls-floor.mjs, start-up excluded) | ${fmt(tlsCase.floor.ms)} | | **${tlsCase.floor.cpuPerHandshake.toFixed(2)} ms** |
| \`curl --parallel --parallel-max 100\` over the same names (HTTPS GET, start-up included) | ${fmt(tlsCase.curl.ms)} | | ${tlsCase.curl.cpuPerRequest.toFixed(2)} ms per request |
`;
  const startupTable = startup === undefined ? '' : `### Start-up (hyperfine, ${SMOKE ? 3 : 30} runs after 3 warm-ups, in the client namespace)

| command | median | mean ± σ | / \`node -e 0\` |
| --- | --- | --- | --- |
${startup.map((x) => `| \`${x.command}\` | ${x.medianMs.toFixed(1)} ms | ${x.meanMs.toFixed(1)} ± ${x.stddevMs.toFixed(1)} ms | ${(x.medianMs / startup[0].medianMs).toFixed(2)} x |`).join('\n')}
`;
  const toolRow = (label, walls, note) => `| ${label} | ${fmt(median(walls))} | ${ratio(median(walls))} | ${(median(walls) / catalogCase.median).toFixed(1)}x | ${note} |`;
  const toolsTable = tools === undefined ? '' : `### Side by side: same ${catalog.length} targets, same run

| tool | median wall (${TOOL_RUNS} runs) | / T | wall / amlprobe's | how |
| --- | --- | --- | --- | --- |
| amlprobe | ${fmt(catalogCase.median)} | ${ratio(catalogCase.median)} | 1.0x | \`check\` with every target, one process |
${toolRow('dig + nc + curl loop', tools.loop.walls, 'sequential bash loop: dig for every name, then `nc -vz -w T` (tcp) or `curl --connect-timeout T --max-time T --cacert` (https)')}
${toolRow('prometheus-blackbox-exporter', tools.blackbox.walls, 'one GET /probe per target, all in parallel (small node driver, node start-up included); tcp / http / one dns module per name')}
${toolRow('nmap', tools.nmap.walls, `\`nmap -n -Pn -p 443 --max-retries 1 -T4\` over the ${catalog.filter((e) => e.kind !== 'dns').length} endpoints that have a port`)}

What each tool's output tells apart (the signature each produced per category, this run):

| category | ${table.order.join(' | ')} |
| --- | ${table.order.map(() => '---').join(' | ')} |
${CATEGORIES.map((c) => `| ${c} | ${table.order.map((t) => esc(table.perTool[t][c])).join(' | ')} |`).join('\n')}
| **categories told apart** | ${table.order.map((t) => table.distinct[t]).join(' | ')} |

The loop tells most apart only because it parses dig's status line and reads nc's and curl's
messages, and only a reader who knows 198.51.100.20 is public sees that verdict; it costs one full
T per dropped endpoint, sequentially. The blackbox exporter's time excludes its own start-up (a
daemon started before the timing). Its output is probe_success and a few metrics: a dropped
endpoint differs from a refused one only by probe_duration_seconds; an https target that refuses
shows the same probe_success=0 http_status=0 as an untrusted certificate. nmap sees TCP port state
only: an untrusted certificate is "open", and dns:// targets do not apply.
`;
  return `# Benchmarks

Measured by \`npm run bench\` (bench/run.mjs) on ${m.date}${side ? `, this build side by side with the build in \`${BASE}\` ("before")` : ''}.
The floor is physical: a dropped endpoint costs one full timeout T, so the best possible run
takes about one T however many endpoints are dropped, once they can all wait at once.

<!-- Everything above "## Engine fixes" is written by \`npm run bench\` (\`-- --base=DIR\` adds the
     "before" figures of another built checkout); it prints every figure as JSON on stdout too. -->

## Machine

| | |
| --- | --- |
| CPU | ${m.nproc} × ${m.cpu} (nproc ${m.nproc}) |
| memory | ${(totalmem() / 2 ** 30).toFixed(1)} GiB |
| kernel | Linux ${release()} |
| node | ${process.version} |
| load average (1 min) before / after | ${m.loadBefore} / ${m.loadAfter} |

${m.sharedNote}

## Reproduce

\`\`\`sh
apt-get install -y iproute2 nftables dnsmasq-base openssl procps time hyperfine dnsutils netcat-openbsd curl nmap prometheus-blackbox-exporter
npm run bench                       # as root: builds, measures, writes docs/benchmarks.md
npm run bench -- --base=../before   # the same, side by side with another built checkout ("before")
npm run bench -- --only=large,dns --runs=1 --sizes=20000   # some cases only (nothing written)
npm run bench -- --smoke            # tiny version of every case, nothing written (CI)
\`\`\`

The bench builds its own targets: two network namespaces \`amlpb-<pid>-client\` / \`amlpb-<pid>-svc\`
joined by a veth pair, 10.88.0.0/16 only, no route out; dnsmasq (${hosts.size} names, anything else
in \`bench.test\` NXDOMAIN) and a second dnsmasq answering every name with the dropped address (the
main job), nftables dropping everything to 10.88.2.10 (timeout) and resetting TCP to 10.88.1.13
(refused), TCP listeners (10.88.1.10 and 10.88.4.1-40 for the large cases), two HTTPS servers
(certificate from a bench CA given with \`--ca-file\`, and a self-signed one). The public address
198.51.100.20 exists only as a DNS answer. Everything is torn down by pid, also on failure. Every
amlprobe run is the whole process, \`node dist/src/cli.js check ... --timeout ${T / 1000}s --dns-server 10.88.0.53
--no-system-resolver --format json\`, timed from spawn to exit, with \`/usr/bin/time\` for CPU and
peak RSS; T = ${T / 1000} s; every case is the median of several runs (peak RSS: the highest).

## Results against the targets of issue 15

| case | measured (median) | target | met |
| --- | --- | --- | --- |
${rows.join('\n')}

${mainTable}
${catalogCase ? `### ${catalog.length} endpoints (\`check\`)

${Object.entries(COUNTS).map(([k, n]) => `${n} ${KINDS[k].kind} ${KINDS[k].cat}`).join(', ')}; \`--expect-private\`.
Runs (${catalogCase.walls.length}): ${catalogCase.walls.map(fmt).join(', ')}. Median **${fmt(catalogCase.median)} = ${ratio(catalogCase.median)}**${catalogCase.baseMedian === undefined ? '' : ` (before: ${fmt(catalogCase.baseMedian)} = ${ratio(catalogCase.baseMedian)})`}, peak RSS ${mib(catalogCase.rssKb)}.
Reasons: ${JSON.stringify(catalogCase.statuses)}.
${catalogCase.bundleMedian === undefined ? '' : `The same run with the jump-box bundle (\`node dist/amlprobe.mjs\`): median **${fmt(catalogCase.bundleMedian)} = ${ratio(catalogCase.bundleMedian)}**.`}
` : ''}
${largeTable}
${dnsTable}
${tlsTable}
${startupTable}
${toolsTable}
${m.scaleNote ?? ''}
${m.fixNote}
${m.fuzzNote}
${m.hardeningNote}`;
}

// ---- main -----------------------------------------------------------------------------------

/** Writes docs/benchmarks.md from the measurements `m` and bench/notes.json. */
function writePage(m) {
  const notes = JSON.parse(readFileSync(join(ROOT, 'bench/notes.json'), 'utf8'));
  const md = markdown({
    ...m,
    nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown',
    sharedNote: notes.shared, scaleNote: notes.scale, fixNote: notes.fix, fuzzNote: notes.fuzz ?? '',
    // Measured by their own scripts (bench/deadline-load.mjs, bench/soak-serve.mjs), kept across reruns.
    hardeningNote: notes.hardening ? `\n${notes.hardening}\n` : '',
  });
  // The jump-box forms' start-up is measured apart (bench/startup-forms.mjs): keep its section.
  const kept = startupFormsSection(readFileSync(join(ROOT, 'docs/benchmarks.md'), 'utf8'));
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), kept === '' ? md : `${md.trimEnd()}\n\n${kept}\n`);
  log('wrote docs/benchmarks.md');
}

async function main() {
  // --render=FILE: rewrite the page from a run's saved measurements (after editing bench/notes.json).
  const render = process.argv.find((a) => a.startsWith('--render='))?.slice('--render='.length);
  if (render !== undefined) return writePage(JSON.parse(readFileSync(render, 'utf8')));
  const loadBefore = loadavg()[0].toFixed(2);
  log(`building targets (${hosts.size} names)...${BASE ? ` (side by side with ${BASE})` : ''}`);
  const lab = await startLab(hosts);
  const ctx = { lab, clis: CLIS, amlprobe, inClient, commonArgs, T, SMOKE, log };
  const m = {};
  try {
    if (wanted('catalog') || wanted('tools')) {
      log('case 1: catalog-sized run');
      m.catalogCase = await caseCatalog(lab);
    }
    if (wanted('main')) {
      log('case 1b: the main job (run, whole catalog, everything dropped)');
      m.mainJob = await caseMainJob(ctx, RUNS);
    }
    if (wanted('large')) {
      log('case 2: large runs');
      m.largeRows = await caseLargeSizes(ctx, LARGE_SIZES, CONCURRENCIES, LARGE_RUNS);
    }
    if (wanted('startup')) {
      log('case 3: start-up');
      m.startup = await caseStartup(lab);
    }
    if (wanted('dns')) {
      log('case 4: DNS');
      m.dnsCase = await caseDns(lab);
    }
    if (wanted('tls')) {
      log('case 4b: TLS');
      m.tlsCase = await caseTls(ctx, tlsNames, TOOL_RUNS);
    }
    if (wanted('tools')) {
      log('case 5: side by side');
      m.tools = await caseSideBySide(lab, m.catalogCase);
      m.table = verdictTable(m.tools);
    }
    m.loadBefore = loadBefore;
    m.loadAfter = loadavg()[0].toFixed(2);
    console.log(JSON.stringify(summaryOf(m), null, 2));
    m.date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    const saved = join(tmpdir(), 'amlprobe-bench-last.json');
    writeFileSync(saved, JSON.stringify(m, (_k, v) => (v instanceof Set ? [...v] : v)));
    log(`measurements saved to ${saved} (--render=${saved} rewrites the page from them)`);
    if (!SMOKE && ONLY === undefined) writePage(m);
  } finally {
    await lab.stop();
  }
}

/** Everything measured, one JSON object on stdout (what docs/benchmarks.md is written from). */
function summaryOf(m) {
  const out = { load: `${m.loadBefore} / ${m.loadAfter}` };
  if (m.catalogCase) out.catalog = `${fmt(m.catalogCase.median)} = ${ratio(m.catalogCase.median)}${m.catalogCase.bundleMedian === undefined ? '' : `; bundle ${fmt(m.catalogCase.bundleMedian)}`}`;
  if (m.mainJob) out.mainJob = m.mainJob.map((r) => `[${r.build}] ${fmt(r.median)} = ${ratio(r.median)} (engine ${ratio(r.engine)}), c=${r.concurrency}, not probed ${r.notProbed}`);
  if (m.largeRows) {
    out.large = m.largeRows.map((r) => `[${r.build}] n=${r.n} c=${r.asked}->${r.concurrency}: ${fmt(r.median)} = ${ratio(r.median)} (engine ${ratio(r.engine)}), CPU ${fmt(r.cpuMs)}, ${r.rssMb.toFixed(0)} MiB, wrong ${r.wrong}, not probed ${r.notProbed}${r.wrong ? ` ${JSON.stringify(r.wrongReasons)}` : ''}; lab CPU dnsmasq ${fmt(r.lab.dnsmasq)}, servers ${fmt(r.lab.servers)}${r.floor ? `; ${(r.median / floorOf(r.floor)).toFixed(2)} x floor` : ''}`);
    out.largeFloor = [...new Map(m.largeRows.filter((r) => r.floor).map((r) => [r.n, r.floor])).entries()].flatMap(([n, f]) => Object.entries(f).map(([mode, x]) => `n=${n} close=${mode}: ${fmt(x.median)} = ${ratio(x.median)}, CPU ${fmt(x.cpuMs)} (after start-up ${fmt(x.innerCpuMs)}), ${x.rssMb.toFixed(0)} MiB, connected ${x.connected} timed out ${x.timedOut} failed ${x.failed + x.noAddress}, wrong ${x.wrong}, sent again ${x.retransmitted}; lab CPU dnsmasq ${fmt(x.lab.dnsmasq)}, servers ${fmt(x.lab.servers)}`));
  }
  if (m.startup) out.startup = m.startup.map((x) => `${x.command}: ${x.medianMs.toFixed(1)} ms`);
  if (m.dnsCase) {
    out.dns = m.dnsCase.builds.map((b) => `[${b.build}] ${DNS_N} names ${fmt(b.many)} (engine ${b.engine} ms, CPU ${fmt(b.cpuMs)}), 1 name ${fmt(b.one)}: ${(b.many - b.one) / m.dnsCase.floor >= 0 ? ((b.many - b.one) / m.dnsCase.floor).toFixed(2) : '?'}x the raw-UDP floor (engine ${(b.engine / m.dnsCase.floor).toFixed(2)}x), ${b.namesPerSecond.toFixed(0)} names/s, ${(b.rssKb / 1024).toFixed(0)} MiB, ${JSON.stringify(b.statuses)}`);
    out.dnsFloor = `raw UDP ${fmt(m.dnsCase.floor)}, resolver alone ${fmt(m.dnsCase.resolver)}`;
  }
  if (m.tlsCase) {
    const t = m.tlsCase;
    out.tls = t.builds.map((b) => `[${b.build}] ${t.n} tls:// ${fmt(b.tls.median)}, CPU ${fmt(b.tls.cpuMs)}; tcp:// ${fmt(b.tcp.median)}, CPU ${fmt(b.tcp.cpuMs)}: ${b.cpuPerHandshake.toFixed(2)} ms CPU per handshake (${b.cpuPerEndpoint.toFixed(2)} ms per tls:// endpoint), wrong ${b.tls.wrong}`);
    out.tlsFloor = `bare tls.connect: ${fmt(t.floor.ms)}, ${t.floor.cpuPerHandshake.toFixed(2)} ms CPU per handshake (${t.floor.failed} failed); curl --parallel: ${fmt(t.curl.ms)}, ${t.curl.cpuPerRequest.toFixed(2)} ms CPU per request`;
  }
  if (m.tools) {
    out.tools = Object.fromEntries(Object.entries(m.tools).map(([k, v]) => [k, fmt(median(v.walls))]));
    out.distinct = m.table.distinct;
    if (SMOKE) out.table = m.table.perTool;
  }
  return out;
}

main().catch((error) => {
  console.error(`[bench] FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
});
