// `amlprobe lab --managed-network allow-only-approved-outbound` (issue 18): the simulated workspace
// in a managed virtual network. The approved rows answer, the canaries are refused by the managed
// network's stand-in firewall and pass as blocked_as_expected, and the one exfiltration path the
// lab plants open is caught as unexpectedly_open. Loopback only, as every lab run.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/model/report.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.js');

interface LabReport extends Report {
  lab: { ok: boolean; faults: { id: string; caught: boolean; endpoints: { id: string; reason: string }[] }[]; unexpected: { id: string }[] };
}

function runLab(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  for (const key of Object.keys(env)) if (key.startsWith('AMLPROBE_')) delete env[key];
  return new Promise((done) => {
    execFile(process.execPath, [CLI, 'lab', ...args], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

describe('amlprobe lab --managed-network allow-only-approved-outbound', () => {
  it('passes the approved rows and the canaries, and catches the planted open exfiltration path', async () => {
    const run = await runLab(['--managed-network', 'allow-only-approved-outbound', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as LabReport;
    assert.equal(report.lab.ok, true);
    assert.deepEqual(report.lab.unexpected, []);
    const exfil = report.lab.faults.find((f) => f.id === 'exfiltration-open');
    assert.deepEqual(exfil?.endpoints.map((e) => [e.id, e.reason]), [['canary-code-host', 'unexpectedly_open']]);
    assert.equal(exfil?.caught, true);
    const canaries = report.results.filter((r) => r.id.startsWith('canary-') && r.id !== 'canary-code-host');
    assert.deepEqual(canaries.map((r) => r.id).sort(), ['canary-package-files', 'canary-package-index', 'canary-public-storage']);
    for (const canary of canaries) assert.deepEqual([canary.status, canary.reason, canary.layer], ['pass', 'blocked_as_expected', 'tcp'], canary.id);
    // Azure ML owns the compute VNet: the customer compute subnet's rows are not in the plan.
    assert.equal(report.results.some((r) => r.id.startsWith('storage-queue')), false);
    assert.ok(report.results.some((r) => r.id === 'tundra:5831'));
    assert.equal(report.workspace?.profile.managedNetwork, 'allow-only-approved-outbound');
  });

  it('--no-faults: every canary is blocked, exit 0', async () => {
    const run = await runLab(['--managed-network', 'allow-only-approved-outbound', '--no-faults', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as LabReport;
    const open = report.results.find((r) => r.id === 'canary-code-host');
    assert.deepEqual([open?.status, open?.reason], ['pass', 'blocked_as_expected']);
  });

  it('refuses an isolation mode that does not exist (exit 2, one paragraph)', async () => {
    const run = await runLab(['--managed-network', 'approved']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--managed-network.*not a managed network isolation mode/s);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });
});
