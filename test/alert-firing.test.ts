// The shipped alerting rules against a real Prometheus scraping a real `amlprobe serve`: a
// required endpoint that fails (a refused loopback port) makes AmlprobeRequiredEndpointFailing
// fire, with the layer and reason in its description; a passing required endpoint and a failing
// optional one do not. The rules are deploy/prometheus/amlprobe.rules.yml with every `for:` cut to
// 2 s, evaluated every second, so the test takes seconds instead of ten minutes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { closedTcpPort, startTcpServer } from './helpers/listeners.js';
import { DEPLOY } from './helpers/deploy-files.js';
import { startPrometheus } from './helpers/prometheus-process.js';
import { startServe, waitFor, writeConfig } from './helpers/serve-process.js';

interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

describe('alerting rules in a real Prometheus', { timeout: 120_000 }, () => {
  it('AmlprobeRequiredEndpointFailing fires for a failing required endpoint only, naming layer and reason', async (t) => {
    const open = await startTcpServer();
    const closed = await closedTcpPort();
    const config = writeConfig(
      [
        'version: 1',
        'settings:',
        '  timeout: 1s',
        'endpoints:',
        `  - { id: healthy, target: "tcp://127.0.0.1:${open.port}" }`,
        `  - { id: refused, target: "tcp://127.0.0.1:${closed}" }`,
        `  - { id: optional, target: "tcp://127.0.0.1:${closed}", required: false }`,
        '',
      ].join('\n'),
    );
    const serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '1s']);
    const rules = readFileSync(join(DEPLOY, 'prometheus', 'amlprobe.rules.yml'), 'utf8').replace(/^(\s+)for: \S+$/gm, '$1for: 2s');
    assert.match(rules, /for: 2s/);
    const target = serve.url.replace('http://', '');
    const prometheus = await startPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'rule_files: [amlprobe.rules.yml]',
        'scrape_configs:',
        '  - job_name: amlprobe',
        `    static_configs: [{ targets: ['${target}'] }]`,
        '',
      ].join('\n'),
      { 'amlprobe.rules.yml': rules },
    );
    t.after(async () => {
      await prometheus.stop();
      await serve.stop();
      await open.close();
      config.remove();
    });
    const firing = await waitFor(
      'AmlprobeRequiredEndpointFailing to fire',
      async () => {
        const { alerts } = await prometheus.api<{ alerts: Alert[] }>('/api/v1/alerts');
        const found = alerts.filter((a) => a.labels.alertname === 'AmlprobeRequiredEndpointFailing' && a.state === 'firing');
        return found.length > 0 ? alerts : undefined;
      },
      40_000,
    ).catch((error: unknown) => assert.fail(`${String(error)}\nprometheus log: ${prometheus.log()}\nserve stderr: ${serve.stderr()}`));
    const required = firing.filter((a) => a.labels.alertname === 'AmlprobeRequiredEndpointFailing');
    assert.deepEqual(required.map((a) => a.labels.endpoint), ['refused'], JSON.stringify(firing));
    const alert = required[0]!;
    assert.equal(alert.labels.severity, 'critical');
    assert.equal(alert.labels.instance, target);
    assert.match(alert.annotations.summary ?? '', /^Required Azure ML endpoint refused fails from 127\.0\.0\.1:\d+$/);
    assert.match(alert.annotations.description ?? '', /\(tcp: tcp_refused\)/);
    // Nothing else of the shipped rules fires against a healthy prober.
    assert.deepEqual(firing.filter((a) => a.state === 'firing').map((a) => a.labels.alertname), ['AmlprobeRequiredEndpointFailing']);
  });
});
