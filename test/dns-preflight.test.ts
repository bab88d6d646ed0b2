// checkDnsServer: the pre-flight that turns an unusable --dns-server into exit code 2.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDnsServer } from '../src/dns/resolve-name.js';
import { closedUdpPort, startDnsServer, type Behaviour, type TestDnsServer } from './helpers/dns-server.js';

const TIMEOUT = 300;

const servers: Record<string, TestDnsServer> = {};
const behaviours: Record<string, Behaviour | undefined> = {
  // No entry for ".": the server answers NXDOMAIN, which is still DNS.
  nxdomain: undefined,
  refused: { kind: 'rcode', rcode: 'REFUSED' },
  silent: { kind: 'silent' },
  garbage: { kind: 'garbage' },
  echo: { kind: 'echo' },
};

before(async () => {
  for (const [key, behaviour] of Object.entries(behaviours)) {
    servers[key] = await startDnsServer(behaviour === undefined ? {} : { '.': behaviour });
  }
});
after(() => Promise.all(Object.values(servers).map((s) => s.close())));

const server = (key: string): TestDnsServer => {
  const found = servers[key];
  assert.ok(found !== undefined);
  return found;
};

test('a server that answers (any rcode) passes', async () => {
  assert.equal(await checkDnsServer(server('nxdomain').server, TIMEOUT), null);
  assert.equal(await checkDnsServer(server('refused').server, TIMEOUT), null);
  assert.deepEqual(
    server('nxdomain').queries.map((q) => [q.name, q.type]),
    [['.', 'NS']],
  );
});

test('each unusable server gets its own message', async () => {
  const closed = await closedUdpPort();
  const cases: [string, RegExp][] = [
    [`127.0.0.1:${closed}`, new RegExp(`^DNS server 127\\.0\\.0\\.1:${closed} is unreachable: nothing listens on UDP port ${closed} there \\(ICMP port unreachable\\)$`)],
    [server('silent').server, /^DNS server 127\.0\.0\.1:\d+ did not answer a test query within 300 ms/],
    [server('garbage').server, /^127\.0\.0\.1:\d+ is not a DNS server: it answered a test query with 1 packet\(s\) that are not DNS responses$/],
    [server('echo').server, /is not a DNS server/],
    ['dns.corp.example', /^--dns-server 'dns\.corp\.example': 'dns\.corp\.example' is not an IP address/],
  ];
  for (const [target, message] of cases) {
    const problem = await checkDnsServer(target, TIMEOUT);
    assert.ok(problem !== null, target);
    assert.match(problem, message);
  }
});
