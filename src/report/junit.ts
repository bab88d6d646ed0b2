// The JUnit XML report, for CI servers (Jenkins, GitLab, Azure DevOps, GitHub test reporters):
// one <testsuite> per catalog scenario (endpoints without one share a suite named "amlprobe"),
// one <testcase> per endpoint and layer, so a CI page shows "eastus.tundra... / udp" failing with
// its reason code rather than one opaque red line per run.
//
// Why per scenario: scenarios are how the catalog and the Azure documentation group endpoints
// (studio, compute without public IP, registries, ...); a CI page then folds along the same lines
// the network team reads the documentation in. A run without scenarios (`check`) is one suite.
//
// Mapping: pass -> a plain testcase; fail -> <failure type=REASON message=...> whose body holds
// the detail, the evidence, the remediation and the sources (internal_error -> <error>); skip ->
// <skipped/>; warn -> a passing testcase whose <system-out> starts with "warn:" (JUnit has no
// warning state, and a warning never fails a run). A failed optional endpoint is still a
// <failure>, its message starting "optional endpoint:": the file tells the truth, the exit code
// stays that of the run. Times are in seconds.

import { hostname } from 'node:os';
import type { EndpointResult, LayerResult } from '../model/result.js';
import type { Report } from '../model/report.js';
import { detailLines } from './details.js';
import { endpointUrl } from './table.js';
import { xmlAttrs, xmlText } from './xml-text.js';

/** The suite name of results that carry no scenario. */
export const DEFAULT_SUITE = 'amlprobe';

/** The name of the single testcase of a result that has no layer checks (a row not probed). */
export const NOT_PROBED_CASE = 'not-probed';

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

interface Case {
  xml: string;
  kind: 'pass' | 'failure' | 'error' | 'skipped';
}

/** Milliseconds as JUnit seconds: "0.125". */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** The lines explaining a failed or warning layer: message, detail, evidence, fix, sources. */
function bodyLines(result: EndpointResult, check: LayerResult | undefined): string[] {
  const target = `target: ${endpointUrl(result)}${result.address !== null ? ` (${result.address})` : ''}`;
  if (check === undefined || check.layer === result.layer) {
    return [...detailLines(result).map((l) => (l.label !== undefined ? `${l.label}: ${l.text}` : l.text)), target];
  }
  const lines = [`${check.layer}: ${check.message}`];
  if (check.detail !== undefined && check.detail !== '') lines.push(check.detail);
  return [...lines, target];
}

function testcase(classname: string, name: string, ms: number, inner: string, kind: Case['kind']): Case {
  const open = `    <testcase${xmlAttrs({ classname, name, time: seconds(ms) })}`;
  return { xml: inner === '' ? `${open}/>` : `${open}>\n${inner}\n    </testcase>`, kind };
}

/** The testcase of one layer of one result. */
function layerCase(result: EndpointResult, classname: string, check: LayerResult): Case {
  const reasonAndMessage = `${check.reason}: ${check.message}`;
  switch (check.status) {
    case 'pass':
      return testcase(classname, check.layer, check.ms, '', 'pass');
    case 'skip': {
      // A cascade skip already says why; other skips (needs_input, ...) lead with their code.
      const message = check.reason === 'skipped' ? check.message : reasonAndMessage;
      return testcase(classname, check.layer, check.ms, `      <skipped${xmlAttrs({ message })}/>`, 'skipped');
    }
    case 'warn': {
      const out = [`warn: ${reasonAndMessage}`, ...bodyLines(result, check)].join('\n');
      return testcase(classname, check.layer, check.ms, `      <system-out>${xmlText(out)}</system-out>`, 'pass');
    }
    case 'fail': {
      const element = check.reason === 'internal_error' ? 'error' : 'failure';
      const message = `${result.required ? '' : 'optional endpoint: '}${check.message}`;
      const body = xmlText(bodyLines(result, check).join('\n'));
      const inner = `      <${element}${xmlAttrs({ type: check.reason, message })}>${body}</${element}>`;
      return testcase(classname, check.layer, check.ms, inner, element === 'error' ? 'error' : 'failure');
    }
  }
}

