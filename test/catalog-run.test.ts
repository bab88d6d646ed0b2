// The whole shipped catalog, expanded for a complete workspace profile, run through the engine
// against a simulated workspace network: a local DNS server answering every expanded name (private
// names through their privatelink CNAME chain to 10.1.0.x, public names with 198.51.100.x) and
// loopback stand-ins reached through settings.redirects with redirectOnly, so the documented
// addresses are never dialled. The expected verdict of every row comes from the catalog data, not
// from the expansion under test; then faults are planted and each must be reported precisely.

import assert from 'node:assert/strict';
import { createSecureContext, type SecureContext } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import { expandCatalog, type CatalogExpansion } from '../src/plan/catalog-expand.js';
import { loadCatalog, type CatalogRequirement, type CatalogRow, type CatalogScenario } from '../src/plan/catalog-load.js';
import { redirectKey } from '../src/net/redirect.js';
import type { Reason, Status } from '../src/model/reason.js';
import type { Layer } from '../src/model/endpoint.js';
import type { ConnectData, TlsData, UdpData } from '../src/model/evidence.js';
import type { EndpointResult } from '../src/model/result.js';
import type { RunSettings } from '../src/model/settings.js';
import type { Cloud, WorkspaceProfile } from '../src/model/profile.js';
import { startDnsServer, type TestDnsServer, type Zone } from './helpers/dns-server.js';
import { startHttpServer } from './helpers/http-servers.js';
import { closedTcpPort, closedUdpPort, LOOPBACK, startTlsServer, type Listener } from './helpers/listeners.js';
import { testSettings } from './helpers/settings.js';
import { pemFingerprint256 } from '../src/net/public-roots.js';
import { planHosts, redirectsFor, startWorkspaceServices, workspaceZone, type HostPlan, type WorkspaceServices } from './helpers/simulated-workspace.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';

const CLOUD: Cloud = 'public';
const PROFILE: WorkspaceProfile = {
  cloud: CLOUD,
  region: 'eastus',
  workspaceName: 'mlws',
  workspaceId: '52882c08-ead2-44aa-af65-08a75cf094bd',
  storageAccounts: ['mlwsstorage'],
  keyVault: 'mlws-kv',
  containerRegistry: 'mlwsacr01',
  computeInstance: 'ci-dev',
  registries: [{ name: 'shared', region: 'westeurope', id: '11111111-2222-3333-4444-555555555555', storageAccount: 'sharedregsa', containerRegistry: 'sharedregacr01' }],
  privateEndpoints: true,
};

/** What one endpoint must report when the simulated network is healthy. */
interface ExpectedEndpoint {
  row: CatalogRow;
  protocol: CatalogRow['probe'];
  port: number;
  required: boolean;
  private: boolean;
  status: Status;
  reason: Reason;
}

/** The healthy verdict of each probe kind against the stand-ins (the UDP responder echoes). */
const HEALTHY: Record<Exclude<CatalogRow['probe'], 'none'>, { status: Status; reason: Reason }> = {
  dns: { status: 'pass', reason: 'ok' },
  tcp: { status: 'pass', reason: 'ok' },
  udp: { status: 'pass', reason: 'ok' },
  tls: { status: 'pass', reason: 'ok' },
  https: { status: 'pass', reason: 'ok' },
  wss: { status: 'pass', reason: 'ws_upgraded' },
  smb: { status: 'pass', reason: 'smb_negotiated' },
};

const RANK: Record<CatalogRequirement, number> = { required: 3, conditional: 2, optional: 1, informational: 0 };

/**
 * The expected outcome of every row, read straight from the catalog: one endpoint per (row, port)
 * (one per dns row), or a not-probed row for inbound / probe none / wildcards without a concrete name.
 * A row in several scenarios counts once and is required when any scenario requires it.
 */
