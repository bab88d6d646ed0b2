// The JUnit report, read by an independent consumer: the real CLI probes loopback servers with
// --format junit, then xmllint validates the file against test/fixtures/junit/junit.xsd and reads
// verdicts back with XPath. A second suite renders hostile strings (markup, quotes, "]]>", control
// characters, lone surrogates) and checks that they come back as text and the file stays valid.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderJunit } from '../src/report/junit.js';
import type { EndpointResult } from '../src/model/result.js';
import { describeRun, dnsFlags, runCli } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer } from './helpers/dns-server.js';
import { startHttpServer } from './helpers/http-servers.js';
import { closedTcpPort, startTcpServer, startUdpServer } from './helpers/listeners.js';
import { sampleReport, sampleResults } from './helpers/report-fixture.js';
import { junitSchemaErrors, xpathCount, xpathString } from './helpers/xmllint.js';

/** A remediation text with everything XML must escape, as a config file can carry it. */
const HOSTILE_YAML = '"Allow <tcp> & \\"udp\\" \'x\' ]]> | `code` \\e[31m bell\\a"';

/** XPath for the testcase of one endpoint and layer. */
const tc = (classname: string, layer: string): string => `//testcase[@classname="${classname}"][@name="${layer}"]`;

describe('junit: a real run validated by xmllint', () => {
  let dns: TestDnsServer;
  let dir: string;
  let xmlFile: string;
  const servers: { close(): Promise<void> }[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-junit-'));
    dns = await startDnsServer({ 'open.test': { kind: 'records', a: ['127.0.0.1'] } });
    const open = await startTcpServer();
    const quiet = await startUdpServer('silent');
    const web = await startHttpServer((_req, res) => res.end('ok'));
    servers.push(open, quiet, web);
    const closed = await closedTcpPort();
    const config = [
      'version: 1',
      'endpoints:',
      `  - { id: open, target: "tcp://open.test:${open.port}", purpose: "plain TCP" }`,
      `  - id: refused`,
      `    target: "tcp://127.0.0.1:${closed}"`,
      `    remediation: ${HOSTILE_YAML}`,
      `  - { id: missing, target: "https://nx.test/" }`,
      `  - { id: quiet, target: "udp://127.0.0.1:${quiet.port}" }`,
      `  - { id: web, target: "http://open.test:${web.port}/" }`,
      `  - { id: optional-refused, target: "tcp://127.0.0.1:${closed}", required: false }`,
    ].join('\n');
    await writeFile(join(dir, 'config.yaml'), `${config}\n`);
    xmlFile = join(dir, 'report.xml');
    const run = await runCli(['run', '--config', join(dir, 'config.yaml'), ...dnsFlags(dns), '--timeout', '500ms', '--format', 'junit', '--output', xmlFile]);
    assert.equal(run.code, 1, describeRun(run));
  });
  after(async () => {
    for (const s of servers) await s.close();
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is valid against the JUnit schema', async () => {
    assert.equal(await junitSchemaErrors(xmlFile), null);
  });

  it('has one testcase per endpoint and layer', async () => {
    const expected: Record<string, string[]> = {
      open: ['dns', 'tcp'],
      refused: ['dns', 'tcp'],
      missing: ['dns', 'tcp', 'tls', 'http'],
      quiet: ['dns', 'udp'],
      web: ['dns', 'tcp', 'http'],
      'optional-refused': ['dns', 'tcp'],
    };
    for (const [id, layers] of Object.entries(expected)) {
      for (const layer of layers) assert.equal(await xpathCount(xmlFile, tc(id, layer)), 1, `${id}/${layer}`);
    }
    assert.equal(await xpathCount(xmlFile, '//testcase'), 15);
    assert.equal(await xpathString(xmlFile, '/testsuites/@tests'), '15');
    // A run without scenarios is one suite.
    assert.equal(await xpathCount(xmlFile, '//testsuite'), 1);
    assert.equal(await xpathString(xmlFile, '//testsuite/@name'), 'amlprobe');
  });

  const verdicts: { case: string; id: string; layer: string; element: 'failure' | 'skipped' | 'none'; type?: string }[] = [
    { case: 'refused port is a failure', id: 'refused', layer: 'tcp', element: 'failure', type: 'tcp_refused' },
    { case: 'NXDOMAIN is a failure', id: 'missing', layer: 'dns', element: 'failure', type: 'nxdomain' },
    { case: 'layers after a failure are skipped', id: 'missing', layer: 'http', element: 'skipped' },
    { case: 'a pass has no verdict element', id: 'web', layer: 'http', element: 'none' },
    { case: 'a warning passes', id: 'quiet', layer: 'udp', element: 'none' },
    { case: 'an optional failure is still a failure', id: 'optional-refused', layer: 'tcp', element: 'failure', type: 'tcp_refused' },
  ];
  for (const c of verdicts) {
    it(c.case, async () => {
      const at = tc(c.id, c.layer);
      assert.equal(await xpathCount(xmlFile, `${at}/failure`), c.element === 'failure' ? 1 : 0);
      assert.equal(await xpathCount(xmlFile, `${at}/skipped`), c.element === 'skipped' ? 1 : 0);
      if (c.type !== undefined) assert.equal(await xpathString(xmlFile, `${at}/failure/@type`), c.type);
    });
  }

  it('counts failures and skips on the suite', async () => {
    assert.equal(await xpathString(xmlFile, '//testsuite/@failures'), '3');
    assert.equal(await xpathString(xmlFile, '//testsuite/@skipped'), '3');
    assert.equal(await xpathString(xmlFile, '//testsuite/@errors'), '0');
  });

  it('says warn in system-out and marks optional failures', async () => {
    assert.match(await xpathString(xmlFile, `${tc('quiet', 'udp')}/system-out`), /^warn: udp_open_or_filtered: /);
    assert.match(await xpathString(xmlFile, `${tc('optional-refused', 'tcp')}/failure/@message`), /^optional endpoint: /);
    assert.doesNotMatch(await xpathString(xmlFile, `${tc('refused', 'tcp')}/failure/@message`), /optional/);
  });

  it('carries the remediation, hostile characters intact, in the failure body', async () => {
    const body = await xpathString(xmlFile, `${tc('refused', 'tcp')}/failure`);
    assert.ok(body.includes('fix: Allow <tcp> & "udp" \'x\' ]]> | `code`'), body);
    // ESC and BEL cannot exist in XML 1.0: they come back as visible escapes.
    assert.ok(body.includes('\\u001b[31m bell\\u0007'), body);
    assert.match(body, /target: tcp:\/\/127\.0\.0\.1:\d+/);
  });

  it('gives times in seconds', async () => {
    const raw = await readFile(xmlFile, 'utf8');
    const times = [...raw.matchAll(/ time="([^"]*)"/g)].map((m) => m[1]);
    assert.ok(times.length >= 17);
    for (const t of times) assert.match(t ?? '', /^\d+\.\d{3}$/);
  });
});

