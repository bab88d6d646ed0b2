// The DNS layer check end to end: a CheckContext whose resolve() is the real resolveName, against
// real dns-packet servers on loopback. The system resolver is only used for `localhost`.

import { after, before, describe, test } from 'node:test';
import { DeadlineError, LayerTimeoutError } from '../src/abort.js';
import assert from 'node:assert/strict';
import { cellText } from '../src/report/cell-text.js';
import { checkDns } from './helpers/engine-checks.js';
import { queryDirect } from '../src/dns/wire-query.js';
import { describeLookupError, lookupSystem } from '../src/dns/system-lookup.js';
import { judgeResolution } from '../src/dns/verdict.js';
import { dnsContext, dnsEndpoint, runDnsCheck } from './helpers/dns-check-run.js';
import { closedUdpPort, startDnsServer, type TestDnsServer, type Zone } from './helpers/dns-server.js';
import { testSettings } from './helpers/settings.js';
import type { Reason, Status } from '../src/model/reason.js';
import type { Expectations } from '../src/model/endpoint.js';
import type { RunSettings } from '../src/model/settings.js';

const TIMEOUT = 400;
const PL = 'privatelink.api.azureml.ms';

const ZONE: Zone = {
  'ws.workspace.eastus.api.azureml.ms': { kind: 'cname', target: `ws.workspace.eastus.${PL}` },
  [`ws.workspace.eastus.${PL}`]: { kind: 'records', a: ['10.0.0.5'] },
  'pub.workspace.eastus.api.azureml.ms': { kind: 'cname', target: `pub.workspace.eastus.${PL}` },
  [`pub.workspace.eastus.${PL}`]: { kind: 'cname', target: 'eastus.cloudapp.azure.com' },
  'eastus.cloudapp.azure.com': { kind: 'records', a: ['20.38.98.100'] },
  'gone.workspace.eastus.api.azureml.ms': { kind: 'cname', target: `gone.workspace.eastus.${PL}` },
  'dual.test': { kind: 'records', a: ['10.0.0.1'], aaaa: ['fd00:0:0:0::1'] },
  'mixed.test': { kind: 'records', a: ['10.0.0.1', '20.1.2.3'] },
  'empty.test': { kind: 'nodata' },
  'servfail.test': { kind: 'rcode', rcode: 'SERVFAIL' },
  'refused.test': { kind: 'rcode', rcode: 'REFUSED' },
  'formerr.test': { kind: 'rcode', rcode: 'FORMERR' },
  'silent.test': { kind: 'silent' },
  'garbage.test': { kind: 'garbage' },
  'split.test': { kind: 'records', a: ['10.0.0.5'] },
  'first-fails.test': { kind: 'records', a: ['10.0.0.77'] },
};

// A second server that disagrees on some names.
const OTHER_ZONE: Zone = {
  [`ws.workspace.eastus.${PL}`]: { kind: 'records', a: ['10.0.0.5'] },
  'ws.workspace.eastus.api.azureml.ms': { kind: 'cname', target: `ws.workspace.eastus.${PL}` },
  'split.test': { kind: 'records', a: ['10.0.0.99'] },
  localhost: { kind: 'records', a: ['10.0.0.1'] },
  'first-fails.test': { kind: 'rcode', rcode: 'SERVFAIL' },
};

let dns: TestDnsServer;
let other: TestDnsServer;
before(async () => {
  dns = await startDnsServer(ZONE);
  other = await startDnsServer(OTHER_ZONE);
});
after(() => Promise.all([dns.close(), other.close()]));

function settingsWith(overrides: Partial<RunSettings>): RunSettings {
  return testSettings({ timeoutMs: TIMEOUT, dnsServers: [dns.server], dnsServersExplicit: true, ...overrides });
}