function expectedFromCatalog(scenarios: CatalogScenario[], cloud: Cloud): { endpoints: Map<string, ExpectedEndpoint>; notProbed: Set<string>; rowIds: Set<string> } {
  const strongest = new Map<string, CatalogRow>();
  for (const row of scenarios.flatMap((s) => s.endpoints)) {
    const seen = strongest.get(row.id);
    if (seen === undefined || RANK[row.requirement] > RANK[seen.requirement]) strongest.set(row.id, row);
  }
  const endpoints = new Map<string, ExpectedEndpoint>();
  const notProbed = new Set<string>();
  const rowIds = new Set<string>();
  for (const row of strongest.values()) {
    if (row.clouds !== undefined && !row.clouds.includes(cloud)) continue;
    rowIds.add(row.id);
    const concrete = !row.host.startsWith('*.') || row.wellKnownHost !== undefined;
    if (row.probe === 'none' || row.direction === 'inbound' || !concrete) {
      notProbed.add(row.id);
      continue;
    }
    const ports = row.probe === 'dns' ? [0] : row.ports;
    for (const port of ports) {
      const id = row.probe === 'dns' ? row.id : `${row.id}:${port}`;
      const verdict = HEALTHY[row.probe];
      endpoints.set(id, { row, protocol: row.probe, port, required: row.requirement === 'required', private: row.expectPrivate, ...verdict });
    }
  }
  return { endpoints, notProbed, rowIds };
}

/** One line per mismatch, so a failing run names every broken row at once. */
function mismatches(results: EndpointResult[], expected: Map<string, ExpectedEndpoint>, skip: Set<string> = new Set()): string[] {
  const out: string[] = [];
  for (const result of results) {
    if (skip.has(result.id)) continue;
    const want = expected.get(result.id);
    if (want === undefined) {
      out.push(`${result.id}: not expected from the catalog`);
      continue;
    }
    if (result.status !== want.status || result.reason !== want.reason) {
      out.push(`${result.id} (${result.host}): ${result.status}/${result.reason} at ${result.layer ?? '-'}: ${result.message}; expected ${want.status}/${want.reason}`);
    }
  }
  return out;
}

function layerOf(result: EndpointResult, layer: Layer) {
  const found = result.checks.find((c) => c.layer === layer);
  assert.ok(found, `${result.id}: no ${layer} layer`);
  return found;
}

