// A run report as Prometheus text exposition format 0.0.4, for `amlprobe serve`'s /metrics.
// Per endpoint and per layer: success 0/1 and duration; whether the name resolved privately; the
// certificate's time left; and run-level gauges. Skipped layers and rows that were never probed
// (needs_input, informational) emit no sample: a 0 there would count one failure twice, or a
// missing input as an outage.
//
// Label sets are stable for the life of the process: what changes from run to run (the reason
// code, the address a name resolved to) is never a label of the success and duration series, or a
// flapping endpoint would start a new series at every change (churn in Prometheus's head block,
// broken `for:` clauses and rate windows). Those facts are info metrics instead (value 1), joined in
// PromQL when needed: `amlprobe_layer_success == 0` then `* on(endpoint, layer) group_left(reason)
// amlprobe_layer_reason_info`.

import { VERSION } from '../version.js';
import type { DnsData, TlsData } from '../model/evidence.js';
import type { EndpointResult, LayerResult } from '../model/result.js';
import type { Report } from '../model/report.js';

/** Counters kept by the serve loop across runs, beside the last report. */
export interface RunCounters {
  /** Runs completed since the process started. */
  runsTotal: number;
  /** When the last run ended, ms since the epoch. */
  lastRunEndedMs: number;
}

/** The content type of the exposition format this renders. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type MetricType = 'gauge' | 'counter';

/** One metric family: its header and its samples, each a label set and a value. */
interface Family {
  name: string;
  help: string;
  type: MetricType;
  samples: { labels: Record<string, string>; value: number }[];
}

/** Escapes a label value: backslash, double quote and line feed, as the format requires. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes HELP text: backslash and line feed (quotes stay as they are there). */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as the format writes it (Go float syntax for the special values). */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * The labels that name one result. `address` only when the run probes every address of a name
 * (--all-addresses: then one id has several results); otherwise a DNS answer that rotates would
 * rename the series at every run.
 */
function endpointLabels(result: EndpointResult, allAddresses: boolean): Record<string, string> {
  const labels: Record<string, string> = { endpoint: result.id, host: result.host, port: String(result.port), protocol: result.protocol };
  if (allAddresses) labels.address = result.address ?? '';
  return labels;
}

/** True when the result was probed (catalog rows reported without a probe have no checks). */
function probed(result: EndpointResult): boolean {
  return result.checks.length > 0;
}

/** Layers that ran (a skipped layer did not, and its reason only repeats an earlier failure). */
function ranLayers(result: EndpointResult): LayerResult[] {
  return result.checks.filter((check) => check.status !== 'skip');
}

/** 1 when every resolved address was private, 0 when one was public; null when none resolved. */
function resolvedPrivately(result: EndpointResult): number | null {
  const dns = result.checks.find((check) => check.layer === 'dns');
  const data = dns?.data as DnsData | undefined;
  if (!data || !Array.isArray(data.addresses) || data.addresses.length === 0) return null;
  return data.addresses.every((a) => a.private) ? 1 : 0;
}

/**
 * When the first certificate of the presented chain expires, ms since the epoch; null when no
 * certificate was seen. The earliest of the chain, not only the leaf: an expiring intermediate
 * breaks the endpoint just the same (blackbox_exporter's probe_ssl_earliest_cert_expiry does alike).
 */
export function earliestCertificateExpiry(result: EndpointResult): number | null {
  const tls = result.checks.find((check) => check.layer === 'tls');
  const chain = (tls?.data as TlsData | undefined)?.chain;
  if (!Array.isArray(chain)) return null;
  const times = chain.map((c) => Date.parse(c.validTo)).filter((t) => Number.isFinite(t));
  return times.length === 0 ? null : Math.min(...times);
}

/** A family with one unlabelled sample. */
function single(name: string, help: string, value: number, type: MetricType = 'gauge'): Family {
  return { name, help, type, samples: [{ labels: {}, value }] };
}

