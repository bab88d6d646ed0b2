// Network namespaces for the benchmarks (learned from test/e2e/helpers/netns.ts): two namespaces,
// amlpb-<pid>-client and amlpb-<pid>-svc, joined by one veth pair created directly inside them.
// 10.88.0.0/16 only, on-link; no default route, no NAT, no link to the host's network, so nothing
// can be routed out. Teardown kills what runs in OUR namespaces (by pid) and deletes them; it also
// runs from the exit hook and on SIGINT/SIGTERM, so a failed or interrupted bench leaves nothing.

import { execFile, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Finds a program on PATH or in the sbin directories. */
export function findProgram(program) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // next directory
    }
  }
  return undefined;
}

export const IP = findProgram('ip') ?? 'ip';

/** Runs a program; rejects with its stderr. */
export function run(program, args, { input, timeout = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, { encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ').slice(0, 300)} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const live = new Set();
let hooks = false;

function installHooks() {
  if (hooks) return;
  hooks = true;
  process.once('exit', () => {
    for (const pair of live) destroySync(pair);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      for (const pair of live) destroySync(pair);
      process.exit(130);
    });
  }
}

function destroySync(pair) {
  for (const child of pair.daemons) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  for (const ns of [pair.client, pair.service]) {
    try {
      const pids = execFileSync(IP, ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
      }
    } catch {
      // namespace already deleted
    }
    try { execFileSync(IP, ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* already deleted */ }
    rmSync(join('/etc/netns', ns), { recursive: true, force: true });
  }
  live.delete(pair);
}

/**
 * Creates the pair. `serviceAddresses` and `clientAddress` are CIDR strings inside 10.88.0.0/16;
 * `resolvConf` is bind-mounted over /etc/resolv.conf in BOTH namespaces by `ip netns exec`, so
 * curl, nc, nmap and the blackbox exporter resolve through the bench's dnsmasq, never the host's.
 */
export async function createPair({ clientAddress, serviceAddresses, resolvConf }) {
  const tag = `amlpb-${process.pid}`;
  const pair = { client: `${tag}-client`, service: `${tag}-svc`, daemons: [] };
  const vethC = `bc${process.pid}`.slice(0, 15);
  const vethS = `bs${process.pid}`.slice(0, 15);
  const exec = (ns, program, args, opts) => run(IP, ['netns', 'exec', ns, program, ...args], opts);
  pair.exec = exec;
  pair.spawnDaemon = (ns, program, args) => {
    const child = spawn(IP, ['netns', 'exec', ns, program, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => { output = (output + chunk.toString()).slice(-8000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => keep(`spawn error: ${e.message}\n`));
    child.output = () => output;
    pair.daemons.push(child);
    return child;
  };
  pair.waitForListener = async (ns, proto, address, port, child) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const out = await exec(ns, findProgram('ss') ?? 'ss', [proto === 'tcp' ? '-Hltn' : '-Hlun', 'src', address, 'sport', '=', `:${port}`]);
      if (out.trim() !== '') return;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`daemon exited before listening on ${address}:${port}:\n${child.output()}`);
      if (Date.now() > deadline) throw new Error(`nothing listens on ${proto} ${address}:${port} after 10 s:\n${child.output()}`);
      await sleep(25);
    }
  };
  pair.destroy = () => { if (live.has(pair)) destroySync(pair); };
  live.add(pair);
  installHooks();
  try {
    await run(IP, ['netns', 'add', pair.client]);
    await run(IP, ['netns', 'add', pair.service]);
    for (const ns of [pair.client, pair.service]) {
      mkdirSync(join('/etc/netns', ns), { recursive: true });
      writeFileSync(join('/etc/netns', ns, 'resolv.conf'), resolvConf);
    }
    await run(IP, ['link', 'add', vethC, 'netns', pair.client, 'type', 'veth', 'peer', 'name', vethS, 'netns', pair.service]);
    for (const ns of [pair.client, pair.service]) await exec(ns, IP, ['link', 'set', 'lo', 'up']);
    await exec(pair.client, IP, ['addr', 'add', clientAddress, 'dev', vethC]);
    for (const address of serviceAddresses) await exec(pair.service, IP, ['addr', 'add', address, 'dev', vethS]);
    await exec(pair.client, IP, ['link', 'set', vethC, 'up']);
    await exec(pair.service, IP, ['link', 'set', vethS, 'up']);
    // Thousands of connections at once to one listener: a short accept queue would turn into SYN
    // retransmissions (1 s each) and measure the kernel, not amlprobe.
    await exec(pair.service, findProgram('sysctl') ?? 'sysctl', ['-qw', 'net.core.somaxconn=16384', 'net.ipv4.tcp_max_syn_backlog=16384']);
  } catch (error) {
    pair.destroy();
    throw error;
  }
  return pair;
}
