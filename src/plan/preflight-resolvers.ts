// The resolvers' pre-flight, part of planning: one test question to each named DNS server and to
// Azure DNS, inside the pre-run share of the deadline. A server that does not speak DNS would turn
// every endpoint into a DNS failure; it is the user's input that is wrong, so it is exit 2 with one
// message, before the run. Azure DNS switched on by detection that does not answer is left out of
// the run, which the plan says as data (and a note), never by editing the settings afterwards.

import { UsageError } from '../errors.js';
import { cleanMessage } from '../untrusted/evidence.js';
import { preRunRemainingMs, type RunClock } from './run-clock.js';

/** What the pre-flight needs to know of the settings being planned. */
export interface ResolverCandidates {
  dnsServers: readonly string[];
  dnsServersExplicit: boolean;
  timeoutMs: number;
  /** Azure DNS to ask, and whether detection (not the user) switched it on. */
  azureDns?: { address: string; auto: boolean };
}

/** The pre-flight's findings: whether Azure DNS stays in the run, and the notes for the user. */
export interface PreflightOutcome {
  keepAzureDns: boolean;
  notes: string[];
}

/** Asks the named DNS servers, then Azure DNS; throws a UsageError for a server the user named that is wrong. */
export async function preflightResolvers(candidates: ResolverCandidates, clock: RunClock): Promise<PreflightOutcome> {
  const notes: string[] = [];
  if (candidates.dnsServersExplicit) await preflightDnsServers(candidates, clock, notes);
  const keepAzureDns = candidates.azureDns === undefined ? false : await preflightAzureDns(candidates, candidates.azureDns, clock, notes);
  return { keepAzureDns, notes };
}

async function preflightDnsServers(candidates: ResolverCandidates, clock: RunClock, notes: string[]): Promise<void> {
  const { timeoutMs, cut } = preflightTimeout(candidates, clock);
  if (timeoutMs === 0) {
    notes.push(`amlprobe: note: no time left to pre-flight ${candidates.dnsServers.join(', ')}: the steps before probing used their third of --deadline; each name's DNS layer will judge.\n`);
    return;
  }
  const { checkDnsServer } = await import('../dns/resolve-name.js');
  const problems = await Promise.all(candidates.dnsServers.map((server) => checkDnsServer(server, timeoutMs)));
  const found = problems.filter((p): p is string => p !== null);
  if (cut && found.length > 0 && found.every(isSilence)) {
    notes.push(`amlprobe: note: ${found.join('; ')}; the pre-run share of --deadline allowed no longer wait, so each name's DNS layer will judge.\n`);
    return;
  }
  const messages = found.map((m) => (/[.!?]$/.test(m) ? m : `${m}.`));
  if (messages.length > 0) {
    throw new UsageError(`${messages.join(' ')} Check the address and port, or leave out --dns-server to use the system's resolvers.`, '--dns-server');
  }
}

/**
 * --azure-dns(-address) that does not answer would add a timeout to every name's comparison: off
 * Azure 168.63.129.16 is silent, so say that once, before the run. True when it stays in the run.
 */
async function preflightAzureDns(candidates: ResolverCandidates, azure: { address: string; auto: boolean }, clock: RunClock, notes: string[]): Promise<boolean> {
  const { timeoutMs, cut } = preflightTimeout(candidates, clock);
  const problem =
    timeoutMs === 0
      ? 'no time was left to ask it (the steps before probing used their third of --deadline)'
      : await (await import('../dns/resolve-name.js')).checkDnsServer(azure.address, timeoutMs);
  if (problem !== null && (azure.auto || (cut && (timeoutMs === 0 || isSilence(problem))))) {
    // Switched on by detection, not asked for: say so and compare without it.
    notes.push(`amlprobe: note: Azure DNS (${azure.address}) did not answer (${cleanMessage(problem)}); comparing resolvers without it.\n`);
    return false;
  }
  if (problem !== null) {
    throw new UsageError(
      `Azure DNS: ${problem}. Azure-provided DNS answers only inside an Azure VNet; leave out --azure-dns / --azure-dns-address elsewhere.`,
      '--azure-dns',
    );
  }
  return true;
}

/**
 * The wait of a pre-flight query: the layer timeout, cut to what is left of the pre-run share of
 * the deadline (src/plan/run-clock.ts); 0 when none is left. `cut` says it was cut: silence then
 * proves less than a timeout would, so it is a note, not a usage error.
 */
function preflightTimeout(candidates: ResolverCandidates, clock: RunClock): { timeoutMs: number; cut: boolean } {
  // Under 50 ms a test query proves nothing: 0 means "skip it".
  const rest = Math.floor(preRunRemainingMs(clock));
  const left = rest < 50 ? 0 : rest;
  return left < candidates.timeoutMs ? { timeoutMs: left, cut: true } : { timeoutMs: candidates.timeoutMs, cut: false };
}

/** A pre-flight problem that is only silence (a server that may just be slow), not a wrong answer. */
function isSilence(problem: string): boolean {
  return /did not answer a test query/.test(problem);
}