describe('checkDns verdicts against a real server', () => {
  const cases: {
    case: string;
    host: string;
    expect?: Expectations;
    settings?: () => Partial<RunSettings>;
    status: Status;
    reason: Reason;
    message: RegExp;
    address?: string;
  }[] = [
    { case: 'private endpoint through the privatelink CNAME', host: 'ws.workspace.eastus.api.azureml.ms', expect: { private: true }, status: 'pass', reason: 'ok', message: /^10\.0\.0\.5 \(private\)$/, address: '10.0.0.5' },
    {
      case: 'public answer where a private one is expected',
      host: 'pub.workspace.eastus.api.azureml.ms',
      expect: { private: true },
      status: 'fail',
      reason: 'public_ip',
      message: /^public IP 20\.38\.98\.100 via eastus\.cloudapp\.azure\.com: privatelink zone not linked to this VNet, or custom DNS not forwarding to Azure DNS$/,
      address: '20.38.98.100',
    },
    { case: 'run-wide --expect-private', host: 'mixed.test', settings: () => ({ expectPrivate: true }), status: 'fail', reason: 'public_ip', message: /^public IP 20\.1\.2\.3: /, address: '10.0.0.1' },
    { case: '--private-cidr makes a public range private', host: 'mixed.test', expect: { private: true }, settings: () => ({ privateCidrs: ['20.1.0.0/16'] }), status: 'pass', reason: 'ok', message: /private/, address: '10.0.0.1' },
    { case: 'no expectation: a public address is fine', host: 'pub.workspace.eastus.api.azureml.ms', status: 'pass', reason: 'ok', message: /^20\.38\.98\.100$/, address: '20.38.98.100' },
    { case: 'unexpected address', host: 'ws.workspace.eastus.api.azureml.ms', expect: { addresses: ['10.0.0.6'] }, status: 'fail', reason: 'unexpected_ip', message: /^got 10\.0\.0\.5, expected 10\.0\.0\.6$/, address: '10.0.0.5' },
    { case: 'expected addresses match in any order and notation', host: 'dual.test', expect: { addresses: ['FD00::1', '10.0.0.1'] }, status: 'pass', reason: 'ok', message: /^10\.0\.0\.1, fd00::1$/, address: '10.0.0.1' },
    { case: 'public_ip outranks unexpected_ip', host: 'mixed.test', expect: { private: true, addresses: ['10.0.0.1'] }, status: 'fail', reason: 'public_ip', message: /20\.1\.2\.3/, address: '10.0.0.1' },
    { case: 'privatelink record missing', host: 'gone.workspace.eastus.api.azureml.ms', expect: { private: true }, status: 'fail', reason: 'nxdomain', message: new RegExp(`^NXDOMAIN for gone\\.workspace\\.eastus\\.${PL.replaceAll('.', '\\.')}$`) },
    { case: 'no such name', host: 'nothing.test', status: 'fail', reason: 'nxdomain', message: /^NXDOMAIN$/ },
    { case: 'no records', host: 'empty.test', status: 'fail', reason: 'nodata', message: /^no A\/AAAA records$/ },
    { case: 'SERVFAIL', host: 'servfail.test', status: 'fail', reason: 'servfail', message: /^SERVFAIL$/ },
    { case: 'REFUSED', host: 'refused.test', status: 'fail', reason: 'dns_refused', message: /^DNS query refused$/ },
    { case: 'silence', host: 'silent.test', status: 'fail', reason: 'dns_timeout', message: /^no DNS answer within 400 ms$/ },
    { case: 'FORMERR', host: 'formerr.test', status: 'fail', reason: 'dns_error', message: /^DNS error \(FORMERR\)$/ },
    { case: 'garbage', host: 'garbage.test', status: 'fail', reason: 'dns_error', message: /sent no valid DNS answer/ },
    { case: 'servers disagree on the address', host: 'split.test', settings: () => ({ dnsServers: [dns.server, other.server] }), status: 'warn', reason: 'resolver_mismatch', message: /^127\.0\.0\.1:\d+: 10\.0\.0\.5; 127\.0\.0\.1:\d+: 10\.0\.0\.99$/, address: '10.0.0.5' },
    { case: 'second server knows nothing', host: 'mixed.test', settings: () => ({ dnsServers: [dns.server, other.server] }), status: 'warn', reason: 'resolver_mismatch', message: /: NXDOMAIN$/, address: '10.0.0.1' },
    { case: 'both servers agree', host: 'ws.workspace.eastus.api.azureml.ms', settings: () => ({ dnsServers: [other.server, dns.server] }), status: 'pass', reason: 'ok', message: /^10\.0\.0\.5$/, address: '10.0.0.5' },
    {
      case: 'first server fails: the first definitive one decides, with a warning',
      host: 'first-fails.test',
      settings: () => ({ dnsServers: [other.server, dns.server] }),
      status: 'warn',
      reason: 'resolver_mismatch',
      message: /^127\.0\.0\.1:\d+: 10\.0\.0\.77; 127\.0\.0\.1:\d+: SERVFAIL$/,
      address: '10.0.0.77',
    },
    { case: 'IP literal: no lookup', host: '10.1.2.3', expect: { private: true }, status: 'pass', reason: 'ok', message: /^IP literal, no lookup$/, address: '10.1.2.3' },
    { case: 'public IP literal where private is expected', host: '52.1.2.3', expect: { private: true }, status: 'fail', reason: 'public_ip', message: /^public IP 52\.1\.2\.3: privatelink/, address: '52.1.2.3' },
    { case: 'IPv6 literal with an address expectation', host: 'fd00::9', expect: { addresses: ['fd00::8'] }, status: 'fail', reason: 'unexpected_ip', message: /^got fd00::9, expected fd00::8$/, address: 'fd00::9' },
    { case: 'no resolver at all', host: 'a.test', settings: () => ({ dnsServers: [] }), status: 'fail', reason: 'dns_error', message: /^no resolver to ask$/ },
  ];

  for (const c of cases) {
    test(c.case, async () => {
      const { result, state } = await runDnsCheck(c.host, c.expect ?? {}, settingsWith(c.settings?.() ?? {}));
      assert.equal(result.layer, 'dns');
      assert.equal(result.reason, c.reason, `${result.message} | ${result.detail}`);
      assert.equal(result.status, c.status);
      assert.match(result.message, c.message);
      assert.equal(state.address, c.address);
    });
  }
});