/** Builds every metric family of one report; `nowMs` is when the scrape asks (certificate time left). */
function families(report: Report, counters: RunCounters, nowMs: number): Family[] {
  const results = report.results.filter(probed);
  const all = report.settings.allAddresses === true;
  const labels = (r: EndpointResult): Record<string, string> => endpointLabels(r, all);
  const perLayer = (r: EndpointResult, value: (c: LayerResult) => number, extra: (c: LayerResult) => Record<string, string> = () => ({})) =>
    ranLayers(r).map((c) => ({ labels: { ...labels(r), layer: c.layer, ...extra(c) }, value: value(c) }));
  return [
    {
      name: 'amlprobe_build_info',
      help: 'amlprobe and Node.js versions of this process; always 1.',
      type: 'gauge',
      samples: [{ labels: { version: VERSION, nodejs: process.versions.node }, value: 1 }],
    },
    {
      name: 'amlprobe_endpoint_success',
      help: 'Whether the endpoint passed its last probe (1) or failed it (0); a warning counts as passed.',
      type: 'gauge',
      samples: results.map((r) => ({ labels: { ...labels(r), required: String(r.required) }, value: r.status === 'fail' ? 0 : 1 })),
    },
    {
      name: 'amlprobe_layer_success',
      help: 'Whether one layer (dns, tcp, udp, tls, http, websocket, smb) of the endpoint passed (1) or failed (0); its reason is in amlprobe_layer_reason_info.',
      type: 'gauge',
      samples: results.flatMap((r) => perLayer(r, (c) => (c.status === 'fail' ? 0 : 1))),
    },
    {
      name: 'amlprobe_layer_reason_info',
      help: 'The verdict code (docs/verdicts.md) of one layer of the endpoint in the last run; always 1, a new series when the reason changes.',
      type: 'gauge',
      samples: results.flatMap((r) => perLayer(r, () => 1, (c) => ({ reason: c.reason }))),
    },
    {
      name: 'amlprobe_endpoint_duration_seconds',
      help: 'Time spent probing the endpoint in the last run, all layers, seconds.',
      type: 'gauge',
      samples: results.map((r) => ({ labels: labels(r), value: r.ms / 1000 })),
    },
    {
      name: 'amlprobe_layer_duration_seconds',
      help: 'Time spent in one layer of the endpoint in the last probe, seconds.',
      type: 'gauge',
      samples: results.flatMap((r) => perLayer(r, (c) => c.ms / 1000)),
    },
    {
      name: 'amlprobe_dns_private',
      help: 'Whether every address the name resolved to is private (1) or one is public (0); absent when the name did not resolve.',
      type: 'gauge',
      samples: results.flatMap((r) => {
        const value = resolvedPrivately(r);
        return value === null ? [] : [{ labels: labels(r), value }];
      }),
    },
    {
      name: 'amlprobe_tls_cert_expiry_seconds',
      help: 'Seconds until the earliest-expiring certificate the endpoint presented in the last run expires (negative once expired); absent when no certificate was seen.',
      type: 'gauge',
      samples: results.flatMap((r) => {
        const expiry = earliestCertificateExpiry(r);
        return expiry === null ? [] : [{ labels: labels(r), value: Math.round((expiry - nowMs) / 1000) }];
      }),
    },
    single('amlprobe_last_run_timestamp_seconds', 'When the last run ended, seconds since the Unix epoch.', counters.lastRunEndedMs / 1000),
    single('amlprobe_run_duration_seconds', 'How long the last run took, seconds.', report.durationMs / 1000),
    single('amlprobe_run_deadline_hit', 'Whether the run deadline struck before every probe of the last run finished (1) or not (0).', report.deadlineHit ? 1 : 0),
    single('amlprobe_required_failures', 'Required endpoints that failed in the last run; any makes /healthz answer 503.', report.summary.requiredFailed),
    single('amlprobe_endpoints', 'Rows in the last report, including rows reported without a probe.', report.summary.total),
    single('amlprobe_runs_total', 'Runs completed since amlprobe serve started.', counters.runsTotal, 'counter'),
  ];
}

/** Renders one family: HELP, TYPE, then one line per sample. */
function renderFamily(family: Family): string {
  const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
  for (const sample of family.samples) {
    const pairs = Object.entries(sample.labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    lines.push(`${family.name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(sample.value)}`);
  }
  return lines.join('\n');
}

/** The report and the serve loop's counters as Prometheus text exposition format 0.0.4. */
export function renderPrometheus(report: Report, counters: RunCounters, nowMs: number = Date.now()): string {
  return `${families(report, counters, nowMs).map(renderFamily).join('\n')}\n`;
}
