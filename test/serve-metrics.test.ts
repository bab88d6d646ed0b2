// serve's /metrics as a fleet's Prometheus needs it: amlprobe_build_info, the certificate's time
// left per TLS endpoint (from a real TLS server with a test CA, valid and expired), and label sets
// that stay the same while an endpoint flaps (the reason code lives in an info metric, the address
// is a label only with --all-addresses), so a flapping endpoint never starts a new series.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from './helpers/cli.js';
import { FlappingListener } from './helpers/flapping-listener.js';
import { closedTcpPort, startTlsServer } from './helpers/listeners.js';
import type { TlsListener } from './helpers/listeners.js';
import { startServe, waitFor, writeConfig } from './helpers/serve-process.js';
import type { ServeProcess } from './helpers/serve-process.js';
import { createTestCa } from './helpers/test-ca.js';
import type { TestCa } from './helpers/test-ca.js';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The sample lines of one metric family (no HELP/TYPE). */
function lines(text: string, metric: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `));
}

/** The label names and values of a sample line, as written. */
function labelsOf(line: string): string {
  return line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
}

function valueOf(line: string): number {
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function metrics(serve: ServeProcess, accept: (text: string) => boolean, what: string): Promise<string> {
  return waitFor(
    what,
    async () => {
      const res = await fetch(`${serve.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      return res.status === 200 && accept(text) ? text : undefined;
    },
    20_000,
  );
}

describe('serve /metrics for a fleet', { concurrency: true, timeout: 120_000 }, () => {
  let ca: TestCa;
  let valid: TlsListener;
  let expired: TlsListener;
  let validCert: string;
  let expiredCert: string;
  before(async () => {
    ca = await createTestCa();
    const good = await ca.issue({ names: ['127.0.0.1'] });
    const old = await ca.issue({ names: ['127.0.0.1'], expired: true });
    validCert = good.cert;
    expiredCert = old.cert;
    valid = await startTlsServer(good);
    expired = await startTlsServer(old);
  });
  after(async () => {
    await valid?.close();
    await expired?.close();
    await ca?.cleanup();
  });

  it('amlprobe_build_info names this version and Node.js; amlprobe_tls_cert_expiry_seconds is the time left, negative when expired', async (t) => {
    const closed = await closedTcpPort();
    const config = writeConfig(
      [
        'version: 1',
        'settings:',
        '  timeout: 2s',
        'endpoints:',
        `  - { id: valid, target: "tls://127.0.0.1:${valid.port}" }`,
        `  - { id: expired, target: "tls://127.0.0.1:${expired.port}" }`,
        `  - { id: refused, target: "tls://127.0.0.1:${closed}" }`,
        '',
      ].join('\n'),
    );
    const caFile = join(config.path, '..', 'ca.pem');
    writeFileSync(caFile, ca.caCert);
    const serve = await startServe(['--config', config.path, '--no-system-resolver', '--ca-file', caFile, '--interval', '60s']);
    t.after(async () => {
      await serve.stop();
      config.remove();
    });
    const text = await metrics(serve, (m) => lines(m, 'amlprobe_tls_cert_expiry_seconds').length > 0, 'a run with TLS results');
    assert.deepEqual(lines(text, 'amlprobe_build_info'), [`amlprobe_build_info{version="${VERSION}",nodejs="${process.versions.node}"} 1`]);
    const expiry = lines(text, 'amlprobe_tls_cert_expiry_seconds');
    const left = (id: string): number => valueOf(expiry.find((l) => l.includes(`endpoint="${id}"`)) ?? assert.fail(`no expiry sample for ${id}:\n${text}`));
    const expected = (pem: string): number => (Date.parse(new X509Certificate(pem).validTo) - Date.now()) / 1000;
    // Seconds, computed at scrape time: within a couple of minutes of what the certificate says.
    assert.ok(Math.abs(left('valid') - expected(validCert)) < 120, `valid: ${left('valid')} s vs ${expected(validCert)} s`);
    assert.ok(left('valid') > 29 * 86_400, `valid: ${left('valid')}`);
    assert.ok(Math.abs(left('expired') - expected(expiredCert)) < 120, `expired: ${left('expired')} s vs ${expected(expiredCert)} s`);
    assert.ok(left('expired') < 0, `expired: ${left('expired')}`);
    // No certificate seen, no sample (a 0 would read as "expires now").
    assert.equal(expiry.filter((l) => l.includes('endpoint="refused"')).length, 0, text);
  });

  it('keeps every label set while an endpoint flaps; the reason moves in amlprobe_layer_reason_info only', async (t) => {
    const listener = new FlappingListener(await closedTcpPort());
    await listener.up();
    const config = writeConfig(`version: 1\nsettings:\n  timeout: 1s\nendpoints:\n  - { id: flapping, target: "tcp://127.0.0.1:${listener.port}" }\n`);
    const serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '200ms']);
    t.after(async () => {
      await serve.stop();
      await listener.down();
      config.remove();
    });
    const success = (text: string): string | undefined => lines(text, 'amlprobe_layer_success').find((l) => l.includes('endpoint="flapping"') && l.includes('layer="tcp"'));
    const up = await metrics(serve, (m) => valueOf(success(m) ?? ' 0') === 1, 'the endpoint up');
    await listener.down();
    const down = await metrics(serve, (m) => success(m) !== undefined && valueOf(success(m)!) === 0, 'the endpoint down');
    for (const family of ['amlprobe_endpoint_success', 'amlprobe_layer_success', 'amlprobe_layer_duration_seconds', 'amlprobe_endpoint_duration_seconds']) {
      assert.deepEqual(lines(down, family).map(labelsOf), lines(up, family).map(labelsOf), `${family} changed its label sets:\n${up}\n---\n${down}`);
    }
    assert.ok(!success(up)!.includes('reason='), success(up));
    assert.ok(!success(up)!.includes('address='), 'address is a label only with --all-addresses');
    const reason = (text: string): string[] => lines(text, 'amlprobe_layer_reason_info').filter((l) => l.includes('endpoint="flapping"') && l.includes('layer="tcp"'));
    assert.deepEqual(reason(up).map((l) => /reason="([^"]*)"/.exec(l)?.[1]), ['ok']);
    assert.deepEqual(reason(down).map((l) => /reason="([^"]*)"/.exec(l)?.[1]), ['tcp_refused']);
  });
});
