// The bench's targets: two namespaces (bench/netns.mjs), dnsmasq answering thousands of names
// under bench.test, nftables dropping / rejecting, and bench/servers.mjs (TCP + two HTTPS).
//
//   10.88.0.2    client: amlprobe and the other tools
//   10.88.0.53   dnsmasq (bench.test is local: unknown names are NXDOMAIN, never forwarded)
//   10.88.0.54   dnsmasq answering EVERY name with 10.88.2.10 (the main-job case: the whole
//                catalog resolves, privately, and every connection is dropped)
//   10.88.1.10   TCP 443 listener
//   10.88.1.11   HTTPS 443, certificate from the bench CA (trusted with --ca-file)
//   10.88.1.12   HTTPS 443, self-signed certificate (untrusted)
//   10.88.1.13   TCP: nftables rejects with a TCP reset (refused)
//   10.88.2.10   nftables drops every TCP packet (timeout)
//   10.88.4.1-40 TCP 443 listeners for the large case (spread: see bench/servers.mjs)
//   198.51.100.20 appears only as a DNS ANSWER (the "public address" case, dns:// targets only);
//                it is not routed, so nothing is ever sent to it.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPair, findProgram } from './netns.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DNS = '10.88.0.53';
/** The catch-all DNS server of the main-job case: every name -> ADDR.dropped. */
export const DNS_ALL_DROPPED = '10.88.0.54';
export const ADDR = { open: '10.88.1.10', good: '10.88.1.11', self: '10.88.1.12', refused: '10.88.1.13', dropped: '10.88.2.10', public: '198.51.100.20' };

/** More TCP listeners (port 443) for the large case, so its connections spread over 40 addresses. */
export const SPREAD = Array.from({ length: 40 }, (_, i) => `10.88.4.${i + 1}`);

/** Programs the bench needs and their Debian packages. */
export const REQUIREMENTS = [
  ['ip', 'iproute2'], ['ss', 'iproute2'], ['nft', 'nftables'], ['dnsmasq', 'dnsmasq-base'], ['openssl', 'openssl'],
  ['sysctl', 'procps'], ['time', 'time'], ['hyperfine', 'hyperfine'], ['dig', 'dnsutils'], ['nc', 'netcat-openbsd'],
  ['curl', 'curl'], ['nmap', 'nmap'], ['prometheus-blackbox-exporter', 'prometheus-blackbox-exporter'],
];

/** Throws one message naming everything missing. */
export function assertPrerequisites() {
  const problems = [];
  if (process.getuid?.() !== 0) problems.push('must run as root (it creates network namespaces)');
  const missing = REQUIREMENTS.filter(([program]) => findProgram(program) === undefined);
  if (missing.length > 0) {
    problems.push(`missing: ${missing.map(([p, d]) => `${p} (${d})`).join(', ')}; apt-get install -y ${[...new Set(missing.map(([, d]) => d))].join(' ')}`);
  }
  if (problems.length > 0) throw new Error(`amlprobe bench cannot run: ${problems.join('; ')}`);
}

const NFT_RULES = `
table inet amlpb {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr ${ADDR.dropped} drop
    ip daddr ${ADDR.refused} meta l4proto tcp reject with tcp reset
  }
}
`;

/**
 * Builds everything. `hosts` maps name -> address (dnsmasq addn-hosts). Returns the lab with
 * `exec`-style helpers and `stop()`; on failure everything made so far is removed.
 */
export async function startLab(hosts) {
  assertPrerequisites();
  const { createTestCa, createSelfSigned } = await import(join(ROOT, 'dist/test/helpers/test-ca.js'));
  const dir = await mkdtemp(join(tmpdir(), `amlpb-${process.pid}-`));
  let pair;
  let ca;
  // The daemons' pids (`ip netns exec` execs in place), for their CPU (bench/large-floor-case.mjs).
  const pids = {};
  const stop = async () => {
    pair?.destroy();
    await ca?.cleanup();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    ca = await createTestCa('amlprobe bench CA');
    const good = await ca.issue({ names: ['*.bench.test'] });
    const self = await createSelfSigned(['*.bench.test']);
    await writeFile(join(dir, 'ca.pem'), ca.caCert);
    await writeFile(join(dir, 'good.key'), good.key);
    await writeFile(join(dir, 'good.pem'), good.cert);
    await writeFile(join(dir, 'self.key'), self.key);
    await writeFile(join(dir, 'self.pem'), self.cert);
    await writeFile(join(dir, 'hosts'), [...hosts].map(([name, address]) => `${address} ${name}\n`).join(''));
    await writeFile(join(dir, 'rules.nft'), NFT_RULES);
    await writeFile(join(dir, 'dnsmasq.conf'), [
      'port=53', `listen-address=${DNS}`, 'bind-interfaces', 'no-resolv', 'no-hosts', 'no-poll', 'no-negcache',
      'user=root', `pid-file=${join(dir, 'dnsmasq.pid')}`, 'local=/bench.test/', `addn-hosts=${join(dir, 'hosts')}`,
      'local=/bt/', 'dns-forward-max=10000', '',
    ].join('\n'));
    await writeFile(join(dir, 'dnsmasq-all.conf'), [
      'port=53', `listen-address=${DNS_ALL_DROPPED}`, 'bind-interfaces', 'no-resolv', 'no-hosts', 'no-poll',
      'user=root', `pid-file=${join(dir, 'dnsmasq-all.pid')}`, `address=/#/${ADDR.dropped}`, 'dns-forward-max=10000', '',
    ].join('\n'));

    pair = await createPair({
      clientAddress: '10.88.0.2/16',
      serviceAddresses: [`${DNS}/16`, `${DNS_ALL_DROPPED}/16`, ...['open', 'good', 'self', 'refused', 'dropped'].map((k) => `${ADDR[k]}/16`), ...SPREAD.map((a) => `${a}/16`)],
      resolvConf: `nameserver ${DNS}\n`,
    });
    await pair.exec(pair.service, findProgram('nft'), ['-f', join(dir, 'rules.nft')]);
    const dnsmasq = pair.spawnDaemon(pair.service, findProgram('dnsmasq'), ['--keep-in-foreground', '--log-facility=-', `--conf-file=${join(dir, 'dnsmasq.conf')}`]);
    const dnsmasqAll = pair.spawnDaemon(pair.service, findProgram('dnsmasq'), ['--keep-in-foreground', '--log-facility=-', `--conf-file=${join(dir, 'dnsmasq-all.conf')}`]);
    const servers = pair.spawnDaemon(pair.service, process.execPath, [join(ROOT, 'bench/servers.mjs'), dir]);
    Object.assign(pids, { dnsmasq: dnsmasq.pid, servers: servers.pid });
    await pair.waitForListener(pair.service, 'udp', DNS, 53, dnsmasq);
    await pair.waitForListener(pair.service, 'udp', DNS_ALL_DROPPED, 53, dnsmasqAll);
    for (const k of ['open', 'good', 'self']) await pair.waitForListener(pair.service, 'tcp', ADDR[k], 443, servers);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pair, dir, caFile: join(dir, 'ca.pem'), pids, stop };
}
