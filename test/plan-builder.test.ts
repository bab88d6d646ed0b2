// The plan builder (src/plan/): everything decided before the first packet is decided there, once,
// as data. These tests build plans from options (never from CLI flags), with real files and a real
// silent UDP peer on loopback. The folders' import rules are test/architecture.test.ts's.

import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../src/errors.js';
import { probeToReport } from '../src/engine/probe-to-report.js';
import { renderJson } from '../src/report/json.js';
import { buildSettings } from '../src/plan/build-settings.js';
import { buildRunPlan } from '../src/plan/build-run-plan.js';
import { finishSettings } from '../src/plan/finish-settings.js';
import { AZURE_DNS_BUDGET } from '../src/plan/dns-pacing.js';
import { testSettings } from './helpers/settings.js';

describe('the plan decides, the run obeys', () => {
  describe('a plan built from options', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'amlprobe-plan-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('is plain data: each endpoint carries its route and final expectations, nothing is a function', async () => {
      const config = join(dir, 'routes.yaml');
      writeFileSync(
        config,
        [
          'version: 1',
          'endpoints:',
          '  - target: https://api.contoso.test/',
          '  - target: https://direct.contoso.test/',
          '    proxy: none',
          '  - target: tcp://10.0.0.5:445',
          '  - target: https://own.contoso.test/',
          '    proxy: http://10.9.9.8:8080',
          '',
        ].join('\n'),
      );
      const plan = await buildRunPlan(
        { config, settings: { proxy: 'http://user:secret@10.9.9.9:3128', expectPrivate: true, dnsServers: ['10.0.0.4'] }, profile: {}, learning: {} },
        {},
      );
      const routes = Object.fromEntries(plan.endpoints.map((e) => [e.id, e.route?.via === 'proxy' ? e.route.proxy.display : e.route?.via]));
      assert.deepEqual(routes, {
        'https://api.contoso.test:443/': 'http://10.9.9.9:3128',
        'https://direct.contoso.test:443/': 'direct',
        // A proxy named for the run tunnels tcp:// targets too (the proxy variables alone would not).
        'tcp://10.0.0.5:445': 'http://10.9.9.9:3128',
        'https://own.contoso.test:443/': 'http://10.9.9.8:8080',
      });
      assert.ok(plan.endpoints.every((e) => e.expect.private === true), '--expect-private is on every endpoint');
      assert.deepEqual(plan.notProbed, []);
      assert.deepEqual(plan.notes, []);
      assert.equal(plan.workspace, undefined, 'a hand-made plan expands no catalog');
      // The plan's DNS pacing rides along as data: a custom server has the fixed window and no rate.
      assert.deepEqual(plan.settings.parsed?.asked, [{ server: '10.0.0.4', address: { host: '10.0.0.4', port: 53, family: 4 }, role: 'custom', pacing: { window: 100 } }]);
      // structuredClone refuses functions: no closure rides along (the report used to be dressed by one).
      assert.deepEqual(structuredClone(plan), plan);
    });

    it("cuts a config's deadline to healthcheck's promise, before anything runs; --deadline still wins", () => {
      const fromConfig = { deadlineMs: 60_000, timeoutMs: 20_000 };
      const cut = buildSettings({ maxDeadlineMs: 10_000 }, fromConfig, {});
      assert.equal(cut.deadlineMs, 10_000);
      assert.equal(cut.timeoutMs, 10_000);
      const asked = buildSettings({ maxDeadlineMs: 10_000, deadline: '30s' }, fromConfig, {});
      assert.equal(asked.deadlineMs, 30_000);
      assert.equal(asked.timeoutMs, 20_000);
    });
  });

  describe('Azure DNS and the pre-flight', () => {
    let silent: Socket;
    let address: string;
    before(async () => {
      // A UDP peer that reads every question and answers none.
      silent = createSocket('udp4');
      await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
      address = `127.0.0.1:${silent.address().port}`;
    });
    after(() => silent.close());

    const asked = testSettings({ timeoutMs: 200, deadlineMs: 6_000 });
    const clock = (): { startedAt: number; deadlineMs: number } => ({ startedAt: performance.now(), deadlineMs: 6_000 });

    it('switched on by detection and silent: left out of the final settings, with a note', async () => {
      const { settings, notes } = await finishSettings(asked, { address, auto: true }, clock());
      assert.equal(settings.azureDns, undefined);
      assert.equal(settings.azureDnsAuto, undefined);
      assert.equal(settings.parsed?.asked.some((s) => s.role === 'azure'), false);
      assert.equal(notes.length, 1);
      assert.match(notes[0] ?? '', new RegExp(`Azure DNS \\(${address}\\) did not answer`));
    });

    it('asked for by the user and silent: a usage error before the run', async () => {
      await assert.rejects(finishSettings(asked, { address, auto: false }, clock()), (error: unknown) => error instanceof UsageError && /^Azure DNS: /.test(error.message));
    });

    it('without a pre-flight (serve, healthcheck): kept as decided', async () => {
      const { settings, notes } = await finishSettings(asked, { address, auto: true }, undefined);
      assert.equal(settings.azureDns, address);
      assert.equal(settings.azureDnsAuto, true);
      assert.deepEqual(settings.parsed?.asked.at(-1), {
        server: address,
        address: { host: '127.0.0.1', port: silent.address().port, family: 4 },
        role: 'azure',
        pacing: { window: 150, budget: AZURE_DNS_BUDGET },
      });
      assert.deepEqual(notes, []);
    });
  });

  it("the report's settings are the documented text, never the parsed forms the run used", async () => {
    const { settings } = await finishSettings(testSettings({ privateCidrs: ['172.30.0.0/16'], dnsServers: ['10.0.0.4:53'], dnsServersExplicit: true }), undefined, undefined);
    assert.equal(settings.parsed?.privateRanges[0]?.text, '172.30.0.0/16');
    const report = await probeToReport({ endpoints: [], settings, notProbed: [] });
    assert.equal(Object.hasOwn(report.settings, 'parsed'), false);
    assert.doesNotMatch(renderJson(report), /parsed|privateRanges/);
  });
});
