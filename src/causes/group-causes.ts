// Failures grouped into causes (cause-rules.ts decides what they share) and ranked by how many
// required endpoints each one unblocks: the first cause is the fix that turns most of the run green.

import type { Cause } from '../model/cause.js';
import type { Reason } from '../model/reason.js';
import type { EndpointResult } from '../model/result.js';
import { CAUSE_RULES, FALLBACK_RULE, type CauseRule } from './cause-rules.js';

interface Group {
  id: string;
  rule: CauseRule;
  value: string;
  results: EndpointResult[];
  first: number;
}

/** The reason most of a cause's failures gave; the first met on a tie. */
function commonReason(results: readonly EndpointResult[]): Reason {
  const counts = new Map<Reason, number>();
  for (const r of results) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  let best: Reason = results[0]?.reason ?? 'ok';
  for (const [reason, n] of counts) if (n > (counts.get(best) ?? 0)) best = reason;
  return best;
}

/** The causes of a run's failed results, the one unblocking most required endpoints first. */
export function groupCauses(results: readonly EndpointResult[]): Cause[] {
  const groups = new Map<string, Group>();
  results.forEach((result, index) => {
    if (result.status !== 'fail') return;
    const own = CAUSE_RULES[result.reason];
    const ownValue = own?.key(result);
    const rule = own !== undefined && ownValue !== undefined ? own : FALLBACK_RULE;
    const value = ownValue ?? FALLBACK_RULE.key(result) ?? result.host;
    const id = `${rule.group}:${value}`;
    const group = groups.get(id) ?? { id, rule, value, results: [], first: index };
    group.results.push(result);
    groups.set(id, group);
  });
  const causes = [...groups.values()].map((g) => {
    const endpoints = [...new Set(g.results.map((r) => r.id))];
    const required = new Set(g.results.filter((r) => r.required).map((r) => r.id)).size;
    const shared = { value: g.value, results: g.results };
    const cause: Cause = { id: g.id, summary: g.rule.summary(shared), fix: g.rule.fix(shared), reason: commonReason(g.results), endpoints, required };
    return { cause, first: g.first };
  });
  causes.sort((a, b) => b.cause.required - a.cause.required || b.cause.endpoints.length - a.cause.endpoints.length || a.first - b.first);
  return causes.map((c) => c.cause);
}
