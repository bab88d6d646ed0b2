// parseDnsServer: every accepted form, and a typed error naming the value for every rejected one
// (dns/ knows nothing of exit codes: the CLI turns it into a usage error, see cli-usage.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDnsServer, parseDnsServer } from '../src/dns/resolve-name.js';
import { isUsageError } from '../src/errors.js';
import { DnsServerAddressError } from '../src/dns/server-address.js';

const good: [string, string, number, string][] = [
  ['10.0.0.4', '10.0.0.4', 53, '10.0.0.4:53'],
  ['10.0.0.4:5353', '10.0.0.4', 5353, '10.0.0.4:5353'],
  ['fd00::53', 'fd00::53', 53, '[fd00::53]:53'],
  ['::1', '::1', 53, '[::1]:53'],
  ['[fd00::53]:5353', 'fd00::53', 5353, '[fd00::53]:5353'],
  ['[::1]', '::1', 53, '[::1]:53'],
  [' 127.0.0.1:1 ', '127.0.0.1', 1, '127.0.0.1:1'],
];
for (const [text, host, port, formatted] of good) {
  test(`accepts '${text}'`, () => {
    const server = parseDnsServer(text);
    assert.equal(server.host, host);
    assert.equal(server.port, port);
    assert.equal(formatDnsServer(server), formatted);
  });
}

const bad: [string, string][] = [
  ['dns.corp.example', "--dns-server 'dns.corp.example': 'dns.corp.example' is not an IP address; give the DNS server as an IP, e.g. 10.0.0.4 or 10.0.0.4:53"],
  ['10.0.0.4:0', "--dns-server '10.0.0.4:0': port must be 1-65535, got '0'"],
  ['10.0.0.4:65536', "--dns-server '10.0.0.4:65536': port must be 1-65535, got '65536'"],
  ['10.0.0.4:', "--dns-server '10.0.0.4:': port must be 1-65535, got ''"],
  ['10.0.0.4:dns', "--dns-server '10.0.0.4:dns': port must be 1-65535, got 'dns'"],
  ['fd00::53:x', "--dns-server 'fd00::53:x': IPv6 addresses with a port must be bracketed, e.g. [fd00::53]:53"],
  ['[10.0.0.4]:53', "--dns-server '[10.0.0.4]:53': '10.0.0.4' inside brackets is not an IPv6 address"],
  ['', "--dns-server '': empty value; expected an IP address like 10.0.0.4 or 10.0.0.4:53"],
  ['999.0.0.1', "--dns-server '999.0.0.1': '999.0.0.1' is not an IP address; give the DNS server as an IP, e.g. 10.0.0.4 or 10.0.0.4:53"],
];
for (const [text, message] of bad) {
  test(`rejects '${text}'`, () => {
    assert.throws(
      () => parseDnsServer(text, '--dns-server'),
      (error: unknown) =>
        !isUsageError(error) && error instanceof DnsServerAddressError && error.message === message &&
        error.value === text && error.source === '--dns-server' && message.endsWith(`: ${error.why}`),
    );
  });
}

