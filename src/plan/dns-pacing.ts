// How fast the run may ask each DNS server, decided once before the first packet (the DNS layer
// obeys, src/dns/udp-slots.ts). Most servers get the fixed in-flight window and no rate: nothing
// documented bounds them (the bench's dnsmasq, a custom DNS VM, a DNS Private Resolver inbound
// endpoint at 10,000 queries/s each). The Azure-provided resolver is different: Microsoft
// documents, per virtual machine, 1,000 queries per second and at most 200 queued (pending
// response), and "DNS queries exceeding these limits are dropped" (Azure subscription and service
// limits, "Azure-provided DNS resolver VM limits"; MicrosoftDocs/azure-docs includes/dns-limits.md,
// 2024; the 2020 text said 500/s). Unpaced, amlprobe sends about 11,600 queries/s (bench case 4):
// Azure DNS would drop most of a large run's queries, and the drops would read as false
// dns_timeout verdicts and a wrong "which box said no".
//
// Who spends that budget: every query to 168.63.129.16 (or the address --azure-dns-address names),
// and, when amlprobe runs inside Azure, what the system's loopback stub forwards (an AML compute
// instance's resolv.conf names systemd-resolved at 127.0.0.53, whose upstream is 168.63.129.16
// unless the VNet names custom DNS servers) and getaddrinfo through that stub (glibc asks A and
// AAAA per lookup). Pacing a stub whose upstream is a custom server costs only time; not pacing
// one that forwards to Azure DNS costs verdicts, so a loopback server inside Azure is paced.

import type { Endpoint } from '../model/endpoint.js';
import { isIP } from 'node:net';
import { FIXED_DNS_WINDOW, type DnsPacing, type DnsRateBudget } from '../model/dns-pacing.js';
import type { AskedServer, PlannedSettings } from '../model/settings.js';

/** What Microsoft documents for the Azure-provided resolver, per virtual machine. */
export const AZURE_DNS_LIMITS = { queriesPerSecond: 1000, pending: 200 } as const;

/**
 * The budget amlprobe allows itself: at most burst + rate = 850 queries in any one second and 150
 * pending, 15 % and 25 % below the documented figures. Why a margin: the limit is the VM's, and
 * other processes on it ask too (the compute instance's agents, a notebook, systemd-resolved's own
 * retries); Azure counts its seconds on a clock whose phase amlprobe does not know; and a timer
 * that runs late releases its tokens together.
 */
export const AZURE_DNS_BUDGET: DnsRateBudget = { id: 'azure-dns-vm', perSecond: 800, burst: 50 };
const AZURE_DNS_PENDING = 150;

/** Queries one getaddrinfo call sends (glibc: A and AAAA). */
const QUERIES_PER_LOOKUP = 2;

function isLoopback(host: string): boolean {
  return host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * Who spends the Azure DNS budget in this run. Inside Azure: amlprobe found itself there (even with
 * --no-azure-dns the stub still forwards to Azure DNS), or Azure DNS is asked (the user says so).
 */
function spenders(settings: PlannedSettings, foundInAzure: boolean): { servers: Set<AskedServer>; system: boolean } {
  const asked = settings.parsed?.asked ?? [];
  const insideAzure = foundInAzure || settings.azureDns !== undefined || asked.some((s) => s.role === 'azure');
  const servers = new Set(asked.filter((s) => s.role === 'azure' || (insideAzure && s.address !== undefined && isLoopback(s.address.host))));
  return { servers, system: insideAzure && settings.systemResolver };
}

/** getaddrinfo's threads (libuv's pool): each holds one lookup, so at most twice as many queries pending. */
function lookupThreads(env: NodeJS.ProcessEnv): number {
  return Number(env.UV_THREADPOOL_SIZE) || 4;
}

/**
 * The settings with each asked server's pacing and the system resolver's, decided from the parsed
 * servers and their roles and whether amlprobe found itself inside Azure (call it after the parsed
 * values are attached).
 */
export function withDnsPacing(settings: PlannedSettings, insideAzure = false, env: NodeJS.ProcessEnv = process.env): PlannedSettings {
  const parsed = settings.parsed;
  if (parsed === undefined) return settings;
  const { servers, system } = spenders(settings, insideAzure);
  // The pending limit is shared: getaddrinfo keeps what its threads can hold, the servers split the rest.
  const reserved = system ? Math.min(QUERIES_PER_LOOKUP * lookupThreads(env), AZURE_DNS_PENDING / 2) : 0;
  const window = Math.max(1, Math.floor((AZURE_DNS_PENDING - reserved) / Math.max(1, servers.size)));
  const paced: DnsPacing = { window, budget: AZURE_DNS_BUDGET };
  const fixed: DnsPacing = { window: FIXED_DNS_WINDOW };
  return {
    ...settings,
    parsed: {
      ...parsed,
      asked: parsed.asked.map((server) => ({ ...server, pacing: servers.has(server) ? paced : fixed })),
      ...(system ? { systemPacing: { budget: AZURE_DNS_BUDGET, queriesPerLookup: QUERIES_PER_LOOKUP } } : {}),
    },
  };
}

/** The queries a run sends on a budget, and the least time they take at its rate. */
export function pacedDnsTime(settings: PlannedSettings, names: number): { queries: number; ms: number; budget: DnsRateBudget } | undefined {
  const asked = settings.parsed?.asked ?? [];
  const budget = asked.find((s) => s.pacing?.budget !== undefined)?.pacing?.budget ?? settings.parsed?.systemPacing?.budget;
  if (budget === undefined) return undefined;
  const perName = asked.filter((s) => s.pacing?.budget?.id === budget.id).length * 2 + (settings.parsed?.systemPacing?.budget.id === budget.id ? settings.parsed.systemPacing.queriesPerLookup : 0);
  const queries = names * perName;
  return { queries, ms: (Math.max(0, queries - budget.burst) / budget.perSecond) * 1000, budget };
}

/**
 * The note, said once before the run, when the paced DNS of the run's names cannot fit its
 * deadline: with the numbers and the --deadline that would fit. Why a note and not a longer
 * default deadline: the deadline is a promise to whoever waits (a CI step's budget, serve mode's
 * schedule, healthcheck's 10 s); amlprobe keeps it and says what it costs.
 */
export function pacingNote(settings: PlannedSettings, endpoints: readonly Endpoint[]): string | undefined {
  if (pacedDnsTime(settings, 0) === undefined) return undefined;
  const names = new Set<string>();
  for (const endpoint of endpoints) if (isIP(endpoint.host) === 0) names.add(endpoint.host.toLowerCase());
  const paced = pacedDnsTime(settings, names.size);
  if (paced === undefined || paced.ms + settings.timeoutMs <= settings.deadlineMs) return undefined;
  const fits = Math.ceil((paced.ms + 5 * settings.timeoutMs) / 1000);
  return (
    `amlprobe: note: Azure DNS drops what a VM sends beyond ${AZURE_DNS_LIMITS.queriesPerSecond.toLocaleString('en-US')} queries per second ` +
    `(documented limit; amlprobe keeps to ${paced.budget.perSecond}/s): this run's ${names.size.toLocaleString('en-US')} names need ` +
    `${paced.queries.toLocaleString('en-US')} queries on that budget, at least ${Math.ceil(paced.ms / 1000)} s, more than the ` +
    `${Math.round(settings.deadlineMs / 1000)} s deadline: names not asked by then are reported as cut by the deadline. ` +
    `Give --deadline ${fits}s (or more) to probe every endpoint.\n`
  );
}
