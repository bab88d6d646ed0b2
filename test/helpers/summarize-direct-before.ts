// summarizeDirect (src/dns/direct-answer.ts) as it was before issue 15's third DNS round made each
// query's sentence only when told (bench/notes.json, issue 15 change 20). Kept verbatim as the
// reference test/dns-summary-form.test.ts holds the new form to, answer for answer and byte for byte.

import { isIP } from 'node:net';
import type { Reason } from '../../src/model/reason.js';
import type { DirectAnswer, DnsRecord } from '../../src/model/evidence.js';
import { followCnameChain, MAX_ADDRESSES_PER_QUERY } from '../../src/dns/direct-answer.js';
import type { WireFailure, WireOutcome } from '../../src/dns/wire-outcome.js';
import { countIgnored, silenceMessage } from '../../src/dns/wire-outcome.js';

const LISTED_ADDRESSES = 8;

function listData(records: readonly DnsRecord[], dropped = 0): string {
  const shown = records.slice(0, LISTED_ADDRESSES).map((r) => r.data).join(', ');
  const more = records.length - Math.min(records.length, LISTED_ADDRESSES) + dropped;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

const bareName = (name: string): string => {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
};
const sameName = (a: string, b: string): boolean => a === b || bareName(a) === bareName(b);

interface TypeView {
  outcome: WireOutcome;
  reason: Reason;
  rcode: string | null;
  cname: DnsRecord[];
  finalName: string;
  addresses: DnsRecord[];
  message: string;
}

const REASON_BY_RCODE: Record<string, Reason> = { NXDOMAIN: 'nxdomain', SERVFAIL: 'servfail', REFUSED: 'dns_refused' };
const FAILURE_REASON: Record<WireFailure, Reason> = {
  timeout: 'dns_timeout',
  aborted: 'deadline',
  no_route: 'dns_unreachable',
  unreachable: 'dns_error',
  local: 'dns_error',
  invalid: 'dns_error',
  error: 'dns_error',
  tcp_blocked: 'dns_tcp_blocked',
};

function viewOf(name: string, outcome: WireOutcome): TypeView {
  if (!outcome.ok) {
    return { outcome, reason: FAILURE_REASON[outcome.failure], rcode: null, cname: [], finalName: name, addresses: [], message: outcome.message };
  }
  const answers = outcome.packet.answers ?? [];
  const { chain, finalName } = followCnameChain(name, answers);
  const { rcode } = outcome;
  const addresses: DnsRecord[] = [];
  let dropped = 0;
  // The rcode decides: records that come with NXDOMAIN, SERVFAIL or REFUSED are no answer (a
  // broken or hostile server), and nothing may connect to them.
  for (const record of rcode === 'NOERROR' ? answers : []) {
    if (record.type === outcome.type && (record.type === 'A' || record.type === 'AAAA') && sameName(record.name, finalName)) {
      // Only what is an address of that family is one: never dial text a decoder made up.
      if (typeof record.data !== 'string' || isIP(record.data) !== (record.type === 'A' ? 4 : 6)) continue;
      if (addresses.length < MAX_ADDRESSES_PER_QUERY) addresses.push({ name: record.name, type: record.type, ttl: record.ttl ?? 0, data: record.data });
      else dropped++;
    }
  }
  const server = outcome.server;
  const chainNote = chain.length > 0 ? ` (end of the CNAME chain from ${name})` : '';
  let reason: Reason;
  let message: string;
  if (rcode === 'NOERROR') {
    reason = addresses.length > 0 ? 'ok' : 'nodata';
    message =
      addresses.length > 0
        ? `${server} answered ${listData(addresses, dropped)}${dropped > 0 ? ` (only the first ${MAX_ADDRESSES_PER_QUERY} kept)` : ''}`
        : `${server} answered NOERROR with no ${outcome.type} record for ${finalName}${chainNote}`;
  } else {
    reason = REASON_BY_RCODE[rcode] ?? 'dns_error';
    message =
      rcode === 'NXDOMAIN'
        ? `${server} answered NXDOMAIN: ${finalName} does not exist${chainNote}`
        : rcode === 'SERVFAIL'
          ? `${server} answered SERVFAIL for ${finalName}: it could not resolve the name (upstream unreachable, or DNSSEC failure)`
          : rcode === 'REFUSED'
            ? `${server} answered REFUSED: it will not resolve ${name} for this client`
            : `${server} answered ${rcode} to the ${outcome.type} query for ${name}`;
  }
  return { outcome, reason, rcode, cname: chain, finalName, addresses, message };
}

const FAILURE_ORDER: readonly Reason[] = ['servfail', 'dns_refused', 'dns_tcp_blocked', 'dns_error', 'dns_unreachable', 'dns_timeout', 'deadline'];

export function summarizeDirectBefore(name: string, a: WireOutcome, aaaa: WireOutcome, ms: number): DirectAnswer {
  const views = [viewOf(name, a), viewOf(name, aaaa)] as const;
  const [va, vaaaa] = views;
  const server = a.server;
  const transport = a.transport === 'tcp' || aaaa.transport === 'tcp' ? 'tcp' : 'udp';
  const ignored = countIgnored(a.ignored) + countIgnored(aaaa.ignored);
  const cname = va.cname.length > 0 ? va.cname : vaaaa.cname;
  const base = { server, transport, cname, ms, ...(ignored > 0 ? { ignoredResponses: ignored } : {}) } as const;
  const label = (v: TypeView): string => v.outcome.type;

  const addresses = [...va.addresses, ...vaaaa.addresses];
  if (addresses.length > 0) {
    const end = cname.length > 0 ? ` via CNAME ${cname[cname.length - 1]?.data}` : '';
    const other = views.find((v) => v.reason !== 'ok' && v.reason !== 'nodata');
    const note = other === undefined ? '' : `; ${label(other)} query failed: ${other.message}`;
    const message = `${server} answered ${listData(addresses)}${end}${note}`;
    return { ...base, rcode: 'NOERROR', reason: 'ok', message, addresses };
  }

  // An empty AAAA answer says nothing about A: when the A query failed (no answer, SERVFAIL, TCP
  // blocked), the verdict is about A.
  const aFailed = va.rcode !== 'NOERROR' && va.rcode !== 'NXDOMAIN';
  const definitive = views.filter((v) => (v.rcode === 'NOERROR' && !(aFailed && v === vaaaa)) || v.rcode === 'NXDOMAIN');
  const failed = views.filter((v) => v.rcode !== 'NOERROR' && v.rcode !== 'NXDOMAIN');
  const chosen =
    definitive.find((v) => v.rcode === 'NOERROR') ??
    definitive[0] ??
    [...failed].sort((x, y) => FAILURE_ORDER.indexOf(x.reason) - FAILURE_ORDER.indexOf(y.reason))[0] ??
    va;
  const other = chosen === va ? vaaaa : va;
  let message = chosen.message;
  if (!a.ok && !aaaa.ok && a.failure === aaaa.failure && (a.failure === 'timeout' || a.failure === 'invalid')) {
    // Both queries met the same silence: one sentence with the ignored packets of both.
    const sum = {
      wrongId: a.ignored.wrongId + aaaa.ignored.wrongId,
      wrongQuestion: a.ignored.wrongQuestion + aaaa.ignored.wrongQuestion,
      notDns: a.ignored.notDns + aaaa.ignored.notDns,
    };
    message = silenceMessage(server, transport, a.timeoutMs, sum);
  } else if (chosen.reason === 'nodata' && other.reason === 'nodata') {
    message = `${server} answered NOERROR with no A or AAAA record for ${chosen.finalName}${
      chosen.cname.length > 0 ? ` (end of the CNAME chain from ${name})` : ''
    }`;
  } else if (other.reason === 'nxdomain' && chosen.reason === 'nodata') {
    message += `; but NXDOMAIN to the ${label(other)} query: inconsistent server`;
  } else if (other.message !== chosen.message) {
    message += `; ${label(other)} query: ${other.message}`;
  }
  return { ...base, rcode: chosen.rcode, reason: chosen.reason, message, addresses: [] };
}
