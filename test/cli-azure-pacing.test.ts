// The Azure DNS pacing through the CLI, as a user meets it: `check` with Azure DNS to compare
// (--azure-dns-address) and a loopback DNS server (a stub, as inside Azure) shares one budget below
// the documented per-VM limits; when that budget cannot fit --deadline the plan says so once, with
// the --deadline that fits, and keeps the deadline; with that deadline every name is answered and
// neither server ever sees more than the limits.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '../src/model/report.js';
import { AZURE_DNS_LIMITS } from '../src/plan/dns-pacing.js';
import { startLimitedDns, VmBudget, type LimitedDns } from './helpers/azure-dns-limits.js';
import { describeRun, parseJsonOutput, runCli } from './helpers/cli.js';

// 400 names, A and AAAA to each of the two servers: 1,600 queries on the budget, about 2 s at 800/s.
const NAMES = Array.from({ length: 400 }, (_, i) => `dns://n${i}.cli-pacing.test`);
const LIMITS = { perSecond: AZURE_DNS_LIMITS.queriesPerSecond, pending: AZURE_DNS_LIMITS.pending };

/** Azure DNS and a loopback stub on one VM's budget: what the stub gets, it forwards to Azure DNS. */
async function withVm(body: (vm: VmBudget, azure: LimitedDns, stub: LimitedDns) => Promise<void>): Promise<void> {
  const vm = new VmBudget(LIMITS);
  const azure = await startLimitedDns(vm);
  const stub = await startLimitedDns(vm);
  try {
    await body(vm, azure, stub);
  } finally {
    await azure.close();
    await stub.close();
  }
}

const check = (azure: LimitedDns, stub: LimitedDns, deadline: string) =>
  runCli(
    ['check', ...NAMES, '--no-system-resolver', '--dns-server', stub.server, '--azure-dns-address', azure.server, '--timeout', '1s', '--deadline', deadline, '--format', 'json'],
    { killAfterMs: 30_000 },
  );

describe('check with Azure DNS and a loopback stub: one paced budget', () => {
  it('a deadline the paced DNS cannot fit: one note with the numbers and the fix, and the deadline kept', () =>
    withVm(async (_vm, azure, stub) => {
      const run = await check(azure, stub, '2s');
      assert.equal(run.code, 1, describeRun(run));
      const notes = run.stderr.split('\n').filter((line) => line.includes('Azure DNS drops'));
      assert.deepEqual(notes, [
        "amlprobe: note: Azure DNS drops what a VM sends beyond 1,000 queries per second (documented limit; amlprobe keeps to 800/s): this run's 400 names " +
          'need 1,600 queries on that budget, at least 2 s, more than the 2 s deadline: names not asked by then are reported as cut by the deadline. ' +
          'Give --deadline 7s (or more) to probe every endpoint.',
      ]);
      const report = parseJsonOutput<Report>(run);
      assert.ok(report.results.some((r) => r.reason === 'deadline'), 'the deadline cut the queue');
      assert.ok(!report.results.some((r) => r.reason === 'dns_timeout'), 'waiting for the budget is never dns_timeout');
    }));

  it('with the --deadline it names: no note, every name answered, and the limits never exceeded', () =>
    withVm(async (vm, azure, stub) => {
      const run = await check(azure, stub, '7s');
      assert.equal(run.code, 0, describeRun(run));
      assert.doesNotMatch(run.stderr, /Azure DNS drops/);
      const report = parseJsonOutput<Report>(run);
      assert.deepEqual([...new Set(report.results.map((r) => r.reason))], ['ok']);
      assert.equal(vm.dropped, 0, 'no query dropped');
      // Both servers spend one budget: together they never saw more than the VM's limits.
      assert.ok(vm.maxPerSecond <= LIMITS.perSecond, `${vm.maxPerSecond} in one second`);
      assert.ok(vm.maxPending <= LIMITS.pending, `${vm.maxPending} pending`);
    }));
});