/** The testcases of one result: one per layer, or one "not-probed" case for rows never probed. */
function resultCases(result: EndpointResult, classname: string): Case[] {
  if (result.checks.length > 0) return result.checks.map((check) => layerCase(result, classname, check));
  const message = `${result.reason}: ${result.message}`;
  if (result.status === 'fail') {
    const inner = `      <failure${xmlAttrs({ type: result.reason, message: result.message })}>${xmlText(bodyLines(result, undefined).join('\n'))}</failure>`;
    return [testcase(classname, NOT_PROBED_CASE, result.ms, inner, 'failure')];
  }
  const inner =
    result.status === 'pass'
      ? ''
      : result.status === 'warn'
        ? `      <system-out>${xmlText(`warn: ${message}`)}</system-out>`
        : `      <skipped${xmlAttrs({ message })}/>`;
  return [testcase(classname, NOT_PROBED_CASE, result.ms, inner, result.status === 'skip' ? 'skipped' : 'pass')];
}

function count(cases: readonly Case[]): Counts {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.kind === 'failure').length,
    errors: cases.filter((c) => c.kind === 'error').length,
    skipped: cases.filter((c) => c.kind === 'skipped').length,
  };
}

/** Run-wide facts, repeated in each suite because CI pages show properties per suite. */
function properties(report: Report): string {
  const props: [string, string][] = [
    ['amlprobe.version', report.tool.version],
    ['amlprobe.schemaVersion', String(report.schemaVersion)],
    ['amlprobe.startedAt', report.startedAt],
    ['amlprobe.deadlineHit', String(report.deadlineHit)],
    ['amlprobe.dnsServers', report.settings.dnsServers.join(' ')],
    ['amlprobe.requiredFailed', String(report.summary.requiredFailed)],
  ];
  const profile = report.workspace?.profile;
  if (profile !== undefined) {
    for (const [key, value] of Object.entries(profile)) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : v.name)).join(' ') : String(value);
      props.push([`workspace.${key}`, text]);
    }
  }
  for (const missing of report.missingInputs ?? []) props.push([`missingInput.${missing.field}`, `${missing.flag} (needed by ${missing.neededBy.join(', ')})`]);
  const lines = props.map(([name, value]) => `      <property${xmlAttrs({ name, value })}/>`);
  return `    <properties>\n${lines.join('\n')}\n    </properties>`;
}

/** The report as JUnit XML (the Ant/Jenkins dialect every CI server reads). */
export function renderJunit(report: Report): string {
  // --all-addresses gives several results per id: the address tells their testcases apart.
  const idCount = new Map<string, number>();
  for (const r of report.results) idCount.set(r.id, (idCount.get(r.id) ?? 0) + 1);

  const suites = new Map<string, { cases: Case[]; ms: number }>();
  for (const result of report.results) {
    const name = result.meta?.scenario ?? DEFAULT_SUITE;
    const suite = suites.get(name) ?? { cases: [], ms: 0 };
    suites.set(name, suite);
    const several = (idCount.get(result.id) ?? 0) > 1 && result.address !== null;
    suite.cases.push(...resultCases(result, several ? `${result.id} (${result.address})` : result.id));
    suite.ms += result.ms;
  }

  const host = hostname();
  const timestamp = report.startedAt.replace(/\.\d+Z$|Z$/, '');
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suiteXml: string[] = [];
  let id = 0;
  for (const [name, suite] of suites) {
    const c = count(suite.cases);
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
    const attrs = xmlAttrs({ name, id: id++, tests: c.tests, failures: c.failures, errors: c.errors, skipped: c.skipped, time: seconds(suite.ms), timestamp, hostname: host });
    suiteXml.push(`  <testsuite${attrs}>\n${properties(report)}\n${suite.cases.map((k) => k.xml).join('\n')}\n  </testsuite>`);
  }
  const rootAttrs = xmlAttrs({ name: 'amlprobe', tests: total.tests, failures: total.failures, errors: total.errors, time: seconds(report.durationMs) });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${rootAttrs}>\n${suiteXml.join('\n')}\n</testsuites>\n`;
}
