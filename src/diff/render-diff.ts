// How `amlprobe diff` prints a comparison: a plain-text list for the terminal, JSON for scripts,
// Markdown for a ticket. One line per change, grouped by kind, new failures first.

import { markdownCell } from '../report/markdown.js';
import type { Change, ChangeKind, EndpointSide, ReportDiff } from './compare.js';
import { CHANGE_KINDS } from './compare.js';

/** The formats of `amlprobe diff`. */
export type DiffFormat = 'table' | 'json' | 'markdown';

/** The formats, in the order help and errors list them. */
export const DIFF_FORMATS: readonly DiffFormat[] = ['table', 'json', 'markdown'];

const TITLES: Record<ChangeKind, string> = {
  new_failure: 'New failures',
  fixed: 'Fixed',
  status_changed: 'Status changes',
  reason_changed: 'Reason changes',
  dns_changed: 'DNS answer changes',
  added: 'Endpoints added',
  removed: 'Endpoints removed',
};

function verdict(s: EndpointSide): string {
  return `${s.status} ${s.reason}`;
}

function dnsText(s: EndpointSide): string {
  const chain = s.cname.length > 0 ? ` via ${s.cname.join(' -> ')}` : '';
  return `${s.addresses.join(', ')}${chain}`;
}

/** One sentence for one change, without the endpoint's name. */
export function describeChange(change: Change): string {
  const { before, after } = change;
  switch (change.kind) {
    case 'added':
      return after ? `new endpoint: ${verdict(after)}${after.status === 'pass' ? '' : `: ${after.message}`}` : 'new endpoint';
    case 'removed':
      return before ? `no longer in the report (was ${verdict(before)})` : 'no longer in the report';
    case 'dns_changed':
      return before && after ? `resolved to ${dnsText(before)}, now ${dnsText(after)}` : 'DNS answer changed';
    default:
      if (before === undefined || after === undefined) return change.kind;
      return `${verdict(before)} -> ${verdict(after)}${after.status === 'pass' ? '' : `: ${after.message}`}`;
  }
}

function endpointName(change: Change): string {
  const name = change.key === change.id ? change.id : change.key.replace(/@/, ' @ ');
  const label = change.label !== undefined && change.label !== '' && change.label !== change.id ? ` (${change.label})` : '';
  return `${name}${label}${change.required ? '' : ' [optional]'}`;
}

function groups(diff: ReportDiff): [ChangeKind, Change[]][] {
  return CHANGE_KINDS.map((kind): [ChangeKind, Change[]] => [kind, diff.changes.filter((c) => c.kind === kind)]).filter(([, list]) => list.length > 0);
}

function closing(diff: ReportDiff): string {
  const n = diff.newRequiredFailures;
  const verdictLine = n === 0 ? 'No required endpoint newly fails.' : `${n} required endpoint${n === 1 ? '' : 's'} newly fail${n === 1 ? 's' : ''}.`;
  return `${diff.unchanged} unchanged. ${verdictLine}`;
}

function renderText(diff: ReportDiff): string {
  const lines = [`amlprobe diff: ${diff.old.startedAt} (${diff.old.total} results) -> ${diff.new.startedAt} (${diff.new.total} results)`, ''];
  if (diff.changes.length === 0) lines.push('No changes.', '');
  for (const [kind, list] of groups(diff)) {
    lines.push(`${TITLES[kind]} (${list.length}):`);
    for (const change of list) lines.push(`  ${endpointName(change)}: ${describeChange(change)}`);
    lines.push('');
  }
  lines.push(closing(diff));
  return `${lines.join('\n')}\n`;
}

function renderMarkdownDiff(diff: ReportDiff): string {
  const lines = [
    '# amlprobe diff',
    '',
    `- **Old run:** ${diff.old.startedAt} (${diff.old.total} results)`,
    `- **New run:** ${diff.new.startedAt} (${diff.new.total} results)`,
    '',
  ];
  if (diff.changes.length === 0) lines.push('No changes.', '');
  for (const [kind, list] of groups(diff)) {
    lines.push(`## ${TITLES[kind]} (${list.length})`, '');
    for (const change of list) lines.push(`- **${markdownCell(endpointName(change))}**: ${markdownCell(describeChange(change))}`);
    lines.push('');
  }
  lines.push(closing(diff));
  return `${lines.join('\n')}\n`;
}

/** Renders a comparison in `format`. */
export function renderDiff(diff: ReportDiff, format: DiffFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ kind: 'amlprobe-diff', ...diff }, null, 2)}\n`;
    case 'markdown':
      return renderMarkdownDiff(diff);
    case 'table':
      return renderText(diff);
  }
}
