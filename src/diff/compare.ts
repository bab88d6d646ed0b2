// What changed between two runs: results are matched by endpoint id (and by address when
// --all-addresses gave one id several results), then compared on status, reason and DNS
// evidence. Pure data in, data out: loading files and rendering live elsewhere.

import type { Reason, Status } from '../model/reason.js';
import type { Layer } from '../model/endpoint.js';
import type { DnsData } from '../model/evidence.js';
import type { EndpointResult } from '../model/result.js';
import type { Report } from '../model/report.js';

/** The kinds of change, in the order reports list them. */
export type ChangeKind = 'new_failure' | 'fixed' | 'status_changed' | 'reason_changed' | 'dns_changed' | 'added' | 'removed';

/** Every kind, in report order. */
export const CHANGE_KINDS: readonly ChangeKind[] = ['new_failure', 'fixed', 'status_changed', 'reason_changed', 'dns_changed', 'added', 'removed'];

/** What one side of a comparison said about an endpoint. */
export interface EndpointSide {
  status: Status;
  reason: Reason;
  layer: Layer | null;
  message: string;
  /** The addresses the DNS layer resolved, sorted; empty when it did not resolve. */
  addresses: string[];
  /** CNAME chain of the deciding DNS answer, queried name first; empty without CNAMEs. */
  cname: string[];
}

/** One change of one endpoint. An endpoint may have several (a status change and new addresses). */
export interface Change {
  kind: ChangeKind;
  /** The matching key: the id, or "id@address" when the id had several results. */
  key: string;
  id: string;
  label?: string;
  required: boolean;
  before?: EndpointSide;
  after?: EndpointSide;
}

/** The comparison of two reports. */
export interface ReportDiff {
  old: { startedAt: string; total: number };
  new: { startedAt: string; total: number };
  changes: Change[];
  /** Results matched on both sides with no change. */
  unchanged: number;
  /**
   * Required endpoints that fail in the new report and did not in the old one (including required
   * endpoints that are new and fail): any makes `amlprobe diff` exit 1.
   */
  newRequiredFailures: number;
}

function dnsData(result: EndpointResult): DnsData | undefined {
  return result.checks.find((c) => c.layer === 'dns')?.data as DnsData | undefined;
}

/** The CNAME chain of the first direct answer that resolved (system answers carry no chain). */
function cnameChain(data: DnsData | undefined): string[] {
  const answer = data?.direct?.find((d) => d.reason === 'ok' && d.cname.length > 0);
  if (answer === undefined) return [];
  const first = answer.cname[0]?.name;
  return [...(first !== undefined ? [first] : []), ...answer.cname.map((r) => r.data)].map((n) => n.toLowerCase().replace(/\.$/, ''));
}

function side(result: EndpointResult): EndpointSide {
  const data = dnsData(result);
  const addresses = Array.isArray(data?.addresses) ? data.addresses.map((a) => a.address).sort() : [];
  return { status: result.status, reason: result.reason, layer: result.layer, message: result.message, addresses, cname: cnameChain(data) };
}

/** Results by matching key. Ids with several results in either report are keyed with their address. */
function keyed(results: readonly EndpointResult[], several: ReadonlySet<string>): Map<string, EndpointResult> {
  const map = new Map<string, EndpointResult>();
  for (const result of results) {
    const base = several.has(result.id) ? `${result.id}@${result.address ?? '-'}` : result.id;
    // Two results with one key (a hand-edited report) are kept apart rather than silently merged.
    let key = base;
    for (let n = 2; map.has(key); n++) key = `${base}#${n}`;
    map.set(key, result);
  }
  return map;
}

function idsWithSeveral(...reports: Report[]): Set<string> {
  const several = new Set<string>();
  for (const report of reports) {
    const seen = new Set<string>();
    for (const r of report.results) {
      if (seen.has(r.id)) several.add(r.id);
      seen.add(r.id);
    }
  }
  return several;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The changes of one endpoint present in both reports. */
function compareOne(base: Omit<Change, 'kind'>, before: EndpointSide, after: EndpointSide): Change[] {
  const changes: Change[] = [];
  const change = (kind: ChangeKind): Change => ({ ...base, kind, before, after });
  if (before.status !== after.status) {
    if (after.status === 'fail') changes.push(change('new_failure'));
    else if (before.status === 'fail' && after.status === 'pass') changes.push(change('fixed'));
    else changes.push(change('status_changed'));
  } else if (before.reason !== after.reason || before.layer !== after.layer) {
    changes.push(change('reason_changed'));
  }
  // Only when both runs resolved: a name that stopped resolving is already a status change.
  const bothResolved = before.addresses.length > 0 && after.addresses.length > 0;
  if (bothResolved && (!sameList(before.addresses, after.addresses) || !sameList(before.cname, after.cname))) {
    changes.push(change('dns_changed'));
  }
  return changes;
}

/** Compares two reports: `older` is the reference, `newer` the run being judged. */
export function diffReports(older: Report, newer: Report): ReportDiff {
  const several = idsWithSeveral(older, newer);
  const before = keyed(older.results, several);
  const after = keyed(newer.results, several);
  const changes: Change[] = [];
  let unchanged = 0;
  let newRequiredFailures = 0;

  for (const [key, result] of after) {
    const base = { key, id: result.id, required: result.required, ...(result.label !== undefined ? { label: result.label } : {}) };
    const old = before.get(key);
    if (old === undefined) {
      changes.push({ ...base, kind: 'added', after: side(result) });
      if (result.required && result.status === 'fail') newRequiredFailures++;
      continue;
    }
    const found = compareOne(base, side(old), side(result));
    if (found.length === 0) unchanged++;
    if (result.required && found.some((c) => c.kind === 'new_failure')) newRequiredFailures++;
    changes.push(...found);
  }
  for (const [key, result] of before) {
    if (after.has(key)) continue;
    changes.push({ key, id: result.id, required: result.required, ...(result.label !== undefined ? { label: result.label } : {}), kind: 'removed', before: side(result) });
  }
  changes.sort((a, b) => CHANGE_KINDS.indexOf(a.kind) - CHANGE_KINDS.indexOf(b.kind));
  return {
    old: { startedAt: older.startedAt, total: older.results.length },
    new: { startedAt: newer.startedAt, total: newer.results.length },
    changes,
    unchanged,
    newRequiredFailures,
  };
}
