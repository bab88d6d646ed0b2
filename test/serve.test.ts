// `amlprobe serve` and `amlprobe healthcheck` as users run them: child processes probing real
// loopback listeners from a config. /metrics is checked by promtool and scraped by a real
// Prometheus; /healthz follows a listener going down and up; SIGTERM/SIGINT stop it cleanly; a
// run slower than the interval delays the next instead of overlapping it.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { escapeLabelValue } from '../src/report/prometheus.js';
import { startSchedule } from '../src/serve/schedule.js';
import { configYaml } from './helpers/serve-config.js';
import { closedTcpPort, startTcpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';
import { requireProgram, startServe, waitFor, writeConfig } from './helpers/serve-process.js';
import { startPrometheus } from './helpers/prometheus-process.js';
import { documentedAnswer, REGISTRY_GUID, sendJson, startDiscoveryFake } from './helpers/azure-fakes.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { ServeProcess } from './helpers/serve-process.js';
import { FlappingListener } from './helpers/flapping-listener.js';

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; body: string; type: string }> {
  // A bounded wait: a server that never answers fails the test instead of stalling the suite.
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000), ...init });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** The value of the one sample of `metric` whose labels include every `labels` pair. */
function sample(text: string, metric: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) && wanted.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Waits for a run to have completed (/metrics answers 200). */
async function firstMetrics(serve: ServeProcess): Promise<string> {
  return waitFor('the first run', async () => {
    const res = await get(`${serve.url}/metrics`);
    return res.status === 200 ? res.body : undefined;
  });
}

