// Network namespaces for the end-to-end suite: a pair of namespaces joined by one veth pair, the
// daemons started inside them, and a teardown that removes all of it even when a test fails or the
// test process dies. Everything is named after this process's pid (amlp-<pid>-client, ...), so
// parallel runs never collide, and only things this module created are ever killed or deleted.
// Nothing is routed out of the namespaces: no default route, no NAT, no link to the host's network.

import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The `ip` binary (iproute2), found once; it lives in /usr/sbin, which a user's PATH may lack. */
export const IP = findProgram('ip') ?? 'ip';

/** One program the suite needs, and the Debian package that provides it. */
export interface Requirement {
  program: string;
  debianPackage: string;
}

/** Finds a program on PATH or in the sbin directories (root's tools live there). */
export function findProgram(program: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/**
 * Throws one error naming everything missing (root, each program and its Debian package), so that
 * a machine that cannot run the suite fails it loudly instead of skipping it.
 */
export function assertPrerequisites(requirements: readonly Requirement[]): void {
  const problems: string[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    problems.push(`must run as root (uid ${process.getuid()}): it creates network namespaces and veth pairs`);
  }
  const missing = requirements.filter((r) => findProgram(r.program) === undefined);
  if (missing.length > 0) {
    problems.push(
      `missing program(s): ${missing.map((r) => `${r.program} (Debian package ${r.debianPackage})`).join(', ')}; ` +
        `install with: apt-get install -y ${[...new Set(missing.map((r) => r.debianPackage))].join(' ')}`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`amlprobe e2e suite cannot run: ${problems.join('; ')}. See test/e2e/README.md.`);
  }
}

/** Runs a program to completion; rejects with its stderr in the message. */
export function run(program: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** A daemon started inside a namespace by this module. */
export interface Daemon {
  name: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far, for failure messages. */
  output(): string;
}

/** Two namespaces joined by a veth pair, plus what runs inside them. */
export interface NamespacePair {
  /** amlp-<pid>-client: where amlprobe runs. */
  client: string;
  /** amlp-<pid>-svc: where the servers run. */
  service: string;
  /** Runs a command inside a namespace and waits for it. */
  exec(ns: string, program: string, args: string[], input?: string): Promise<string>;
  /** Starts a long-running program inside a namespace; it is killed by destroy(). */
  spawnDaemon(name: string, ns: string, program: string, args: string[]): Daemon;
  /** Waits until something listens on proto address:port in the namespace (polls `ss`). */
  waitForListener(ns: string, proto: 'tcp' | 'udp', address: string, port: number, daemon: Daemon): Promise<void>;
  /** Kills every daemon (by pid) and deletes both namespaces. Safe to call twice. */
  destroy(): Promise<void>;
}

/** How the pair is addressed: one subnet on the veth, more addresses and routes on either end. */
export interface PairLayout {
  /** "10.20.0.2/24" */
  clientAddress: string;
  /** The service end's addresses, CIDR notation; the first is primary. */
  serviceAddresses: string[];
  /** Extra on-link routes in the client namespace (e.g. the public test range), CIDR notation. */
  clientRoutes: string[];
  /**
   * resolv.conf for programs in the service namespace (written to /etc/netns/<svc>/resolv.conf,
   * which `ip netns exec` bind-mounts over /etc/resolv.conf; removed by destroy()).
   */
  serviceResolvConf?: string;
}

const live = new Set<NamespacePair>();
let exitHookInstalled = false;

/** Last-chance cleanup when the test process exits without running its after() hooks. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pair of live) destroySync(pair);
  });
}

/** Synchronous teardown for the exit hook: kill our daemons and what else runs in our namespaces, delete them. */
function destroySync(pair: NamespacePair & { daemons?: Daemon[] }): void {
  for (const daemon of pair.daemons ?? []) {
    if (daemon.child.pid !== undefined && daemon.child.exitCode === null) {
      try {
        process.kill(daemon.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const ns of [pair.client, pair.service]) {
    try {
      const pids = execFileSync(IP, ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    } catch {
      // namespace already deleted
    }
    try {
      execFileSync(IP, ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // already deleted
    }
    rmSync(join('/etc/netns', ns), { recursive: true, force: true });
  }
}

/** Waits for a child to exit, up to `ms`; true when it did. */
async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Creates amlp-<pid>-client and amlp-<pid>-svc (plus a run counter, so one process may make
 * several), the veth pair between them (created directly inside the namespaces, never in the
 * host's), addresses and on-link routes only. On any failure what was made is removed again.
 */
let counter = 0;
export async function createNamespacePair(layout: PairLayout): Promise<NamespacePair> {
  counter += 1;
  const tag = `${process.pid}${counter > 1 ? `-${counter}` : ''}`;
  const client = `amlp-${tag}-client`;
  const service = `amlp-${tag}-svc`;
  // Interface names are at most 15 characters: "ac<pid>" / "as<pid>" plus the counter.
  const vethClient = `ac${process.pid}${counter > 1 ? counter : ''}`.slice(0, 15);
  const vethService = `as${process.pid}${counter > 1 ? counter : ''}`.slice(0, 15);
  const daemons: Daemon[] = [];

  const exec = (ns: string, program: string, args: string[], input?: string): Promise<string> =>
    run(IP, ['netns', 'exec', ns, program, ...args], input);

  const pair: NamespacePair & { daemons: Daemon[] } = {
    client,
    service,
    daemons,
    exec,
    spawnDaemon(name, ns, program, args) {
      // `ip netns exec` execs the program in place, so the child's pid is the daemon's own pid.
      const child = spawn(IP, ['netns', 'exec', ns, program, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      const keep = (chunk: Buffer): void => {
        output = (output + chunk.toString('utf8')).slice(-8000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('error', (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));
      const daemon: Daemon = { name, child, output: () => output };
      daemons.push(daemon);
      return daemon;
    },
    async waitForListener(ns, proto, address, port, daemon) {
      const deadline = Date.now() + 5000;
      const flag = proto === 'tcp' ? '-Hltn' : '-Hlun';
      for (;;) {
        const out = await exec(ns, findProgram('ss') ?? 'ss', [flag, 'src', address, 'sport', '=', `:${port}`]);
        if (out.trim() !== '') return;
        if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) {
          throw new Error(`${daemon.name} exited (${daemon.child.exitCode ?? daemon.child.signalCode}) before listening on ${proto} ${address}:${port}:\n${daemon.output()}`);
        }
        if (Date.now() > deadline) {
          throw new Error(`${daemon.name} did not listen on ${proto} ${address}:${port} within 5 s:\n${daemon.output()}`);
        }
        await sleep(25);
      }
    },
    async destroy() {
      if (!live.has(pair)) return;
      for (const daemon of daemons) {
        const { child } = daemon;
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
        child.kill('SIGTERM');
        if (!(await exited(child, 2000))) {
          child.kill('SIGKILL');
          await exited(child, 2000);
        }
        child.stdin?.destroy();
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
      destroySync(pair);
      live.delete(pair);
    },
  };
  live.add(pair);
  installExitHook();

  try {
    await run(IP, ['netns', 'add', client]);
    await run(IP, ['netns', 'add', service]);
    if (layout.serviceResolvConf !== undefined) {
      mkdirSync(join('/etc/netns', service), { recursive: true });
      writeFileSync(join('/etc/netns', service, 'resolv.conf'), layout.serviceResolvConf);
    }
    await run(IP, ['link', 'add', vethClient, 'netns', client, 'type', 'veth', 'peer', 'name', vethService, 'netns', service]);
    await exec(client, IP, ['link', 'set', 'lo', 'up']);
    await exec(service, IP, ['link', 'set', 'lo', 'up']);
    await exec(client, IP, ['addr', 'add', layout.clientAddress, 'dev', vethClient]);
    for (const address of layout.serviceAddresses) {
      await exec(service, IP, ['addr', 'add', address, 'dev', vethService]);
    }
    await exec(client, IP, ['link', 'set', vethClient, 'up']);
    await exec(service, IP, ['link', 'set', vethService, 'up']);
    for (const route of layout.clientRoutes) {
      await exec(client, IP, ['route', 'add', route, 'dev', vethClient]);
    }
  } catch (error) {
    await pair.destroy();
    throw error;
  }
  return pair;
}
