// `amlprobe lab`: a simulated secured workspace inside this process, on loopback only. The lab's
// DNS answers the workspace's names with realistic addresses (10.1.0.x for private endpoints,
// 198.51.100.x for public services), the engine's redirects send every (transport, address, port)
// to a loopback listener, and redirectOnly refuses anything else, so not one packet leaves the
// machine; the rows the lab routes through its forward proxy (lab-proxy.ts) dial the proxy's
// address through the same redirects. The normal catalog and engine run against it; the normal matrix is printed, then each
// planted fault, whether amlprobe caught it and what to fix. Exit 0 means amlprobe caught every
// fault with the right reason and passed every healthy row: the lab checks amlprobe itself.

import { pemFingerprint256 } from '../net/public-roots.js';
import { UsageError } from '../errors.js';
import { createProgress } from '../report/progress.js';
import { loadRenderers } from '../report/render.js';
import type { RunFormat } from '../report/formats.js';
import { probeToReport } from '../engine/probe-to-report.js';
import { renderTable, shouldUseColour } from '../report/table.js';
import { shouldUseAscii, tableWidth } from '../report/terminal.js';
import type { Endpoint } from '../model/endpoint.js';
import type { RunSettings } from '../model/settings.js';
import type { Report } from '../model/report.js';
import { planReportOutputs, writeReportOutputs, type ReportOutputRequest } from '../output/report-outputs.js';
import { buildSettings } from '../plan/build-settings.js';
import { finishEndpoints } from '../plan/finish-endpoints.js';
import type { SettingsOptions } from '../plan/plan-options.js';
import { hostsNotCovered, labSecureContext, loadLabCerts, type LabCerts } from './lab-certs.js';
import { startLabDns } from './lab-dns.js';
import { labBanner, labHtmlExtras, labJson, renderLabExplanation } from './lab-explain.js';
import { renderHtml } from '../report/html.js';
import { LAB_FAULTS, MANAGED_NETWORK_FAULTS, type LabFault } from './lab-faults.js';
import { parseIsolationMode } from '../azure/managed-network-json.js';
import type { IsolationMode } from '../model/managed-network.js';
import { startLabListeners, type LabListeners } from './lab-listeners.js';
import { buildLabNetwork, LAB_PROXY, type LabNetwork } from './lab-network.js';
import { judgeLab } from './lab-verdict.js';
import { labPlan, labProfile } from './lab-workspace.js';
import { rowOf } from './lab-network.js';

/**
 * The lab's default concurrency. Server and probes share one thread here, so endpoints started
 * together queue for it: fewer at once keeps every layer far inside its timeout on a busy
 * machine, at no cost to the total (the silent peer's one layer timeout decides that).
 */
export const LAB_CONCURRENCY = 8;

/** What `lab` is asked: its arguments (none are allowed), its reports, its settings and whether to plant the faults. */
export interface LabOptions {
  positionals: string[];
  report: ReportOutputRequest;
  noColor: boolean;
  /** Timeout, deadline and concurrency only: the workspace is fixed, so profile, DNS and config flags do not apply. */
  settings: SettingsOptions;
  faults: boolean;
  /** --managed-network MODE: simulate the workspace's managed virtual network in this mode. */
  managedNetwork?: string | undefined;
  /** --show-commands: each failed row's proof commands under it in the table and Markdown. */
  showCommands?: boolean;
}

function checkLabArgs(options: LabOptions): void {
  if (options.positionals.length > 0) {
    throw new UsageError(`'lab' takes no arguments, got '${options.positionals.join(' ')}'. See 'amlprobe lab --help'.`);
  }
}

/** The servers that make up the simulated workspace, and the settings that point the engine at them. */
interface RunningLab {
  settings: RunSettings;
  close(): Promise<void>;
}