describe('serve', { concurrency: true, timeout: 120_000 }, () => {
  describe('serve: /metrics, promtool and a real Prometheus', () => {
    let open: Listener;
    let closed: number;
    let serve: ServeProcess;
    let config: ReturnType<typeof writeConfig>;
    // An id with a quote, a backslash and a space: its label value must be escaped.
    const oddId = 'odd "id" \\ x';
    before(async () => {
      open = await startTcpServer();
      closed = await closedTcpPort();
      config = writeConfig(
        configYaml([
          { id: 'open', target: `tcp://127.0.0.1:${open.port}` },
          { id: oddId, target: `tcp://127.0.0.1:${closed}` },
          { id: 'optional', target: `tcp://127.0.0.1:${closed}`, required: false },
        ], '2s'),
        // The first run's deadline (5 timeouts) counts from the command's start: 2s timeouts keep a
        // loaded machine's start-up from eating it (nothing here waits for a timeout).
      );
      serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '500ms']);
    });
    after(async () => {
      await serve?.stop();
      await open?.close();
      config?.remove();
    });

    it('serves per endpoint and per layer success, durations and run gauges', async () => {
      const text = await firstMetrics(serve);
      assert.equal(sample(text, 'amlprobe_endpoint_success', { endpoint: 'open', required: 'true' }), 1, text);
      assert.equal(sample(text, 'amlprobe_endpoint_success', { endpoint: oddId }), 0, text);
      assert.equal(sample(text, 'amlprobe_endpoint_success', { endpoint: 'optional', required: 'false' }), 0, text);
      assert.equal(sample(text, 'amlprobe_layer_success', { endpoint: oddId, layer: 'tcp' }), 0, text);
      assert.equal(sample(text, 'amlprobe_layer_reason_info', { endpoint: oddId, layer: 'tcp', reason: 'tcp_refused' }), 1, text);
      assert.equal(sample(text, 'amlprobe_layer_success', { endpoint: 'open', layer: 'tcp', port: String(open.port) }), 1, text);
      assert.ok((sample(text, 'amlprobe_layer_duration_seconds', { endpoint: 'open', layer: 'tcp' }) ?? -1) >= 0, text);
      assert.equal(sample(text, 'amlprobe_dns_private', { endpoint: 'open' }), 1, text);
      assert.match(text, /^amlprobe_required_failures 1$/m);
      assert.match(text, /^amlprobe_runs_total [1-9]\d*$/m);
      assert.match(text, /^amlprobe_last_run_timestamp_seconds \d+(\.\d+)?$/m);
      assert.match(text, /^amlprobe_run_duration_seconds \d/m);
      assert.match(text, /^# TYPE amlprobe_runs_total counter$/m);
      assert.match(text, /^# HELP amlprobe_layer_success /m);
      // The escaped form, byte for byte.
      assert.ok(text.includes('endpoint="odd \\"id\\" \\\\ x"'), text);
    });

    it('passes promtool check metrics', async () => {
      const promtool = requireProgram('promtool', 'prometheus');
      const text = await firstMetrics(serve);
      const result = await new Promise<{ code: number; out: string }>((resolve) => {
        const child = execFile(promtool, ['check', 'metrics'], { timeout: 10_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: `${stdout}${stderr}` });
        });
        child.stdin?.end(text);
      });
      assert.equal(result.code, 0, `promtool check metrics failed:\n${result.out}\n--- metrics ---\n${text}`);
      assert.equal(result.out.trim(), '', `promtool has lint complaints:\n${result.out}`);
    });

    it('is scraped by a real Prometheus, which then answers amlprobe_endpoint_success', async (t) => {
      const target = serve.url.replace('http://', '');
      const prometheus = await startPrometheus(
        `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: amlprobe\n    static_configs:\n      - targets: ['${target}']\n`,
      );
      t.after(() => prometheus.stop());
      type Vector = { metric: Record<string, string>; value: [number, string] }[];
      const series = await waitFor(
        `Prometheus (${prometheus.url}) to have scraped amlprobe_endpoint_success`,
        async () => {
          const data = await prometheus.api<{ result: Vector }>(`/api/v1/query?query=${encodeURIComponent('amlprobe_endpoint_success{job="amlprobe"}')}`);
          return data.result.length >= 3 ? data.result : undefined;
        },
        20_000,
      ).catch((error: unknown) => assert.fail(`${String(error)}; its log: ${prometheus.log()}`));
      const byId = new Map(series.map((s) => [s.metric.endpoint, s.value[1]]));
      assert.equal(byId.get('open'), '1', JSON.stringify(series));
      assert.equal(byId.get(oddId), '0', JSON.stringify(series));
      assert.equal(byId.get('optional'), '0', JSON.stringify(series));
      assert.equal(series[0]?.metric.instance, target);
    });

    it('answers /report.json, 404, 405, and ignores query parameters (nothing but the plan is probed)', async () => {
      await firstMetrics(serve);
      const json = await get(`${serve.url}/report.json`);
      assert.equal(json.status, 200);
      const report = JSON.parse(json.body) as { results: { id: string }[] };
      assert.deepEqual(report.results.map((r) => r.id).sort(), ['open', 'optional', oddId].sort());
      const html = await get(`${serve.url}/report.html`);
      if (html.status === 404) assert.match(html.body, /no HTML report/);
      else assert.equal(html.status, 200);
      const missing = await get(`${serve.url}/probe?target=tcp://127.0.0.1:1`);
      assert.equal(missing.status, 404);
      assert.match(missing.body, /\/metrics/);
      const post = await get(`${serve.url}/metrics`, { method: 'POST', body: 'x' });
      assert.equal(post.status, 405);
      const withTarget = await get(`${serve.url}/metrics?target=127.0.0.2:80&module=tcp`);
      assert.equal(withTarget.status, 200);
      assert.ok(!withTarget.body.includes('127.0.0.2'), 'a query parameter changed what was probed');
    });
  });

  it('/healthz: "no run yet", then 200 and 503 as a required listener goes down and up', async (t) => {
    const port = await closedTcpPort();
    const listener = new FlappingListener(port);
    await listener.up();
    // A second endpoint that makes every run take ~1 s (TLS to a peer that never speaks, not
    // required), so /healthz can be asked before the first run ends.
    const silent = await startTcpServer();
    const config = writeConfig(
      configYaml(
        [
          { id: 'flapping', target: `tcp://127.0.0.1:${port}` },
          { id: 'slow', target: `tls://127.0.0.1:${silent.port}`, required: false },
        ],
        '1s',
      ),
    );
    const serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '100ms']);
    t.after(async () => {
      await serve.stop();
      await listener.down();
      await silent.close();
      config.remove();
    });
    const early = await get(`${serve.url}/healthz`);
    assert.deepEqual([early.status, early.body], [503, 'no run yet\n']);
    const healthz =
      (status: number) =>
      async (): Promise<string | undefined> => {
        const res = await get(`${serve.url}/healthz`);
        return res.status === status ? res.body : undefined;
      };
    assert.equal(await waitFor('/healthz 200', healthz(200), 15_000), 'ok\n');
    await listener.down();
    const failing = await waitFor('/healthz 503 after the listener went down', healthz(503), 15_000);
    assert.match(failing, /^1 required endpoint\(s\) failed:\nflapping \(tcp:\/\/127\.0\.0\.1:\d+\): tcp tcp_refused/);
    await listener.up();
    assert.equal(await waitFor('/healthz 200 after the listener came back', healthz(200), 15_000), 'ok\n');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} stops the timer and the server and exits 0 promptly, even mid-run`, async (t) => {
      const silent = await startTcpServer();
      const config = writeConfig(configYaml([{ id: 'slow', target: `tls://127.0.0.1:${silent.port}` }], '30s'));
      const serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '1s']);
      t.after(async () => {
        await serve.stop();
        await silent.close();
        config.remove();
      });
      // The first run is waiting on a TLS handshake that will take 30 s: stop now.
      const started = performance.now();
      assert.ok(serve.child.pid !== undefined);
      process.kill(serve.child.pid, signal);
      const { code } = await serve.exited;
      const ms = performance.now() - started;
      assert.equal(code, 0, serve.stderr());
      assert.ok(ms < 10_000, `took ${Math.round(ms)} ms to stop: did it wait for the run?`);
      assert.match(serve.stderr(), new RegExp(`${signal}: stopped`));
      await assert.rejects(fetch(`${serve.url}/healthz`), 'the server still answers after the exit');
    });
  }

  it('tries registry discovery again before the next run when it failed, until it succeeds', async (t) => {
    // The discovery host is down for the first call (a token or network not ready at start-up), then answers.
    let calls = 0;
    const fake = await startDiscoveryFake((_req, res) => {
      calls += 1;
      if (calls === 1) sendJson(res, 503, { error: 'warming up' });
      else sendJson(res, 200, documentedAnswer('good'));
    });
    const dns = await startDnsServer({});
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-serve-token-'));
    writeFileSync(join(dir, 'token'), 'serve-test-token-cccccccccccc\n');
    const serve = await startServe(
      ['--registry', 'good@eastus', '--scenario', 'registry-private', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '300ms',
        '--token-file', join(dir, 'token'), '--ca-file', fake.caFile, '--interval', '200ms', '--no-imds'],
      30_000,
      { AMLPROBE_DISCOVERY_URL: fake.url },
    );
    t.after(async () => {
      await serve.stop();
      await Promise.all([fake.close(), dns.close()]);
      rmSync(dir, { recursive: true, force: true });
    });
    const learned = await waitFor('a report with the registry ID learned', async () => {
      const res = await get(`${serve.url}/report.json`);
      if (res.status !== 200) return undefined;
      const report = JSON.parse(res.body) as { workspace?: { profile: { registries?: { id?: string }[] } }; results: { id: string; reason: string }[] };
      return report.workspace?.profile.registries?.[0]?.id === REGISTRY_GUID ? report : undefined;
    }, 15_000);
    assert.equal(learned.results.find((r) => r.id === 'registry-discovery-auth-good')?.reason, 'ok');
    assert.match(serve.stderr(), /registry discovery did not succeed last time; trying again/);
    // Once it succeeded, it is not asked again.
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(calls, after, 'no discovery call after a successful one');
  });

  it('never overlaps runs: a run slower than the interval delays the next one', async (t) => {
    // Each run's only probe is a TLS handshake with a peer that never answers: ~600 ms per run,
    // with an interval of 100 ms. From two consecutive runs n and n+1 seen in /metrics (end time
    // and duration, both from amlprobe's own clock, so a slow test process cannot blur them):
    // run n+1 must have started after run n ended. Overlapping runs would start ~500 ms before.
    let accepted = 0;
    const silent = await startTcpServer(() => (accepted += 1));
    const config = writeConfig(configYaml([{ id: 'slow', target: `tls://127.0.0.1:${silent.port}` }], '600ms'));
    const serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '100ms']);
    t.after(async () => {
      await serve.stop();
      await silent.close();
      config.remove();
    });
    const runs = new Map<number, { endMs: number; durationMs: number }>();
    let text = '';
    const pair = await waitFor(
      'two consecutive runs in /metrics',
      async () => {
        const res = await get(`${serve.url}/metrics`);
        if (res.status !== 200) return undefined;
        text = res.body;
        const n = Number(/^amlprobe_runs_total (\d+)$/m.exec(text)?.[1]);
        const end = Number(/^amlprobe_last_run_timestamp_seconds (\S+)$/m.exec(text)?.[1]) * 1000;
        const duration = Number(/^amlprobe_run_duration_seconds (\S+)$/m.exec(text)?.[1]) * 1000;
        runs.set(n, { endMs: end, durationMs: duration });
        const previous = runs.get(n - 1);
        return n >= 3 && previous ? { previous, next: { endMs: end, durationMs: duration }, n } : undefined;
      },
      20_000,
    );
    const nextStart = pair.next.endMs - pair.next.durationMs;
    assert.ok(pair.next.durationMs >= 550, `a run took ${pair.next.durationMs} ms; the test needs runs slower than the interval`);
    assert.ok(
      nextStart >= pair.previous.endMs - 5,
      `run ${pair.n} started ${Math.round(pair.previous.endMs - nextStart)} ms before run ${pair.n - 1} ended: runs overlapped`,
    );
    // One connection per run: no run was started and abandoned on the side.
    assert.ok(accepted >= pair.n && accepted <= pair.n + 2, `${accepted} connections for ${pair.n} runs`);
    assert.equal(sample(text, 'amlprobe_layer_success', { endpoint: 'slow', layer: 'tls' }), 0, text);
    assert.equal(sample(text, 'amlprobe_layer_reason_info', { endpoint: 'slow', layer: 'tls', reason: 'tls_timeout' }), 1, text);
  });

  it('startSchedule: one run at a time, the next as soon as a slow one ends, none after stop()', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const schedule = startSchedule(async () => {
      active += 1;
      runs += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 120));
      active -= 1;
    }, 10);
    await new Promise((resolve) => setTimeout(resolve, 500));
    schedule.stop();
    const atStop = runs;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(maxActive, 1, 'two runs overlapped');
    assert.ok(atStop >= 3 && atStop <= 5, `${atStop} runs in 500 ms of 120 ms runs`);
    assert.ok(runs === atStop, `a run started after stop() (${atStop} -> ${runs})`);
  });

  it('startSchedule: a run that throws is reported and the schedule goes on', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const schedule = startSchedule(
      async () => {
        runs += 1;
        throw new Error(`boom ${runs}`);
      },
      20,
      (e) => errors.push(e),
    );
    await waitFor('three runs', async () => (runs >= 3 ? true : undefined), 2000);
    schedule.stop();
    assert.ok(errors.length >= 2);
    assert.match(String(errors[0]), /boom 1/);
  });
});
