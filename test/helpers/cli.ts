// Runs the built CLI (dist/src/cli.js) as a user does: a child process with its own environment,
// stdout and stderr captured, the exit code and the wall time returned. The environment never lets
// the CLI reach this machine's real DNS server: AMLPROBE_RESOLV_CONF names a file whose only
// nameserver is 127.0.0.1, and every probing invocation must say --no-system-resolver (checked here).

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDnsServer } from './dns-server.js';

/** The repository root (this file runs from dist/test/helpers/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The built entry point. */
export const CLI_PATH = join(REPO_ROOT, 'dist', 'src', 'cli.js');

/** What one invocation produced. */
export interface CliResult {
  /** Exit code, or null when the process was killed (by the helper's own time limit or a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms. */
  ms: number;
}

/** How to run the CLI. */
export interface CliOptions {
  /** Variables added to (or, as undefined, removed from) the test environment. */
  env?: Record<string, string | undefined>;
  /** Kill the child after this long (default 20 s): a hang fails the test instead of stalling the suite. */
  killAfterMs?: number;
  /**
   * The invocation sends no packet (usage errors, --help, --version, catalog), so it needs no
   * --no-system-resolver. Without it, args must contain --no-system-resolver.
   */
  offline?: boolean;
  /** Working directory of the child (default: a fresh temporary directory, removed afterwards). */
  cwd?: string;
}

let resolvConf: string | undefined;

/** A resolv.conf naming only 127.0.0.1, written once per test process and removed at exit. */
export function loopbackResolvConf(): string {
  if (resolvConf === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-cli-resolv-'));
    resolvConf = join(dir, 'resolv.conf');
    writeFileSync(resolvConf, '# amlprobe CLI tests: never the real resolver\nnameserver 127.0.0.1\n');
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return resolvConf;
}

/** The environment every invocation gets: no colour, loopback-only resolv.conf, no debug stacks. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', AMLPROBE_RESOLV_CONF: loopbackResolvConf() };
  delete env.AMLPROBE_DEBUG;
  delete env.FORCE_COLOR;
  // Profile values from the developer's shell must not change what a test run plans.
  for (const key of Object.keys(env)) if (key.startsWith('AMLPROBE_') && key !== 'AMLPROBE_RESOLV_CONF') delete env[key];
  // Never the real IMDS, compute-instance markers or Azure identity endpoints (src/azure/): IMDS is
  // off and the identity chain is limited to environment credentials, of which none are set. A test
  // that exercises them points them at its own loopback fake through `extra`.
  for (const key of Object.keys(env)) if (/^(AZURE_|IDENTITY_|MSI_|IMDS_)/.test(key)) delete env[key];
  delete env.CI_NAME;
  delete env.CI_WORKSPACE;
  env.AMLPROBE_IMDS_URL = 'off';
  // dist/src/cli.js runs the one-file tool built beside it when that is fresh (src/cli/fresh-bundle.ts):
  // the tests run the modules tsc wrote, as they always did (test/bundle-delegation.test.ts runs
  // the other way, and test/one-file.test.ts the bundle itself); `extra` may lift this.
  env.AMLPROBE_UNBUNDLED = '1';
  env.AMLPROBE_NBVM_FILE = join(tmpdir(), 'amlprobe-tests-no-such-nbvm');
  env.AZURE_TOKEN_CREDENTIALS = 'EnvironmentCredential';
  // The one-file tool keeps a V8 code cache per user (scripts/bundle-code-cache.mjs): the tests' go
  // beside their resolv.conf, never into the real ~/.cache.
  env.XDG_CACHE_HOME = join(dirname(loopbackResolvConf()), 'cache');
  // A proxy from the developer's or CI's shell would route the tests' loopback targets through it.
  for (const key of Object.keys(env)) if (/^(https?|no|all)_proxy$/i.test(key)) delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** The flags that keep name resolution on the test's DNS server: no getaddrinfo, this server only. */
export function dnsFlags(server: TestDnsServer): string[] {
  return ['--no-system-resolver', '--dns-server', server.server];
}

/** Runs `node dist/src/cli.js ...args` and resolves with its exit code, output and duration. Never rejects. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!options.offline && !args.includes('--no-system-resolver')) {
    // A guard for the test author: the system resolver would ask this machine's real DNS server.
    throw new Error(`runCli: a probing invocation must pass --no-system-resolver (args: ${args.join(' ')})`);
  }
  const ownCwd = options.cwd === undefined ? mkdtempSync(join(tmpdir(), 'amlprobe-cli-cwd-')) : undefined;
  const started = performance.now();
  try {
    return await new Promise<CliResult>((resolvePromise) => {
      execFile(
        process.execPath,
        [CLI_PATH, ...args],
        {
          env: cliEnv(options.env),
          cwd: options.cwd ?? ownCwd,
          timeout: options.killAfterMs ?? 20_000,
          maxBuffer: 64 * 1024 * 1024,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          const ms = Math.round(performance.now() - started);
          // execFile's error carries the exit code (a number) or, when killed, code null + signal.
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
          resolvePromise({ code, stdout, stderr, ms });
        },
      );
    });
  } finally {
    if (ownCwd !== undefined) rmSync(ownCwd, { recursive: true, force: true });
  }
}

/** Parses stdout as JSON, failing with the output in the message when it is not. */
export function parseJsonOutput<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    throw new Error(`stdout is not JSON (${(error as Error).message}); exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

/** A one-line description of a result for assertion messages. */
export function describeRun(result: CliResult): string {
  return `exit ${result.code} after ${result.ms} ms\nstderr: ${result.stderr}\nstdout: ${result.stdout.slice(0, 4000)}`;
}
