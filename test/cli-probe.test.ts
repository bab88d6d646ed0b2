// The CLI as a user runs it, against real loopback peers: exit codes, one mixed run that meets every
// verdict of issue 2 in one invocation, one resolution per name, --all-addresses and the run
// deadline. Each case reads the JSON report (--format json) and checks exit code, status, layer and
// reason. Names resolve only through a test DNS server (--no-system-resolver --dns-server).

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Reason, Status } from '../src/model/reason.js';
import type { Layer } from '../src/model/endpoint.js';
import type { DirectAnswer, DnsData, HttpData, TlsData, WebSocketData } from '../src/model/evidence.js';
import type { EndpointResult } from '../src/model/result.js';
import type { Report } from '../src/model/report.js';
import { describeRun, dnsFlags, parseJsonOutput, runCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer, Zone } from './helpers/dns-server.js';
import { afterRequestHead, startHttpServer, startRawServer, startWsServer } from './helpers/http-servers.js';
import { closedTcpPort, closedUdpPort, startTcpServer, startTlsServer, startUdpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';
import { createTestCa } from './helpers/test-ca.js';
import type { TestCa } from './helpers/test-ca.js';

/** The result with this id, or a failed assertion listing the ids there are. */
function resultFor(report: Report, id: string): EndpointResult {
  const found = report.results.find((r) => r.id === id);
  assert.ok(found, `no result '${id}'; results: ${report.results.map((r) => r.id).join(', ')}`);
  return found;
}

/** Runs the CLI and parses its JSON report, asserting the exit code first. */
async function runJson(args: string[], expectedCode: number): Promise<{ run: CliResult; report: Report }> {
  const run = await runCli([...args, '--format', 'json']);
  assert.equal(run.code, expectedCode, describeRun(run));
  return { run, report: parseJsonOutput<Report>(run) };
}

const LOCAL = (names: string[]): Zone => Object.fromEntries(names.map((name) => [name, { kind: 'records', a: ['127.0.0.1'] }]));

/** A TLS peer that starts its handshake only `delayMs` after accepting, then never answers a request. */
async function startSlowTlsServer(cert: { key: string; cert: string }, delayMs: number): Promise<Listener> {
  const tls = createTlsServer(cert, (socket) => socket.on('error', () => undefined));
  tls.on('tlsClientError', () => undefined);
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  // A plain net server rather than startTcpServer: that one resumes the socket, and the ClientHello
  // must stay in the buffer until the TLS server takes the socket over.
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!socket.destroyed) tls.emit('connection', socket);
    }, delayMs);
    timers.add(timer);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The suites run at once (each has its own servers): most of the time is node starting up.