describe('junit: hostile strings, scenarios and several addresses', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-junit-unit-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const HOSTILE = 'a<b>&c"d\'e ]]> \u0000nul \u001besc \uD800lone \uFFFF\r\ttab';

  it('stays valid and reads back every hostile string as text', async () => {
    const results: EndpointResult[] = sampleResults().map((r, i) => ({
      ...r,
      meta: { ...r.meta, scenario: i % 2 === 0 ? 'studio' : 'compute <&> "x"' },
    }));
    const failed = results.find((r) => r.status === 'fail' && r.layer !== null);
    assert.ok(failed);
    failed.id = `id ${HOSTILE}`;
    failed.message = HOSTILE;
    const deciding = failed.checks.find((c) => c.layer === failed.layer);
    assert.ok(deciding);
    deciding.message = HOSTILE;
    deciding.detail = HOSTILE;
    failed.meta = { ...failed.meta, remediation: HOSTILE, sources: [HOSTILE] };
    const file = join(dir, 'hostile.xml');
    await writeFile(file, renderJunit(sampleReport(results)));
    assert.equal(await junitSchemaErrors(file), null);

    // Scenarios become suites, named verbatim.
    assert.equal(await xpathCount(file, '//testsuite[@name="studio"]'), 1);
    assert.equal(await xpathCount(file, `//testsuite[@name='compute <&> "x"']`), 1);
    const message = await xpathString(file, '//failure[contains(@message, "]]>")]/@message');
    // Attribute values keep \r and \t (written as character references); forbidden characters
    // come back as visible escapes.
    assert.equal(message, 'a<b>&c"d\'e ]]> \\u0000nul \\u001besc \\ud800lone \\uffff\r\ttab');
    const body = await xpathString(file, '//failure[contains(@message, "]]>")]');
    assert.ok(body.includes('fix: a<b>&c"d\'e ]]>'), body);
  });

  it('tells the results of one id apart by address', async () => {
    const base = sampleResults().find((r) => r.checks.length > 1);
    assert.ok(base);
    const results = [
      { ...base, address: '10.1.0.5' },
      { ...base, address: '10.1.0.6' },
    ];
    const file = join(dir, 'several.xml');
    await writeFile(file, renderJunit(sampleReport(results)));
    assert.equal(await junitSchemaErrors(file), null);
    assert.equal(await xpathCount(file, `//testcase[@classname="${base.id} (10.1.0.5)"]`), base.checks.length);
    assert.equal(await xpathCount(file, `//testcase[@classname="${base.id} (10.1.0.6)"]`), base.checks.length);
  });

  it('the schema check can fail: a testcase without classname is refused', async () => {
    const file = join(dir, 'broken.xml');
    await writeFile(file, renderJunit(sampleReport()).replace(/ classname="[^"]*"/, ''));
    assert.match((await junitSchemaErrors(file)) ?? 'valid', /classname/);
  });

  it('an empty run is still a valid file', async () => {
    const file = join(dir, 'empty.xml');
    await writeFile(file, renderJunit(sampleReport([])));
    assert.equal(await junitSchemaErrors(file), null);
    assert.equal(await xpathString(file, '/testsuites/@tests'), '0');
  });
});
