// TLS inspection by a real proxy: squid with ssl-bump (Debian package squid-openssl; CI installs
// it) on loopback decrypts the CONNECT tunnel and re-signs the target's certificate with its own
// CA, as Azure Firewall Premium or a corporate proxy does. With that CA given to --ca-file the
// chain verifies, and a Microsoft endpoint is tls_inspected (a warning naming squid's CA); without
// it, tls_untrusted. squid resolves the target through its own hosts file only (a name mapped to
// 127.0.0.1) and is pointed at a DNS server on loopback, so nothing leaves the machine.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConnectData, HttpData, TlsData } from '../src/model/evidence.js';
import type { Report } from '../src/model/report.js';
import type { EndpointResult } from '../src/model/result.js';
import { describeRun, dnsFlags, parseJsonOutput, runCli } from './helpers/cli.js';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.js';
import { startHttpServer, type TestServer } from './helpers/http-servers.js';
import { closedTcpPort } from './helpers/listeners.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';

/** A Microsoft name: its certificate must chain to a public root. */
const MICROSOFT = 'mlwsbump.blob.core.windows.net';
const SQUID = '/usr/sbin/squid';
const CERTGEN = '/usr/lib/squid/security_file_certgen';

/** Resolves once something accepts connections on 127.0.0.1:port, or rejects after `withinMs`. */
async function listening(port: number, withinMs = 10_000): Promise<void> {
  const until = performance.now() + withinMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (performance.now() > until) throw new Error(`squid does not listen on 127.0.0.1:${port} after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('through squid with ssl-bump (Debian package squid-openssl)', () => {
  let dir: string;
  let bumpCa: TestCa;
  let upstreamCa: TestCa;
  let upstream: TestServer;
  let dns: TestDnsServer;
  let squid: ChildProcess | undefined;
  let proxyUrl: string;
  let caFile: string;

  before(async () => {
    const found = spawnSync(SQUID, ['-v'], { encoding: 'utf8' });
    if (found.error !== undefined || !/--with-openssl/.test(found.stdout) || spawnSync(CERTGEN, ['-h']).error !== undefined) {
      throw new Error('squid with OpenSSL is not installed: these tests need the Debian package squid-openssl (apt-get install -y squid-openssl)');
    }
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-squid-'));
    // squid drops to its own user (proxy): it must read the configuration and write its certificate database.
    await chmod(dir, 0o755);
    [bumpCa, upstreamCa] = await Promise.all([createTestCa('Contoso Squid Bump CA'), createTestCa('amlprobe Upstream CA')]);
    upstream = await startHttpServer((_req, res) => res.end('upstream hello'), await upstreamCa.issue({ names: [MICROSOFT] }));
    // This machine resolves the name to a public address: the DNS layer passes, the proxy resolves it itself.
    dns = await startDnsServer({ [MICROSOFT]: { kind: 'records', a: ['198.51.100.9'] } });
    caFile = join(dir, 'bump-ca.pem');
    await writeFile(caFile, bumpCa.caCert);
    await writeFile(join(dir, 'bump-ca.key'), bumpCa.caKey, { mode: 0o644 });
    await writeFile(join(dir, 'hosts'), `127.0.0.1 ${MICROSOFT}\n`);
    const db = join(dir, 'ssl_db');
    const init = spawnSync(CERTGEN, ['-c', '-s', db, '-M', '4MB'], { encoding: 'utf8' });
    assert.equal(init.status, 0, `${CERTGEN} -c failed: ${init.stderr}`);
    spawnSync('chown', ['-R', 'proxy', db]);
    const port = await closedTcpPort();
    await writeFile(join(dir, 'squid.conf'), [
      `http_port 127.0.0.1:${port} ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB tls-cert=${caFile} tls-key=${join(dir, 'bump-ca.key')}`,
      `sslcrtd_program ${CERTGEN} -s ${db} -M 4MB`,
      'sslcrtd_children 2 startup=1 idle=1',
      'acl step1 at_step SslBump1',
      'ssl_bump peek step1',
      'ssl_bump bump all',
      // The upstream's certificate is the test's own; squid is the client that would check it.
      'tls_outgoing_options flags=DONT_VERIFY_PEER',
      'http_access allow localhost',
      'http_access deny all',
      `hosts_file ${join(dir, 'hosts')}`,
      'dns_nameservers 127.0.0.1',
      `pid_filename ${join(dir, 'squid.pid')}`,
      `cache_log ${join(dir, 'cache.log')}`,
      'access_log none',
      'cache deny all',
      'cache_mem 8 MB',
      `coredump_dir ${dir}`,
      'shutdown_lifetime 0 seconds',
      '',
    ].join('\n'));
    squid = spawn(SQUID, ['-N', '-f', join(dir, 'squid.conf')], { stdio: 'ignore' });
    proxyUrl = `http://127.0.0.1:${port}`;
    await listening(port);
  });
  after(async () => {
    if (squid?.pid !== undefined && squid.exitCode === null) {
      const exited = new Promise((resolve) => squid?.once('exit', resolve));
      squid.kill();
      await exited;
    }
    await Promise.all([upstream?.close(), dns?.close(), bumpCa?.cleanup(), upstreamCa?.cleanup()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const target = (): string => `https://${MICROSOFT}:${upstream.port}/`;
  const only = (run: Awaited<ReturnType<typeof runCli>>): EndpointResult => {
    const [result] = parseJsonOutput<Report>(run).results;
    assert.ok(result, describeRun(run));
    return result;
  };

  it('squid\'s CA trusted with --ca-file: tls_inspected (warn) naming it, exit 0, HTTP through the bumped tunnel', async () => {
    const run = await runCli(['check', target(), ...dnsFlags(dns), '--proxy', proxyUrl, '--ca-file', caFile, '--format', 'json']);
    assert.equal(run.code, 0, describeRun(run));
    const result = only(run);
    assert.deepEqual([result.status, result.layer, result.reason], ['warn', 'tls', 'tls_inspected'], JSON.stringify(result.checks));
    const tls = result.checks.find((c) => c.layer === 'tls');
    assert.match(tls?.message ?? '', /TLS inspected: certificate issued by Contoso Squid Bump CA/);
    assert.match((tls?.data as TlsData).chain?.[0]?.issuer ?? '', /CN=Contoso Squid Bump CA/);
    assert.equal((result.checks.find((c) => c.layer === 'tcp')?.data as ConnectData).proxy, proxyUrl);
    assert.equal((result.checks.find((c) => c.layer === 'http')?.data as HttpData).status, 200);
  });

  it('without --ca-file the same chain is tls_untrusted, naming squid\'s CA', async () => {
    const run = await runCli(['check', target(), ...dnsFlags(dns), '--proxy', proxyUrl, '--format', 'json']);
    assert.equal(run.code, 1, describeRun(run));
    const result = only(run);
    assert.deepEqual([result.status, result.layer, result.reason], ['fail', 'tls', 'tls_untrusted'], JSON.stringify(result.checks));
    assert.match(result.message, /Contoso Squid Bump CA/);
  });
});