describe('cli probing', { concurrency: true }, () => {
  describe('cli: exit codes', { concurrency: true }, () => {
    let open: Listener;
    let silent: Listener;
    let closed: number;
    before(async () => {
      open = await startTcpServer();
      silent = await startUdpServer('silent');
      closed = await closedTcpPort();
    });
    after(async () => {
      await open.close();
      await silent.close();
    });

    const cases: { case: string; target: () => string; code: number; status: Status; reason: Reason; layer: Layer | null }[] = [
      { case: 'all pass -> 0', target: () => `tcp://127.0.0.1:${open.port}`, code: 0, status: 'pass', reason: 'ok', layer: null },
      { case: 'a required failure -> 1', target: () => `tcp://127.0.0.1:${closed}`, code: 1, status: 'fail', reason: 'tcp_refused', layer: 'tcp' },
      {
        case: 'warnings only (UDP silence) -> 0',
        target: () => `udp://127.0.0.1:${silent.port}`,
        code: 0,
        status: 'warn',
        reason: 'udp_open_or_filtered',
        layer: 'udp',
      },
    ];
    for (const c of cases) {
      it(c.case, async () => {
        // IP literals: no name to resolve, so no DNS server is involved at all.
        const { report } = await runJson(['check', c.target(), '--no-system-resolver', '--timeout', '500ms'], c.code);
        assert.equal(report.results.length, 1);
        const [result] = report.results;
        assert.equal(result?.status, c.status);
        assert.equal(result?.reason, c.reason);
        assert.equal(result?.layer, c.layer);
        assert.equal(report.summary.requiredFailed, c.code === 1 ? 1 : 0);
      });
    }
  });

  describe('cli: one mixed run meets every verdict', () => {
    let dns: TestDnsServer;
    let ca: TestCa;
    let rogueCa: TestCa;
    let caDir: string;
    const servers: { close(): Promise<void> }[] = [];
    const ports: Record<string, number> = {};

    before(async () => {
      ca = await createTestCa('amlprobe CLI Test CA');
      rogueCa = await createTestCa('amlprobe Rogue Inspection CA');
      caDir = await mkdtemp(join(tmpdir(), 'amlprobe-cli-ca-'));
      await writeFile(join(caDir, 'ca.pem'), ca.caCert);
      const good = await ca.issue({ names: ['good.test'] });
      const other = await ca.issue({ names: ['other.test'] });
      const rogue = await rogueCa.issue({ names: ['rogue.test'] });
      const web = await ca.issue({ names: ['web.test'] });
      const wssCert = await ca.issue({ names: ['wss.test'] });

      const keep = <T extends { port: number; close(): Promise<void> }>(name: string, server: T): T => {
        servers.push(server);
        ports[name] = server.port;
        return server;
      };
      keep('open', await startTcpServer());
      keep('echo', await startUdpServer('echo'));
      keep('silent', await startUdpServer('silent'));
      keep('tlsGood', await startTlsServer(good));
      keep('tlsWrong', await startTlsServer(other));
      keep('tlsRogue', await startTlsServer(rogue));
      keep('https', await startHttpServer((_req, res) => res.end('ok'), web));
      keep('wss', await startWsServer(wssCert));
      keep(
        'ws401',
        await startRawServer((socket) => afterRequestHead(socket, () => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'))),
      );
      ports.closed = await closedTcpPort();
      ports.udpClosed = await closedUdpPort();

      dns = await startDnsServer({
        // A private endpoint as Azure DNS answers it: the public name, a CNAME into the privatelink
        // zone, the private address. DNS only: nothing connects to 10.0.0.7.
        'contoso.vault.azure.test': { kind: 'cname', target: 'contoso.privatelink.vaultcore.azure.test' },
        'contoso.privatelink.vaultcore.azure.test': { kind: 'records', a: ['10.0.0.7'] },
        'missing.test': { kind: 'rcode', rcode: 'NXDOMAIN' },
        'broken.test': { kind: 'rcode', rcode: 'SERVFAIL' },
        'refused.test': { kind: 'rcode', rcode: 'REFUSED' },
        'public.test': { kind: 'records', a: ['20.38.98.1'] },
        'big.test': { kind: 'truncated', a: ['10.1.2.3'] },
        ...LOCAL(['open.test', 'closed.test', 'echo.test', 'udpclosed.test', 'silent.test']),
        ...LOCAL(['good.test', 'wrong.test', 'rogue.test', 'web.test', 'wss.test', 'ws401.test']),
      });
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await dns?.close();
      await ca?.cleanup();
      await rogueCa?.cleanup();
      if (caDir) await rm(caDir, { recursive: true, force: true });
    });

    it('reports each endpoint with its own verdict, exit 1', async () => {
      const p = ports;
      const targets = [
        'dns://contoso.vault.azure.test',
        'dns://missing.test',
        'dns://broken.test',
        'dns://refused.test',
        'dns://public.test',
        'dns://big.test',
        `tcp://closed.test:${p.closed}`,
        `tcp://open.test:${p.open}`,
        `udp://echo.test:${p.echo}`,
        `udp://udpclosed.test:${p.udpClosed}`,
        `udp://silent.test:${p.silent}`,
        `tls://good.test:${p.tlsGood}`,
        `tls://wrong.test:${p.tlsWrong}`,
        `tls://rogue.test:${p.tlsRogue}`,
        `https://web.test:${p.https}/`,
        `wss://wss.test:${p.wss}/`,
        `ws://ws401.test:${p.ws401}/`,
      ];
      const { report } = await runJson(
        // 1.5 s: generous for a loaded CI machine, and only the silent UDP peer waits it out.
      ['check', ...targets, ...dnsFlags(dns), '--expect-private', '--timeout', '1500ms', '--ca-file', join(caDir, 'ca.pem')],
        1,
      );

      const expected: { id: string; status: Status; layer: Layer | null; reason: Reason; layers: Layer[] }[] = [
        { id: 'dns://contoso.vault.azure.test', status: 'pass', layer: null, reason: 'ok', layers: ['dns'] },
        { id: 'dns://missing.test', status: 'fail', layer: 'dns', reason: 'nxdomain', layers: ['dns'] },
        { id: 'dns://broken.test', status: 'fail', layer: 'dns', reason: 'servfail', layers: ['dns'] },
        { id: 'dns://refused.test', status: 'fail', layer: 'dns', reason: 'dns_refused', layers: ['dns'] },
        { id: 'dns://public.test', status: 'fail', layer: 'dns', reason: 'public_ip', layers: ['dns'] },
        { id: 'dns://big.test', status: 'pass', layer: null, reason: 'ok', layers: ['dns'] },
        { id: `tcp://closed.test:${p.closed}`, status: 'fail', layer: 'tcp', reason: 'tcp_refused', layers: ['dns', 'tcp'] },
        { id: `tcp://open.test:${p.open}`, status: 'pass', layer: null, reason: 'ok', layers: ['dns', 'tcp'] },
        { id: `udp://echo.test:${p.echo}`, status: 'pass', layer: null, reason: 'ok', layers: ['dns', 'udp'] },
        { id: `udp://udpclosed.test:${p.udpClosed}`, status: 'fail', layer: 'udp', reason: 'udp_closed', layers: ['dns', 'udp'] },
        { id: `udp://silent.test:${p.silent}`, status: 'warn', layer: 'udp', reason: 'udp_open_or_filtered', layers: ['dns', 'udp'] },
        { id: `tls://good.test:${p.tlsGood}`, status: 'pass', layer: null, reason: 'ok', layers: ['dns', 'tcp', 'tls'] },
        { id: `tls://wrong.test:${p.tlsWrong}`, status: 'fail', layer: 'tls', reason: 'tls_name_mismatch', layers: ['dns', 'tcp', 'tls'] },
        { id: `tls://rogue.test:${p.tlsRogue}`, status: 'fail', layer: 'tls', reason: 'tls_untrusted', layers: ['dns', 'tcp', 'tls'] },
        { id: `https://web.test:${p.https}/`, status: 'pass', layer: null, reason: 'ok', layers: ['dns', 'tcp', 'tls', 'http'] },
        { id: `wss://wss.test:${p.wss}/`, status: 'pass', layer: null, reason: 'ws_upgraded', layers: ['dns', 'tcp', 'tls', 'websocket'] },
        { id: `ws://ws401.test:${p.ws401}/`, status: 'pass', layer: null, reason: 'ws_rejected', layers: ['dns', 'tcp', 'websocket'] },
      ];
      assert.equal(report.results.length, expected.length, 'one result per target');
      for (const e of expected) {
        const r = resultFor(report, e.id);
        const where = `${e.id}: ${r.status}/${r.layer}/${r.reason} (${r.message})`;
        assert.equal(r.status, e.status, where);
        assert.equal(r.layer, e.layer, where);
        assert.equal(r.reason, e.reason, where);
        assert.deepEqual(r.checks.map((c) => c.layer), e.layers, where);
        // The layers before the deciding one passed; the deciding one carries the endpoint's reason.
        const deciding = r.checks.find((c) => c.layer === (e.layer ?? e.layers[e.layers.length - 1]));
        assert.equal(deciding?.reason, e.reason, where);
      }
      const pass = expected.filter((e) => e.status === 'pass').length;
      const fail = expected.filter((e) => e.status === 'fail').length;
      assert.deepEqual(report.summary, { total: expected.length, pass, fail, warn: 1, skip: 0, requiredFailed: fail });
      assert.equal(report.deadlineHit, false);

      // Evidence behind the verdicts.
      const chainDns = resultFor(report, 'dns://contoso.vault.azure.test').checks[0]?.data as DnsData;
      const chainAnswer = chainDns.direct?.[0] as DirectAnswer;
      assert.deepEqual(chainAnswer.cname.map((c) => c.data), ['contoso.privatelink.vaultcore.azure.test']);
      assert.deepEqual(chainDns.addresses.map((a) => [a.address, a.private]), [['10.0.0.7', true]]);
      const bigDns = resultFor(report, 'dns://big.test').checks[0]?.data as DnsData;
      assert.equal(bigDns.direct?.[0]?.transport, 'tcp', 'a truncated UDP answer is retried over TCP');
      assert.deepEqual(bigDns.addresses.map((a) => a.address), ['10.1.2.3']);
      const publicDns = resultFor(report, 'dns://public.test').checks[0]?.data as DnsData;
      assert.deepEqual(publicDns.addresses.map((a) => [a.address, a.private]), [['20.38.98.1', false]]);
      const rogueTls = resultFor(report, `tls://rogue.test:${p.tlsRogue}`).checks[2]?.data as TlsData;
      assert.match(rogueTls.chain?.[0]?.issuer ?? '', /amlprobe Rogue Inspection CA/, 'the certificate chain names who issued the presented certificate');
      assert.match(rogueTls.chain?.[0]?.subject ?? '', /rogue\.test/);
      const goodTls = resultFor(report, `tls://good.test:${p.tlsGood}`).checks[2]?.data as TlsData;
      assert.equal(goodTls.authorized, true);
      const http = resultFor(report, `https://web.test:${p.https}/`).checks[3]?.data as HttpData;
      assert.equal(http.status, 200);
      const ws = resultFor(report, `ws://ws401.test:${p.ws401}/`).checks[2]?.data as WebSocketData;
      assert.equal(ws.status, 401);
      const wss = resultFor(report, `wss://wss.test:${p.wss}/`).checks[3]?.data as WebSocketData;
      assert.equal(wss.status, 101);
    });
  });

  describe('cli: one resolution per name', () => {
    let dns: TestDnsServer;
    let tcp: Listener;
    let udp: Listener;
    before(async () => {
      dns = await startDnsServer(LOCAL(['same.test']));
      tcp = await startTcpServer();
      udp = await startUdpServer('echo');
    });
    after(async () => {
      await dns.close();
      await tcp.close();
      await udp.close();
    });

    it('three targets on one name cost one A and one AAAA query', async () => {
      const { report } = await runJson(
        ['check', 'dns://same.test', `tcp://same.test:${tcp.port}`, `udp://same.test:${udp.port}`, ...dnsFlags(dns), '--timeout', '2s'],
        0,
      );
      assert.deepEqual(report.results.map((r) => r.reason), ['ok', 'ok', 'ok']);
      const asked = dns.queries.filter((q) => q.name.toLowerCase() === 'same.test').map((q) => `${q.type}/${q.transport}`).sort();
      assert.deepEqual(asked, ['A/udp', 'AAAA/udp']);
    });
  });

  describe('cli: --all-addresses', () => {
    let dns: TestDnsServer;
    let tcp: Listener;
    before(async () => {
      // Listening on 127.0.0.1 only: the same port on 127.0.0.2 (also loopback) refuses.
      tcp = await startTcpServer();
      dns = await startDnsServer({ 'two.test': { kind: 'records', a: ['127.0.0.1', '127.0.0.2'] } });
    });
    after(async () => {
      await dns.close();
      await tcp.close();
    });

    it('probes every address: one pass, one tcp_refused', async () => {
      const { report } = await runJson(['check', `tcp://two.test:${tcp.port}`, ...dnsFlags(dns), '--all-addresses', '--timeout', '2s'], 1);
      const byAddress = Object.fromEntries(report.results.map((r) => [r.address, `${r.status}/${r.reason}`]));
      assert.deepEqual(byAddress, { '127.0.0.1': 'pass/ok', '127.0.0.2': 'fail/tcp_refused' });
      assert.equal(report.settings.allAddresses, true);
    });

    it('without it, probes the first address only', async () => {
      const { report } = await runJson(['check', `tcp://two.test:${tcp.port}`, ...dnsFlags(dns), '--timeout', '2s'], 0);
      assert.deepEqual(report.results.map((r) => [r.address, r.reason]), [['127.0.0.1', 'ok']]);
    });
  });

  describe('cli: the run deadline', () => {
    let silent: Listener;
    let slow: Listener;
    let ca: TestCa;
    let caDir: string;
    before(async () => {
      // Accepts TCP and never says a word: a TLS handshake against it waits forever.
      silent = await startTcpServer();
      ca = await createTestCa('amlprobe CLI Deadline CA');
      caDir = await mkdtemp(join(tmpdir(), 'amlprobe-cli-deadline-'));
      await writeFile(join(caDir, 'ca.pem'), ca.caCert);
      slow = await startSlowTlsServer(await ca.issue({ names: ['127.0.0.1'] }), 400);
    });
    after(async () => {
      await silent?.close();
      await slow?.close();
      await ca?.cleanup();
      if (caDir) await rm(caDir, { recursive: true, force: true });
    });

    // The deadline counts from the command's start (loading included): 2 s, not 700 ms, leaves a
    // busy machine time to reach the handshake, so the verdict is the one under test.
    it('--deadline 2s alone caps the default 3 s timeout; a silent TLS peer ends as "deadline"', async () => {
      const { run, report } = await runJson(
        ['check', `tls://127.0.0.1:${silent.port}`, `https://127.0.0.1:${silent.port}/`, `wss://127.0.0.1:${silent.port}/`, '--no-system-resolver', '--deadline', '2s'],
        1,
      );
      // Loose bounds, not a benchmark: the engine stops at the deadline (plus a short fence), and the
      // process exits right after, with no socket left to keep it alive.
      assert.ok(report.durationMs < 4000, `the run took ${report.durationMs} ms`);
      assert.ok(run.ms < 10_000, `the process took ${run.ms} ms`);
      assert.equal(report.deadlineHit, true);
      assert.equal(report.settings.deadlineMs, 2000);
      assert.equal(report.settings.timeoutMs, 2000, 'the default timeout shrinks to the deadline');
      assert.equal(report.results.length, 3);
      for (const r of report.results) {
        assert.deepEqual([r.status, r.layer, r.reason], ['fail', 'tls', 'deadline'], `${r.id}: ${r.message}`);
      }
    });

    it('strikes mid-probe when every layer is within its timeout but their sum is not', async () => {
      // TLS completes after 400 ms (well inside the 4 s timeout), then the request goes unanswered:
      // its own timeout would strike 4.4 s or later after the start, the deadline does at 4 s.
      const { run, report } = await runJson(
        [
          'check',
          `https://127.0.0.1:${slow.port}/`,
          `wss://127.0.0.1:${slow.port}/`,
          '--no-system-resolver',
          // 4 s counted from the command's start: time for start-up on a busy machine, then TLS
          // (400 ms), then the unanswered request, whose own timeout would strike after 4.4 s.
          '--timeout',
          '4s',
          '--deadline',
          '4s',
          '--ca-file',
          join(caDir, 'ca.pem'),
        ],
        1,
      );
      assert.ok(report.durationMs < 6000, `the run took ${report.durationMs} ms`);
      assert.ok(run.ms < 12_000, `the process took ${run.ms} ms`);
      assert.equal(report.deadlineHit, true);
      const verdicts = report.results.map((r) => [r.id, r.layer, r.reason, r.checks.find((c) => c.layer === 'tls')?.reason]);
      assert.deepEqual(verdicts, [
        [`https://127.0.0.1:${slow.port}/`, 'http', 'deadline', 'ok'],
        [`wss://127.0.0.1:${slow.port}/`, 'websocket', 'deadline', 'ok'],
      ]);
    });
  });
});
