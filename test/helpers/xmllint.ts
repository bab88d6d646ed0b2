// xmllint (Debian package libxml2-utils) as the independent consumer of the JUnit report: schema
// validation and XPath queries over the file amlprobe wrote. When xmllint is missing the test fails
// with the package to install; it never skips (CI installs it).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

/** The JUnit schema the reports are validated against (see the comment at its top). */
export const JUNIT_XSD = join(REPO_ROOT, 'test', 'fixtures', 'junit', 'junit.xsd');

/** What one xmllint invocation printed. */
export interface XmllintResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs xmllint with `args`; rejects with an install hint when the program is not there. */
export function xmllint(args: string[]): Promise<XmllintResult> {
  return new Promise((resolve, reject) => {
    execFile('xmllint', args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
      if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('xmllint is not installed: these tests need it to validate the JUnit report. Install it with: apt-get install -y libxml2-utils'));
        return;
      }
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Validates `file` against the JUnit schema; returns xmllint's complaint, or null when valid. */
export async function junitSchemaErrors(file: string): Promise<string | null> {
  const result = await xmllint(['--noout', '--schema', JUNIT_XSD, file]);
  return result.code === 0 ? null : `${result.stderr}${result.stdout}`;
}

/** The string value of an XPath expression over `file` (xmllint --xpath 'string(...)'). */
export async function xpathString(file: string, expression: string): Promise<string> {
  const result = await xmllint(['--xpath', `string(${expression})`, file]);
  // xmllint exits 10 when the expression selects nothing; an empty string is the honest answer.
  if (result.code !== 0 && result.code !== 10) throw new Error(`xmllint --xpath failed (${result.code}): ${result.stderr}`);
  // xmllint ends its answer with a newline of its own.
  return result.stdout.replace(/\n$/, '');
}

/** The number of nodes an XPath expression selects. */
export async function xpathCount(file: string, expression: string): Promise<number> {
  return Number(await xpathString(file, `count(${expression})`));
}