/** Starts the lab's DNS server and listeners for `network`, and builds the run's settings. */
async function startLab(network: LabNetwork, certs: LabCerts, base: RunSettings): Promise<RunningLab> {
  const dns = await startLabDns(network.records);
  let listeners: LabListeners;
  try {
    listeners = await startLabListeners([...network.dials.values()].map((d) => d.behaviour), certs, network.proxyAllows);
  } catch (error) {
    await dns.close();
    throw error;
  }
  const redirects: Record<string, string> = {};
  for (const [key, dial] of network.dials) redirects[key] = `127.0.0.1:${listeners.ports.get(dial.behaviour) ?? 0}`;
  // The user's --proxy and http(s)_proxy are real machines the lab does not simulate: dropped, so
  // only the rows the lab itself routes through its proxy take one.
  const direct: RunSettings = { ...base };
  delete direct.proxy;
  delete direct.proxyEnv;
  const settings: RunSettings = {
    ...direct,
    dnsServers: [dns.server],
    dnsServersExplicit: true,
    // getaddrinfo would ask the machine's real resolvers about the fake names: never.
    systemResolver: false,
    privateCidrs: [],
    allAddresses: false,
    expectPrivate: false,
    redirects,
    redirectOnly: true,
    // The lab CA stands in for the public PKI that Microsoft's certificates chain to: the healthy
    // rows pass, and only a CA the lab did not declare public reads as TLS inspection.
    publicRoots: [pemFingerprint256(certs.labCa)],
  };
  return { settings, close: async () => void (await Promise.all([dns.close(), listeners.close()])) };
}

/**
 * The faults to plant: the classic ones in the customer-VNet lab; in a managed network, those whose
 * rows its plan still has (Azure ML owns the compute VNet, so some rows are gone) and the open
 * exfiltration path among the canaries.
 */
function labFaults(planned: readonly Endpoint[], mode: IsolationMode | undefined): readonly LabFault[] {
  if (mode === undefined || mode === 'disabled') return LAB_FAULTS;
  const rows = new Set(planned.map((e) => rowOf(e.id)));
  return [...LAB_FAULTS, ...MANAGED_NETWORK_FAULTS].filter((f) => rows.has(f.row));
}

/** Runs `lab` and returns the exit code: 0 when amlprobe caught every planted fault and passed the rest. */
export async function labCommand(options: LabOptions): Promise<number> {
  checkLabArgs(options);
  const outputs = planReportOutputs(options.report);
  // The DNS server is a placeholder until the lab's own is listening; buildSettings only validates it.
  // The layer timeout is the normal default: the dropped-traffic fault costs exactly one.
  const base = buildSettings({ ...options.settings, dnsServers: ['127.0.0.1'] }, { concurrency: LAB_CONCURRENCY });
  const withFaults = options.faults;

  const certs = loadLabCerts();
  const mode = options.managedNetwork === undefined ? undefined : parseIsolationMode(options.managedNetwork, '--managed-network');
  const profile = labProfile(mode);
  const planned = labPlan(mode).endpoints;
  const network = buildLabNetwork(planned, withFaults ? labFaults(planned, mode) : []);
  // The lab's proxied rows name its proxy as their own, as a config file's `proxy:` would.
  const endpoints = planned.map((e) => (network.proxied.has(e.id) ? { ...e, proxy: LAB_PROXY.url } : e));
  const tlsHosts = endpoints.filter((e: Endpoint) => ['tls', 'https', 'wss'].includes(e.protocol)).map((e) => e.host);
  const uncovered = hostsNotCovered(certs, tlsHosts);

  const lab = await startLab(network, certs, base);
  let report: Report;
  try {
    const progress = process.stderr.isTTY ? createProgress(process.stderr, endpoints.length) : undefined;
    report = await probeToReport(
      {
        endpoints: finishEndpoints(endpoints, lab.settings),
        settings: lab.settings,
        workspace: { profile, origin: Object.fromEntries(Object.keys(profile).map((k) => [k, 'lab'])) },
      },
      { secureContext: labSecureContext(certs), ...(progress ? { onProgress: (p) => progress.update(p) } : {}) },
    );
    progress?.done();
  } finally {
    await lab.close();
  }
  const verdict = judgeLab(report.results, network, withFaults, uncovered);

  const width = tableWidth(process.stdout);
  const ascii = shouldUseAscii(process.env);
  const showCommands = options.showCommands === true;
  const rendered = await loadRenderers(outputs.map((o) => o.format));
  const render = (format: RunFormat, colour: boolean): string | Iterable<string> => {
    if (format === 'table') {
      return labBanner(verdict) + renderTable(report, { colour, width, ascii, showCommands }) + renderLabExplanation(verdict, { colour, width, ascii });
    }
    if (format === 'html') return renderHtml(report, labHtmlExtras(verdict, report.summary.requiredFailed));
    // The JSON report keeps unknown top-level keys after the known ones: the lab's verdict rides along.
    const withLab = format === 'json' ? ({ ...report, lab: labJson(verdict) } as Report) : report;
    return rendered(withLab, format, { colour: false, showCommands });
  };
  await writeReportOutputs(outputs, render, !options.noColor && shouldUseColour(process.stdout, process.env));
  return verdict.ok ? 0 : 1;
}
