// Keeps docs/verdicts.md true: every Reason code in src/model/reason.ts has a section with a status, no
// section documents a code that does not exist, and the JSON section names every field of the
// report types and the current schema version. Reads the source text, so adding a code to the
// union without documenting it fails here.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../src/package-root.js';

const root = packageRoot();
// The shared vocabulary, one concept per file (reason codes, results, evidence, report, ...), read as one text.
const modelDir = join(root, 'src', 'model');
const typesSource = readdirSync(modelDir).filter((f) => f.endsWith('.ts')).sort().map((f) => readFileSync(join(modelDir, f), 'utf8')).join('\n');
const doc = readFileSync(join(root, 'docs', 'verdicts.md'), 'utf8');
// A probe kind may add reason codes from its own file (interface KindReasons, by declaration merging).
const checksDir = join(root, 'src', 'checks');
const checksSource = readdirSync(checksDir).filter((f) => f.endsWith('.ts')).sort().map((f) => readFileSync(join(checksDir, f), 'utf8')).join('\n');

/** The string literals of `export type Reason = ...;`, comments removed first. */
function reasonCodes(source: string): string[] {
  const match = /export type Reason\s*=([\s\S]*?);/.exec(source.replace(/\/\/.*$/gm, ''));
  assert.ok(match?.[1], 'export type Reason not found in src/model/reason.ts');
  return [...match[1].matchAll(/'([a-z0-9_]+)'/g)].map((m) => m[1] ?? '');
}

/** The codes probe kinds add: the members of every `interface KindReasons { ... }` outside src/model. */
function kindReasonCodes(source: string): string[] {
  const codes: string[] = [];
  for (const block of source.matchAll(/interface KindReasons \{([^}]*)\}/g)) {
    // One member per line or several on one line (`{ a: true; b: true }`); comments are not members.
    codes.push(...[...(block[1] ?? '').replace(/\/\/.*$/gm, '').matchAll(/'?([a-z0-9_]+)'?\??:/g)].map((m) => m[1] ?? ''));
  }
  return codes;
}

/** The field names of `export interface <name> { ... }` (top-level members only). */
function interfaceFields(source: string, name: string): string[] {
  const start = source.indexOf(`export interface ${name} {`);
  assert.notEqual(start, -1, `interface ${name} not found`);
  const body = source.slice(start, source.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1] ?? '');
}

/** Each `### \`code\`` section of the doc, by code. */
function codeSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = markdown.split(/^### /m).slice(1);
  for (const part of parts) {
    const heading = /^`([a-z0-9_]+)`\s*$/m.exec(part.split('\n')[0] ?? '');
    if (heading?.[1] !== undefined) sections.set(heading[1], part.split(/^## /m)[0] ?? '');
  }
  return sections;
}

describe('docs/verdicts.md', () => {
  const codes = [...reasonCodes(typesSource), ...kindReasonCodes(checksSource)];
  const sections = codeSections(doc);

  it('finds the Reason union in src/model/reason.ts', () => {
    // A parse that finds nothing would make every other assertion here pass vacuously.
    assert.ok(codes.length >= 30, `only ${codes.length} codes parsed`);
    for (const code of ['ok', 'needs_input', 'informational', 'deadline', 'internal_error', 'nxdomain', 'ws_failed']) {
      assert.ok(codes.includes(code), code);
    }
  });

  it('has a section for every reason code', () => {
    const missing = codes.filter((code) => !sections.has(code));
    assert.deepEqual(missing, [], `add a "### \`code\`" section to docs/verdicts.md for: ${missing.join(', ')}`);
  });

  it('documents no code that does not exist', () => {
    const unknown = [...sections.keys()].filter((code) => !codes.includes(code));
    assert.deepEqual(unknown, []);
  });

  it('gives each code a status, a cause and a next step', () => {
    for (const [code, text] of sections) {
      assert.match(text, /^\*\*Status:\*\* (pass|fail|warn|skip)\b/m, `${code}: status line`);
      assert.match(text, /^\*\*Usual cause in Azure:\*\*/m, `${code}: cause`);
      assert.match(text, /^\*\*Check next:\*\*/m, `${code}: next step`);
    }
  });

  it('documents the exit codes', () => {
    const section = doc.split(/^## Exit codes$/m)[1]?.split(/^## /m)[0] ?? '';
    for (const code of ['0', '1', '2']) assert.match(section, new RegExp(`^\\| \`${code}\` \\|`, 'm'), `exit code ${code}`);
  });

  it('documents the JSON report of the current schema version, field by field', () => {
    const version = /export const REPORT_SCHEMA_VERSION = (\d+);/.exec(typesSource)?.[1];
    assert.ok(version !== undefined);
    const [, json = ''] = doc.split(new RegExp(`^## JSON report, schemaVersion ${version}$`, 'm'));
    assert.notEqual(json, '', `no "## JSON report, schemaVersion ${version}" section`);
    const types = ['Report', 'Cause', 'Summary', 'RunSettings', 'EndpointResult', 'LayerResult', 'EndpointMeta', 'DnsData',
      'ConnectData', 'UdpData', 'TlsData', 'HttpData', 'WebSocketData', 'CertificateInfo', 'DirectAnswer', 'SystemAnswer', 'AddressInfo'];
    for (const type of types) {
      for (const field of interfaceFields(typesSource, type)) {
        assert.ok(json.includes(`\`${field}\``), `${type}.${field} is not mentioned in the JSON section`);
      }
    }
  });
});