describe('checkDns with the system view (localhost only)', () => {
  const loopback = /^(127\.|::1$)/;

  test('system view decides when DNS servers come from resolv.conf; agreement passes', async (t) => {
    const system = await lookupSystem('localhost', 2000, new AbortController().signal);
    assert.equal(system.reason, 'ok');
    // A server that agrees with whatever this machine's hosts file says.
    const v4 = system.addresses.filter((a) => !a.includes(':'));
    const v6 = system.addresses.filter((a) => a.includes(':'));
    const agreeing = await startDnsServer({ localhost: { kind: 'records', a: v4, aaaa: v6 } });
    t.after(() => agreeing.close());
    const { result, state, data } = await runDnsCheck('localhost', {}, settingsWith({ systemResolver: true, dnsServersExplicit: false, dnsServers: [agreeing.server] }));
    assert.equal(result.reason, 'ok', result.message);
    assert.equal(data.authority, 'system');
    assert.equal(state.address, system.addresses[0]);
    assert.equal(data.system?.reason, 'ok');
  });

  test('localhost is loopback: a DNS server that answers otherwise is no disagreement, and the cell says loopback', async () => {
    const { result, state, data } = await runDnsCheck('localhost', {}, settingsWith({ systemResolver: true, dnsServersExplicit: false, dnsServers: [other.server] }));
    assert.equal(result.status, 'pass', `${result.reason}: ${result.message}`);
    assert.equal(result.reason, 'ok');
    assert.equal(data.authority, 'system');
    assert.match(state.address ?? '', loopback);
    assert.equal(cellText(result), `${state.address} (loopback)`);
    // The evidence still shows what each resolver said.
    assert.match(result.detail ?? '', /system resolver: .+; 127\.0\.0\.1:\d+ answered 10\.0\.0\.1/);
    const nxdomain = await runDnsCheck('localhost', {}, settingsWith({ systemResolver: true, dnsServersExplicit: false, dnsServers: [dns.server] }));
    assert.equal(nxdomain.result.reason, 'ok', nxdomain.result.message);
  });

  test('loopback is still private for --expect-private, and said as loopback in the detail', async () => {
    const { result } = await runDnsCheck('127.0.0.1', { private: true }, settingsWith({}));
    assert.equal(result.status, 'pass');
    assert.equal(cellText(result), '127.0.0.1 (loopback)');
    const { result: v6 } = await runDnsCheck('::1', {}, settingsWith({}));
    assert.equal(cellText(v6), '::1 (loopback)');
  });

  test('explicit DNS servers outrank the system view', async () => {
    const { result, state, data } = await runDnsCheck('localhost', {}, settingsWith({ systemResolver: true, dnsServersExplicit: true, dnsServers: [other.server] }));
    assert.equal(result.reason, 'resolver_mismatch');
    assert.equal(data.authority, 'direct');
    assert.equal(state.address, '10.0.0.1');
    assert.match(result.message, /^127\.0\.0\.1:\d+: 10\.0\.0\.1; system: /);
  });
});

