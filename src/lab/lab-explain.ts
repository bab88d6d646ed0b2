// What `amlprobe lab` prints after the matrix: each planted fault, whether amlprobe caught it (from
// the engine's real results), what happened and what to fix in Azure; then the lab's own verdict
// and where to go next. Also the same facts as data for the JSON report's "lab" section.

import type { Reason, Status } from '../model/reason.js';
import type { ConnectData } from '../model/evidence.js';
import type { EndpointResult } from '../model/result.js';
import { createPaint, type Paint } from '../report/colour.js';
import { symbolsFor } from '../report/symbols.js';
import { wrapText } from '../report/text.js';
import type { HtmlExtras } from '../report/html/sections.js';
import type { LabFault } from './lab-faults.js';
import { observed, type FaultOutcome, type LabVerdict } from './lab-verdict.js';

/** How to draw the explanation. */
export interface ExplainOptions {
  colour: boolean;
  /** Terminal cells per line. */
  width: number;
  ascii?: boolean;
}

/** Fills {host}, {port}, {zone}, {publicZone}, {serviceTag} and {proxy} from the first row a fault touched. */
export function fillFaultText(text: string, fault: LabFault, result: EndpointResult | undefined): string {
  const zone = result?.meta?.privateDnsZone;
  const values: Record<string, string> = {
    host: result?.host ?? `the ${fault.row} host`,
    port: result === undefined ? 'its port' : String(result.port),
    zone: zone ?? 'its privatelink zone',
    publicZone: zone === undefined ? 'its zone' : zone.replace(/^privatelink\./, ''),
    serviceTag: result?.meta?.serviceTag ?? 'matching',
    proxy: proxyOf(result) ?? 'the forward proxy',
  };
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The proxy a row's TCP layer went through ("http://10.1.250.4:3128"), if any. */
function proxyOf(result: EndpointResult | undefined): string | undefined {
  return (result?.checks.find((c) => c.layer === 'tcp')?.data as ConnectData | undefined)?.proxy;
}

/** The line printed before the matrix. */
export function labBanner(verdict: Pick<LabVerdict, 'faults'>): string {
  const n = verdict.faults.length;
  const planted = n === 0 ? 'no faults planted' : `${n} fault${n === 1 ? '' : 's'} planted`;
  return `amlprobe lab: a simulated secured workspace served from 127.0.0.1 (nothing leaves this machine), ${planted}.\n\n`;
}

const INDENT = ' '.repeat(10);

/** Wraps `text` under a 10-cell indent; the first line may carry a prefix of that width instead. */
function block(text: string, width: number, style: (line: string) => string = (l) => l, first = INDENT): string[] {
  return wrapText(text, Math.max(20, width - INDENT.length)).map((line, i) => (i === 0 ? first : INDENT) + style(line));
}

/** "✓ caught  " / "✗ missed  ": 10 cells, coloured by what it means. */
function mark(paint: Paint, ascii: boolean, status: Status, word: string): string {
  const symbol = symbolsFor(ascii).status[status];
  return paint.status(status, `${symbol} ${word}`.padEnd(INDENT.length - 2)) + '  ';
}

function faultLines(outcome: FaultOutcome, paint: Paint, opts: ExplainOptions): string[] {
  const { fault, results } = outcome;
  const ascii = opts.ascii ?? false;
  const first = results[0];
  const fill = (text: string): string => fillFaultText(text, fault, first);
  const more = results.length > 1 ? ` (and ${results.length - 1} more row${results.length === 2 ? '' : 's'} alike)` : '';
  const lines: string[] = [];
  if (first === undefined) {
    lines.push(mark(paint, ascii, 'fail', 'absent') + paint.bold(fault.title));
    lines.push(...block(`The lab's scenarios have no catalog row '${fault.row}' to break: src/lab/lab-faults.ts needs updating.`, opts.width));
    return lines;
  }
  if (outcome.caught) {
    lines.push(mark(paint, ascii, 'pass', 'caught') + paint.bold(fault.title));
    lines.push(...block(`${fill(fault.simulates)}`, opts.width, paint.dim));
    lines.push(...block(`amlprobe saw: ${observed(first)} (${first.reason})${more}.`, opts.width));
  } else {
    const status = fault.expectedStatus ?? 'fail';
    const wrong = results.find((r) => r.status !== status || r.reason !== fault.expected) ?? first;
    lines.push(mark(paint, ascii, 'fail', 'MISSED') + paint.bold(fault.title));
    lines.push(...block(`${fill(fault.simulates)}`, opts.width, paint.dim));
    lines.push(
      ...block(`expected ${status} (${fault.expected}) on ${wrong.id}, but amlprobe reported ${wrong.status} (${wrong.reason}): ${observed(wrong)}.`, opts.width),
    );
  }
  lines.push(...block(fill(fault.fix), opts.width, (line) => line.replace(/^In Azure:/, paint.bold('In Azure:'))));
  if (fault.caveat !== undefined) lines.push(...block(`Lab note: ${fill(fault.caveat)}`, opts.width, paint.dim));
  return lines;
}

export function verdictLine(verdict: LabVerdict): string {
  const n = verdict.faults.length;
  const healthy = verdict.healthy;
  if (verdict.ok && !verdict.faultsPlanted) return `No faults planted (--no-faults): all ${healthy.total} endpoints passed. Exit code 0.`;
  if (verdict.ok) {
    return `All ${n} planted faults were caught with the right reason, and the other ${healthy.total} endpoints passed: amlprobe works. Exit code 0.`;
  }
  const caught = verdict.faults.filter((f) => f.caught).length;
  const parts = [];
  if (n > 0) parts.push(`${caught} of ${n} planted faults caught`);
  if (verdict.unexpected.length > 0) parts.push(`${verdict.unexpected.length} of ${healthy.total} healthy endpoints did not pass`);
  return `${parts.join('; ')}. The lab checks amlprobe itself, so this is a bug: please report it with this output. Exit code 1.`;
}

/** The explanation printed after the matrix, ending with a newline. */
export function renderLabExplanation(verdict: LabVerdict, opts: ExplainOptions): string {
  const paint = createPaint(opts.colour);
  const out: string[] = [''];
  if (verdict.faultsPlanted) {
    out.push(paint.bold('What the lab broke, and what amlprobe found:'), '');
    for (const outcome of verdict.faults) out.push(...faultLines(outcome, paint, opts), '');
  }
  if (verdict.unexpected.length > 0) {
    out.push(paint.bold('Endpoints that should have passed but did not:'));
    for (const r of verdict.unexpected) {
      out.push(...block(`${r.id}: ${r.status} (${r.reason}): ${observed(r)}`, opts.width, (l) => l, mark(paint, opts.ascii ?? false, 'fail', r.reason === 'tls_name_mismatch' ? 'cert' : 'failed')));
    }
    out.push('');
  }
  if (verdict.uncoveredHosts.length > 0) {
    out.push(
      ...wrapText(
        `The lab's certificate does not cover ${verdict.uncoveredHosts.join(', ')}: the catalog gained a domain since it was made. ` +
          'Run scripts/make-lab-certs.sh to make new ones.',
        opts.width,
      ),
      '',
    );
  }
  out.push(...wrapText(verdictLine(verdict), opts.width).map((line) => paint.status(verdict.ok ? 'pass' : 'fail', line)), '');
  out.push(
    "Next: run amlprobe for real from a machine inside your workspace's VNet (a compute instance, a jump box):",
    '  amlprobe --region REGION --workspace-name NAME --workspace-id GUID --private-endpoints',
    ...wrapText(
      "Add --storage-account, --key-vault and --container-registry for their rows; 'amlprobe catalog' lists every endpoint without sending a packet.",
      opts.width,
    ),
  );
  return out.join('\n') + '\n';
}

/** One row a fault touched, for the JSON report. */
interface TouchedRow {
  id: string;
  status: Status;
  reason: Reason;
  observed: string;
}

/** The "lab" section of the JSON report. */
export interface LabJson {
  faultsPlanted: boolean;
  ok: boolean;
  exitCode: 0 | 1;
  faults: {
    id: string;
    title: string;
    simulates: string;
    row: string;
    effect: string;
    expected: Reason;
    /** The status the expected reason must come with: 'warn' for tls_inspected and proxy_private_name. */
    expectedStatus: 'fail' | 'warn';
    caught: boolean;
    endpoints: TouchedRow[];
    fix: string;
    caveat?: string;
  }[];
  healthy: { total: number; passed: number };
  unexpected: TouchedRow[];
  uncoveredHosts: string[];
}

const touched = (r: EndpointResult): TouchedRow => ({ id: r.id, status: r.status, reason: r.reason, observed: observed(r) });

/** The lab's verdict as data. */
export function labJson(verdict: LabVerdict): LabJson {
  return {
    faultsPlanted: verdict.faultsPlanted,
    ok: verdict.ok,
    exitCode: verdict.ok ? 0 : 1,
    faults: verdict.faults.map(({ fault, results, caught }) => ({
      id: fault.id,
      title: fault.title,
      simulates: fillFaultText(fault.simulates, fault, results[0]),
      row: fault.row,
      effect: fault.effect,
      expected: fault.expected,
      expectedStatus: fault.expectedStatus ?? 'fail',
      caught,
      endpoints: results.map(touched),
      fix: fillFaultText(fault.fix, fault, results[0]),
      ...(fault.caveat === undefined ? {} : { caveat: fillFaultText(fault.caveat, fault, results[0]) }),
    })),
    healthy: verdict.healthy,
    unexpected: verdict.unexpected.map(touched),
    uncoveredHosts: verdict.uncoveredHosts,
  };
}

/**
 * The lab's page: its own verdict in the banner (the lab exits 0 when it caught every planted
 * fault, though the planted faults fail required endpoints), and what it broke under the causes.
 */
export function labHtmlExtras(verdict: LabVerdict, requiredFailed: number): HtmlExtras {
  const lab = labJson(verdict);
  const note =
    requiredFailed > 0 && verdict.faultsPlanted
      ? `The ${requiredFailed} failing required endpoint${requiredFailed === 1 ? ' is' : 's are'} the lab's planted faults: on a real network these failures would make amlprobe exit 1.`
      : undefined;
  const items = lab.faults.map((f) => ({
    ok: f.caught,
    title: `${f.caught ? 'caught' : 'MISSED'}: ${f.title}`,
    paragraphs: [
      f.simulates,
      ...f.endpoints.slice(0, 1).map((r) => `amlprobe saw: ${r.observed} (${r.reason})${f.endpoints.length > 1 ? ` and ${f.endpoints.length - 1} more alike` : ''}.`),
      f.fix,
      ...(f.caveat === undefined ? [] : [`Lab note: ${f.caveat}`]),
    ],
  }));
  for (const r of lab.unexpected) items.push({ ok: false, title: `should have passed: ${r.id}`, paragraphs: [`${r.status} (${r.reason}): ${r.observed}`] });
  return {
    verdict: { ok: verdict.ok, text: `amlprobe lab: ${verdictLine(verdict)}`, ...(note === undefined ? {} : { note }) },
    ...(verdict.faultsPlanted || items.length > 0 ? { appendix: { id: 'lab', title: 'What the lab broke, and what amlprobe found', items } } : {}),
  };
}
