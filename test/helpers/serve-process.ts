// `amlprobe serve` as a child process for the serve tests: started with a config written to a
// temporary directory, its listening port read from its first stderr line, stopped by its PID.
// Also finds external programs (promtool, prometheus) and fails plainly when one is missing.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CLI_PATH, cliEnv } from './cli.js';

/** A running `amlprobe serve`. */
export interface ServeProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) once it exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills it (by PID) if still running and removes its temporary directory. */
  stop(): Promise<void>;
}

/** Writes `yaml` to a fresh temporary directory; returns the path and a remover. */
export function writeConfig(yaml: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'amlprobe-serve-'));
  const path = join(dir, 'amlprobe.yaml');
  writeFileSync(path, yaml);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `amlprobe serve ...args --listen 127.0.0.1:0` and waits for its "listening on" line. */
export async function startServe(args: string[], waitMs = 30_000, env: Record<string, string> = {}): Promise<ServeProcess> {
  if (!args.includes('--no-system-resolver')) throw new Error('startServe: pass --no-system-resolver (the system resolver would ask the real DNS server)');
  const child = spawn(process.execPath, [CLI_PATH, 'serve', '--listen', '127.0.0.1:0', ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8');
  // 'close', not 'exit': 'exit' can come before the last stderr bytes are read (a test that checks the
  // final "stopped" line right after the exit saw it missing now and then).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    // On a timeout the child is killed: left running, it would keep the test process alive forever.
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`amlprobe serve did not say where it listens within ${waitMs} ms; stderr: ${stderr}`));
    }, waitMs);
    child.stderr?.on('data', (d: string) => {
      stderr += d;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`amlprobe serve exited (code ${code}) before listening; stderr: ${stderr} stdout: ${stdout}`));
    });
  });
  return {
    child,
    url,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls `probe` every 50 ms until it returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const until = performance.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (performance.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The absolute path of `program` on PATH, or an Error naming the Debian package that ships it. */
export function requireProgram(program: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`'${program}' is not on PATH: these tests need it. Install the Debian package '${debianPackage}' (apt-get install -y ${debianPackage}).`);
}

/** A loopback TCP port that was free a moment ago (for programs that cannot listen on port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
