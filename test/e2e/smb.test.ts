// smb:// against a REAL samba (smbd --foreground) in a service namespace: the built CLI in a client
// namespace sends its SMB2 NEGOTIATE to three smbd instances (signing mandatory, signing left to
// the default, SMB1 only) and the JSON report must carry the dialect and the signing requirement
// samba chose, or smb_failed for the SMB1-only server that hangs up on SMB2. Each smbd has its own
// smb.conf and state, lock, cache, pid and private directories in a temporary directory: nothing
// touches /var/lib/samba. Needs root, iproute2 and samba (smbd): it FAILS without them.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SmbData } from '../../src/checks/smb-evidence.js';
import type { Report } from '../../src/model/report.js';
import type { EndpointResult } from '../../src/model/result.js';
import { cliEnv, CLI_PATH } from '../helpers/cli.js';
import { assertPrerequisites, createNamespacePair, findProgram, IP, type NamespacePair } from './helpers/netns.js';

/** One smbd and what its NEGOTIATE answer must say. */
interface SmbServer {
  name: string;
  address: string;
  /** smb.conf lines besides the shared ones. */
  options: string[];
}

const SERVERS: SmbServer[] = [
  { name: 'signing-required', address: '10.22.0.45', options: ['server signing = mandatory'] },
  { name: 'signing-default', address: '10.22.0.46', options: [] },
  { name: 'smb1-only', address: '10.22.0.47', options: ['server min protocol = NT1', 'server max protocol = NT1'] },
];

/** A standalone smbd bound to one address, with every directory of its own under `dir`. */
function smbConf(server: SmbServer, dir: string): string {
  const own = (sub: string): string => {
    mkdirSync(join(dir, sub), { recursive: true });
    return join(dir, sub);
  };
  return [
    '[global]',
    'server role = standalone server',
    `interfaces = ${server.address}`,
    'bind interfaces only = yes',
    'smb ports = 445',
    'disable netbios = yes',
    `lock directory = ${own('lock')}`,
    `state directory = ${own('state')}`,
    `cache directory = ${own('cache')}`,
    `pid directory = ${own('pid')}`,
    `private dir = ${own('private')}`,
    `ncalrpc dir = ${own('ncalrpc')}`,
    `log file = ${join(own('log'), 'log.%m')}`,
    'load printers = no',
    'printing = bsd',
    'printcap name = /dev/null',
    'disable spoolss = yes',
    ...server.options,
    '[share]',
    `path = ${own('share')}`,
    '',
  ].join('\n');
}

describe('smb:// against samba, in network namespaces', () => {
  let pair: NamespacePair | undefined;
  let dir = '';
  let report: Report | undefined;
  let table = '';

  function cliInClient(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const ns = pair?.client ?? '';
    return new Promise((resolve) => {
      execFile(IP, ['netns', 'exec', ns, process.execPath, CLI_PATH, ...args], { env: cliEnv(), timeout: 20_000, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      });
    });
  }

  const targets = SERVERS.map((s) => `smb://${s.address}`);

  before(async () => {
    assertPrerequisites([
      { program: 'ip', debianPackage: 'iproute2' },
      { program: 'ss', debianPackage: 'iproute2' },
      { program: 'smbd', debianPackage: 'samba' },
      { program: 'setsid', debianPackage: 'util-linux' },
    ]);
    dir = mkdtempSync(join(tmpdir(), 'amlprobe-smb-'));
    pair = await createNamespacePair({
      clientAddress: '10.22.0.2/24',
      serviceAddresses: SERVERS.map((s) => `${s.address}/24`),
      clientRoutes: [],
    });
    const smbd = findProgram('smbd') ?? 'smbd';
    const setsid = findProgram('setsid') ?? 'setsid';
    for (const server of SERVERS) {
      const conf = join(dir, server.name, 'smb.conf');
      mkdirSync(join(dir, server.name), { recursive: true });
      writeFileSync(conf, smbConf(server, join(dir, server.name)));
      // stdin from /dev/null: on a socket (node's stdio pipes are socket pairs) smbd thinks inetd started it
      // and serves fd 0 instead of listening. setsid: smbd signals its whole process group when it stops,
      // which would otherwise be the test runner's. `exec` and setsid (not a group leader here, so it does
      // not fork) keep the daemon's pid smbd's own, for destroy().
      const daemon = pair.spawnDaemon(`smbd ${server.name}`, pair.service, '/bin/sh', [
        '-c', 'exec "$0" "$1" --foreground --no-process-group --debug-stdout -s "$2" < /dev/null', setsid, smbd, conf,
      ]);
      await pair.waitForListener(pair.service, 'tcp', server.address, 445, daemon);
    }
    const json = await cliInClient(['check', ...targets, '--no-system-resolver', '--timeout', '2s', '--format', 'json']);
    assert.equal(json.code, 1, `exit ${json.code}: ${json.stderr}`);
    report = JSON.parse(json.stdout) as Report;
    table = (await cliInClient(['check', ...targets, '--no-system-resolver', '--timeout', '2s', '--no-color'])).stdout;
  });

  after(async () => {
    await pair?.destroy();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  function resultOf(address: string): { result: EndpointResult; smb: SmbData } {
    const result = report?.results.find((r) => r.host === address);
    assert.ok(result, `no result for ${address}`);
    const check = result.checks.find((c) => c.layer === 'smb');
    assert.ok(check, `no smb layer: ${JSON.stringify(result.checks)}`);
    return { result, smb: (check.data ?? {}) as SmbData };
  }

  it('signing mandatory: SMB 3.1.1 negotiated, signing required', () => {
    const { result, smb } = resultOf('10.22.0.45');
    assert.deepEqual([result.status, result.reason, result.message], ['pass', 'smb_negotiated', 'SMB 3.1.1 negotiated, signing required']);
    assert.deepEqual([smb.dialect, smb.signingEnabled, smb.signingRequired], ['3.1.1', true, true]);
    assert.ok((smb.maxReadSize ?? 0) > 0 && smb.capabilities?.includes('LARGE_MTU'), JSON.stringify(smb));
  });

  it('signing left to samba (a standalone server does not require it): signing enabled, not required', () => {
    const { result, smb } = resultOf('10.22.0.46');
    assert.deepEqual([result.status, result.reason], ['pass', 'smb_negotiated']);
    assert.deepEqual([smb.dialect, smb.signingEnabled, smb.signingRequired], ['3.1.1', true, false]);
  });

  it('an SMB1-only samba hangs up on an SMB2 NEGOTIATE: smb_failed, after TCP passed', () => {
    const { result } = resultOf('10.22.0.47');
    assert.deepEqual([result.status, result.layer, result.reason], ['fail', 'smb', 'smb_failed']);
    assert.equal(result.checks.find((c) => c.layer === 'tcp')?.reason, 'ok');
    assert.match(result.message, /closed the connection without answering the SMB2 NEGOTIATE/);
  });

  it('the table shows the dialect, signing and the failure in the APP column', () => {
    assert.match(table, /smb:\/\/10\.22\.0\.45 .*SMB 3\.1\.1 signed/);
    assert.match(table, /smb:\/\/10\.22\.0\.46 .*SMB 3\.1\.1(?! signed)/);
    assert.match(table, /smb:\/\/10\.22\.0\.47 .*closed/);
  });
});