describe('the full catalog against a simulated workspace network', () => {
  let scenarios: CatalogScenario[];
  let expansion: CatalogExpansion;
  let plans: Map<string, HostPlan>;
  let zone: Zone;
  let ca: TestCa;
  let rogueCa: TestCa;
  let services: WorkspaceServices;
  let dns: TestDnsServer;
  let secureContext: SecureContext;
  let settings: RunSettings;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    scenarios = loadCatalog();
    expansion = expandCatalog(scenarios, PROFILE);
    plans = planHosts(expansion.endpoints);
    zone = workspaceZone(plans);
    [ca, rogueCa] = await Promise.all([createTestCa('amlprobe Test Root CA'), createTestCa('Contoso TLS Inspection CA')]);
    cleanups.push(() => ca.cleanup(), () => rogueCa.cleanup());
    const tlsNames = [...new Set(expansion.endpoints.filter((e) => ['https', 'wss', 'tls'].includes(e.protocol)).map((e) => e.host))];
    services = await startWorkspaceServices(await ca.issue({ names: tlsNames }));
    cleanups.push(() => services.close());
    dns = await startDnsServer(zone);
    cleanups.push(() => dns.close());
    secureContext = createSecureContext({ ca: ca.caCert });
    settings = testSettings({
      timeoutMs: 1_000,
      deadlineMs: 8_000,
      concurrency: 64,
      dnsServers: [dns.server],
      dnsServersExplicit: true,
      redirects: redirectsFor(expansion.endpoints, plans, services.ports),
      redirectOnly: true,
      // The test CA plays the public PKI Microsoft's certificates chain to: the healthy rows pass,
      // and a CA not declared here (trusted or not) is TLS inspection.
      publicRoots: [pemFingerprint256(ca.caCert)],
    });
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('expands every row: one endpoint per (row, port), the rest reported with a reason, nothing dropped', () => {
    const want = expectedFromCatalog(scenarios, CLOUD);
    // A complete profile leaves nothing to ask for.
    assert.deepEqual(expansion.missing, []);
    assert.deepEqual(expansion.endpoints.map((e) => e.id).sort(), [...want.endpoints.keys()].sort());
    assert.equal(new Set(expansion.endpoints.map((e) => e.id)).size, expansion.endpoints.length, 'an endpoint id is repeated');
    assert.deepEqual(expansion.notProbed.map((n) => n.id).sort(), [...want.notProbed].sort());
    assert.deepEqual(expansion.rows.map((r) => r.id).sort(), [...want.rowIds].sort());
    const fromRows = expansion.rows.reduce((n, r) => n + r.endpointIds.length, 0);
    assert.equal(expansion.endpoints.length, fromRows, 'endpoints that no expanded row accounts for');
    for (const endpoint of expansion.endpoints) {
      const expected = want.endpoints.get(endpoint.id)!;
      assert.equal(endpoint.protocol, expected.protocol, endpoint.id);
      assert.equal(endpoint.port, expected.port, endpoint.id);
      assert.equal(endpoint.required, expected.required, `${endpoint.id}: required`);
      assert.equal(endpoint.expect.private, expected.private, `${endpoint.id}: expect.private`);
      assert.match(endpoint.host, /^[a-z0-9.-]+$/, `${endpoint.id}: host '${endpoint.host}' is not a concrete DNS name`);
      assert.ok(endpoint.meta?.remediation, `${endpoint.id}: no remediation`);
    }
    for (const row of expansion.notProbed) {
      assert.ok(row.reason === 'needs_input' || row.reason === 'informational', `${row.id}: ${row.reason}`);
      assert.ok(row.message.length > 10, `${row.id}: no message`);
      assert.ok(row.meta.remediation, `${row.id}: no remediation`);
    }
  });

  it('a healthy network: every endpoint gets the verdict its row predicts, through the fake DNS and loopback only', async () => {
    const want = expectedFromCatalog(scenarios, CLOUD);
    // Healthy peers answer at once: a longer timeout costs nothing here and keeps the test green
    // when a loaded machine takes over a second for the first burst of handshakes.
    const outcome = await runEndpoints(expansion.endpoints, { ...settings, timeoutMs: 5_000, deadlineMs: 20_000 }, { secureContext });
    assert.equal(outcome.deadlineHit, false);
    assert.equal(outcome.results.length, expansion.endpoints.length);
    assert.deepEqual(mismatches(outcome.results, want.endpoints), []);

    for (const result of outcome.results) {
      const plan = plans.get(result.host)!;
      // The DNS layer took the fake server's answer, through the privatelink chain where there is one.
      assert.equal(result.address, plan.address, result.id);
      const dnsData = layerOf(result, 'dns').data as { direct?: { cname: { data: string }[] }[] };
      const chain = dnsData.direct?.[0]?.cname.map((r) => r.data) ?? [];
      assert.deepEqual(chain, plan.cname === undefined ? [] : [plan.cname], `${result.id}: CNAME chain`);
      // Every packet went to a loopback stand-in, never to the documented address.
      for (const layer of ['tcp', 'udp'] as const) {
        const check = result.checks.find((c) => c.layer === layer);
        if (check === undefined) continue;
        const data = check.data as ConnectData | UdpData;
        assert.equal(data.address, plan.address, `${result.id}: ${layer} reports the documented address`);
        assert.match(data.redirectedTo ?? '', /^127\.0\.0\.1:\d+$/, `${result.id}: ${layer} was not redirected`);
      }
    }
    // Every request carried the catalog's host name (SNI, Host) and path to the stand-in.
    for (const endpoint of expansion.endpoints) {
      if (['https', 'wss', 'tls'].includes(endpoint.protocol)) assert.ok(services.web.servernames.has(endpoint.host), `no SNI ${endpoint.host}`);
      if (endpoint.protocol === 'https') assert.ok(services.web.requests.has(`${endpoint.host}${endpoint.path}`), `no GET ${endpoint.host}${endpoint.path}`);
      if (endpoint.protocol === 'wss') assert.ok(services.web.upgrades.has(`${endpoint.host}${endpoint.path}`), `no upgrade ${endpoint.host}${endpoint.path}`);
    }
    // Nothing was asked that the simulated zone does not hold, and every name was asked.
    const asked = new Set(dns.queries.map((q) => q.name.toLowerCase()));
    for (const name of asked) assert.ok(Object.hasOwn(zone, name), `unexpected DNS query for ${name}`);
    for (const plan of plans.values()) assert.ok(asked.has(plan.host), `${plan.host} was never resolved`);
  });

  it('planted faults: each affected row reports the precise reason, every other row is unchanged', async (t) => {
    const want = expectedFromCatalog(scenarios, CLOUD);
    const endpointOf = (id: string) => {
      const found = expansion.endpoints.find((e) => e.id === id);
      assert.ok(found, `the catalog no longer has endpoint ${id}: pick another row for this fault`);
      return found;
    };
    const planOf = (id: string): HostPlan => plans.get(endpointOf(id).host)!;

    const interceptor: Listener = await startTlsServer(await rogueCa.issue({ names: [endpointOf('mcr:443').host] }));
    t.after(() => interceptor.close());
    const [closedTcp, closedUdp] = await Promise.all([closedTcpPort(), closedUdpPort()]);

    const workspaceApi = planOf('workspace-api:443');
    assert.ok(workspaceApi.cname, 'the workspace API name should answer through its privatelink CNAME');
    const faultyZone: Zone = {
      ...zone,
      // Custom DNS not forwarding privatelink.notebooks.azure.net: the public answer comes back.
      [planOf('notebooks:443').host]: { kind: 'records', a: ['198.51.100.251'] },
      // The privatelink record of the workspace was deleted (private endpoint re-created).
      [workspaceApi.cname]: { kind: 'rcode', rcode: 'NXDOMAIN' },
    };
    const faultyDns = await startDnsServer(faultyZone);
    t.after(() => faultyDns.close());
    const smb = endpointOf('storage-file-smb:445');
    const faulty: RunSettings = {
      ...settings,
      dnsServers: [faultyDns.server],
      redirects: {
        ...settings.redirects,
        // A firewall rejects SMB to the storage account (RST): the redirect leads to a closed loopback port.
        [redirectKey('tcp', planOf('storage-file-smb:445').address, smb.port)]: `${LOOPBACK}:${closedTcp}`,
        // A TLS-inspecting firewall answers for mcr.microsoft.com with its own CA.
        [redirectKey('tcp', planOf('mcr:443').address, 443)]: `${LOOPBACK}:${interceptor.port}`,
        // Tundra's UDP port answers with ICMP port unreachable.
        [redirectKey('udp', planOf('tundra:5831').address, 5831)]: `${LOOPBACK}:${closedUdp}`,
      },
    };

    const faults: { case: string; id: string; layer: Layer; reason: Reason; message: RegExp }[] = [
      { case: 'private name answers publicly', id: 'notebooks:443', layer: 'dns', reason: 'public_ip', message: /public IP 198\.51\.100\.251/ },
      { case: 'privatelink record missing', id: 'workspace-api:443', layer: 'dns', reason: 'nxdomain', message: new RegExp(`NXDOMAIN for ${workspaceApi.cname.replaceAll('.', '\\.')}`) },
      { case: 'SMB port rejected', id: 'storage-file-smb:445', layer: 'tcp', reason: 'tcp_refused', message: /refused/ },
      { case: 'TLS inspection', id: 'mcr:443', layer: 'tls', reason: 'tls_untrusted', message: /Contoso TLS Inspection CA/ },
      { case: 'UDP port closed', id: 'tundra:5831', layer: 'udp', reason: 'udp_closed', message: /closed/ },
    ];

    const outcome = await runEndpoints(expansion.endpoints, faulty, { secureContext });
    assert.equal(outcome.deadlineHit, false);
    assert.equal(outcome.results.length, expansion.endpoints.length);
    const byId = new Map(outcome.results.map((r) => [r.id, r]));
    for (const fault of faults) {
      const result = byId.get(fault.id);
      assert.ok(result, `${fault.case}: no result for ${fault.id}`);
      assert.deepEqual([result.status, result.layer, result.reason], ['fail', fault.layer, fault.reason], `${fault.case}: ${result.message}`);
      assert.match(result.message, fault.message, fault.case);
      // The row's own remediation travels with the failure, for the report's fix line.
      assert.equal(result.meta?.remediation, want.endpoints.get(fault.id)?.row.remediation, `${fault.case}: remediation`);
    }
    assert.equal(byId.get('notebooks:443')?.meta?.privateDnsZone, 'privatelink.notebooks.azure.net');
    const tls = layerOf(byId.get('mcr:443')!, 'tls').data as TlsData;
    assert.match(tls.chain?.[0]?.issuer ?? '', /Contoso TLS Inspection CA/);
    assert.equal(tls.authorized, false);
    // Nothing else moved: a fault on one host does not leak into another row.
    assert.deepEqual(mismatches(outcome.results, want.endpoints, new Set(faults.map((f) => f.id))), []);
  });

  it('an inspecting firewall whose CA this machine trusts: tls_inspected on Microsoft rows only', async (t) => {
    const want = expectedFromCatalog(scenarios, CLOUD);
    const mcr = expansion.endpoints.find((e) => e.id === 'mcr:443');
    const pypi = expansion.endpoints.find((e) => e.host === 'pypi.org' && e.protocol === 'https');
    assert.ok(mcr && pypi, 'the catalog no longer has mcr:443 or an https row for pypi.org: pick other rows');
    // An inspecting firewall answers the request itself once it has decrypted it.
    const interceptor = await startHttpServer((_req, res) => res.end('inspected'), await rogueCa.issue({ names: [mcr.host, pypi.host] }));
    t.after(() => interceptor.close());
    const inspected: RunSettings = {
      ...settings,
      redirects: {
        ...settings.redirects,
        [redirectKey('tcp', plans.get(mcr.host)!.address, 443)]: `${LOOPBACK}:${interceptor.port}`,
        [redirectKey('tcp', plans.get(pypi.host)!.address, 443)]: `${LOOPBACK}:${interceptor.port}`,
      },
    };
    // The inspection CA is trusted here (as --ca-file or NODE_EXTRA_CA_CERTS would), but not public.
    const trustingBoth = createSecureContext({ ca: [ca.caCert, rogueCa.caCert] });
    const outcome = await runEndpoints(expansion.endpoints, inspected, { secureContext: trustingBoth });
    const byId = new Map(outcome.results.map((r) => [r.id, r]));
    const mcrResult = byId.get(mcr.id)!;
    assert.deepEqual([mcrResult.status, mcrResult.layer, mcrResult.reason], ['warn', 'tls', 'tls_inspected'], mcrResult.message);
    assert.match(mcrResult.message, /TLS inspected: certificate issued by Contoso TLS Inspection CA/);
    assert.equal((layerOf(mcrResult, 'tls').data as TlsData).authorized, true);
    // pypi.org is not Microsoft's: a CA this machine trusts is its business, and the row passes.
    assert.equal(byId.get(pypi.id)?.status, 'pass', byId.get(pypi.id)?.message);
    // Nothing else moved.
    assert.deepEqual(mismatches(outcome.results, want.endpoints, new Set([mcr.id])), []);
  });
});
