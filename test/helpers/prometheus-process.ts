// A real Prometheus for the tests: started on a free loopback port with the test's config and
// rule files in a temporary directory, asked through its HTTP API, killed by PID and cleaned up.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireProgram } from './serve-process.js';

/** A running Prometheus. */
export interface PrometheusProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Everything it logged so far. */
  log(): string;
  /** GETs an API path (e.g. /api/v1/alerts) and returns the parsed `data`; throws when not 200 or the process died. */
  api<T>(path: string): Promise<T>;
  /** Kills it (SIGKILL by PID) and removes its directory. */
  stop(): Promise<void>;
}

/** Starts Prometheus with `config` (prometheus.yml text) and `files` (name -> text) beside it. */
export async function startPrometheus(config: string, files: Record<string, string> = {}): Promise<PrometheusProcess> {
  const prometheus = requireProgram('prometheus', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'amlprobe-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const port = await freePort();
  let log = '';
  const child = spawn(
    prometheus,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    log: () => log,
    api: async <T>(path: string): Promise<T> => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
      const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}: ${text}`);
      return (JSON.parse(text) as { data: T }).data;
    },
    stop: async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