describe('checkDns evidence', () => {
  test('data carries the authority, the classified addresses and the chain', async () => {
    const { result, data } = await runDnsCheck('ws.workspace.eastus.api.azureml.ms', { private: true }, settingsWith({}));
    assert.equal(data.authority, 'direct');
    assert.equal(data.name, 'ws.workspace.eastus.api.azureml.ms');
    assert.deepEqual(data.addresses, [{ address: '10.0.0.5', family: 4, private: true, range: '10.0.0.0/8' }]);
    assert.equal(data.direct?.[0]?.cname[0]?.data, `ws.workspace.eastus.${PL}`);
    assert.equal(data.system, undefined);
    assert.equal(typeof result.ms, 'number');
    assert.match(result.detail ?? '', /^10\.0\.0\.5 \(private: 10\.0\.0\.0\/8, RFC 1918\); /);
  });

  test('public_ip detail classifies every address', async () => {
    const { result } = await runDnsCheck('mixed.test', { private: true }, settingsWith({}));
    assert.match(result.detail ?? '', /10\.0\.0\.1 \(private: 10\.0\.0\.0\/8, RFC 1918\), 20\.1\.2\.3 \(public\)/);
  });

  test('a literal never reaches the DNS server', async () => {
    const before = dns.queries.length;
    const { data } = await runDnsCheck('10.1.2.3', {}, settingsWith({}));
    assert.equal(data.authority, 'literal');
    assert.equal(data.literal, true);
    assert.equal(dns.queries.length, before);
  });

  test('an unreachable DNS server is a dns_error saying so', async () => {
    const port = await closedUdpPort();
    const { result } = await runDnsCheck('a.test', {}, settingsWith({ dnsServers: [`127.0.0.1:${port}`] }));
    assert.equal(result.reason, 'dns_error');
    assert.match(result.message, /unreachable: UDP port unreachable \(ICMP\)/);
  });

  for (const c of [
    { case: 'a layer timeout', abortWith: new LayerTimeoutError(50), reason: 'dns_timeout' },
    { case: 'the run deadline', abortWith: new DeadlineError(50), reason: 'deadline' },
  ]) {
    test(`${c.case} ends the check long before the DNS timeout, as ${c.reason}`, async () => {
      const controller = new AbortController();
      const settings = settingsWith({ timeoutMs: 5000 });
      setTimeout(() => controller.abort(c.abortWith), 50);
      const started = Date.now();
      const result = await checkDns(dnsEndpoint('silent.test'), {}, dnsContext(settings, controller.signal));
      assert.equal(result.reason, c.reason);
      assert.equal(result.status, 'fail');
      assert.ok(Date.now() - started < 2000);
    });
  }
});

describe('refining an ambiguous system failure with a direct answer', () => {
  // getaddrinfo failures cannot be produced on loopback without querying this machine's real DNS
  // server, so the system half is built from the real error mapping; the direct half is real.
  const cases: { code: string; host: string; reason: Reason; message: RegExp }[] = [
    { code: 'ENOTFOUND', host: 'empty.test', reason: 'nodata', message: /^no A\/AAAA records \(per 127\.0\.0\.1:\d+; system said ENOTFOUND\)$/ },
    { code: 'ENOTFOUND', host: 'nothing.test', reason: 'nxdomain', message: /^NXDOMAIN \(per .*; system said ENOTFOUND\)$/ },
    { code: 'EAI_AGAIN', host: 'servfail.test', reason: 'servfail', message: /^SERVFAIL \(per .*; system said EAI_AGAIN\)$/ },
    { code: 'EAI_AGAIN', host: 'silent.test', reason: 'dns_timeout', message: /^temporary DNS failure \(EAI_AGAIN\)$/ },
    { code: 'ENOTFOUND', host: 'dual.test', reason: 'nxdomain', message: /^name not found \(ENOTFOUND\)$/ },
  ];
  for (const c of cases) {
    test(`${c.code} + ${c.host} -> ${c.reason}`, async () => {
      const direct = await queryDirect(dns.server, c.host, TIMEOUT, new AbortController().signal);
      const system = { ...describeLookupError(c.code, c.host), code: c.code, addresses: [], ms: 1 };
      const settings = settingsWith({ systemResolver: true, dnsServersExplicit: false });
      const judgement = judgeResolution({ name: c.host, system, direct: [direct] }, settings, false, undefined, []);
      assert.equal(judgement.reason, c.reason);
      assert.equal(judgement.status, 'fail');
      assert.match(judgement.message, c.message);
      assert.equal(judgement.data.authority, 'system');
    });
  }
});
