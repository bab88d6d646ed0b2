// Address classification and CIDR parsing: pure functions, tested as tables.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isIP } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { canonicalAddress, classifyAddress, isIpLiteral, PRIVATE_RANGES, privateRangeLabel } from '../src/net/address.js';
import { builtInCidr, CidrParseError, formatAddress, parseAddress, parseCidr } from '../src/net/cidr.js';
import { isUsageError } from '../src/errors.js';
import { ipVersion } from '../src/net/ip-version.js';

describe('classifyAddress', () => {
  const extra = [parseCidr('20.50.0.0/16'), parseCidr('2001:db8:aa::/48')];
  const cases: { address: string; family: 4 | 6; private: boolean; range: string | null }[] = [
    { address: '10.0.0.5', family: 4, private: true, range: '10.0.0.0/8' },
    { address: '10.255.255.255', family: 4, private: true, range: '10.0.0.0/8' },
    { address: '11.0.0.1', family: 4, private: false, range: null },
    { address: '172.16.0.1', family: 4, private: true, range: '172.16.0.0/12' },
    { address: '172.31.255.254', family: 4, private: true, range: '172.16.0.0/12' },
    { address: '172.32.0.1', family: 4, private: false, range: null },
    { address: '172.15.255.255', family: 4, private: false, range: null },
    { address: '192.168.1.1', family: 4, private: true, range: '192.168.0.0/16' },
    { address: '192.169.0.1', family: 4, private: false, range: null },
    { address: '100.64.0.1', family: 4, private: true, range: '100.64.0.0/10' },
    { address: '100.127.255.255', family: 4, private: true, range: '100.64.0.0/10' },
    { address: '100.128.0.0', family: 4, private: false, range: null },
    { address: '127.0.0.1', family: 4, private: true, range: '127.0.0.0/8' },
    { address: '169.254.169.254', family: 4, private: true, range: '169.254.0.0/16' },
    { address: '20.38.98.100', family: 4, private: false, range: null },
    { address: '20.50.3.4', family: 4, private: true, range: '20.50.0.0/16' },
    { address: '8.8.8.8', family: 4, private: false, range: null },
    { address: 'fd00::5', family: 6, private: true, range: 'fc00::/7' },
    { address: 'FC12:3456::1', family: 6, private: true, range: 'fc00::/7' },
    { address: 'fe00::1', family: 6, private: false, range: null },
    { address: '::1', family: 6, private: true, range: '::1/128' },
    { address: 'fe80::1%eth0', family: 6, private: true, range: 'fe80::/10' },
    { address: 'febf:ffff::1', family: 6, private: true, range: 'fe80::/10' },
    { address: 'fec0::1', family: 6, private: false, range: null },
    { address: '2603:1030::1', family: 6, private: false, range: null },
    { address: '2001:db8:aa:1::1', family: 6, private: true, range: '2001:db8:aa::/48' },
    { address: '2001:db8:ab::1', family: 6, private: false, range: null },
    // IPv4-mapped IPv6: judged by the IPv4 address inside, dialled as IPv6.
    { address: '::ffff:10.0.0.5', family: 6, private: true, range: '10.0.0.0/8' },
    { address: '::ffff:a00:5', family: 6, private: true, range: '10.0.0.0/8' },
    { address: '::ffff:20.50.1.1', family: 6, private: true, range: '20.50.0.0/16' },
    { address: '::ffff:8.8.8.8', family: 6, private: false, range: null },
  ];
  for (const c of cases) {
    test(`${c.address} -> ${c.private ? c.range : 'public'}`, () => {
      assert.deepEqual(classifyAddress(c.address, extra), c);
    });
  }

  test('without extra ranges a user range is public again', () => {
    assert.equal(classifyAddress('20.50.3.4', []).private, false);
  });

  test('built-in ranges carry a label for reports', () => {
    assert.equal(privateRangeLabel('127.0.0.0/8'), 'loopback');
    assert.equal(privateRangeLabel('100.64.0.0/10'), 'RFC 6598 shared address space');
    assert.equal(privateRangeLabel('20.50.0.0/16'), undefined);
  });
});

describe('parseCidr', () => {
  const good: [string, string, number][] = [
    ['10.0.0.0/8', '10.0.0.0/8', 8],
    [' 192.168.4.0/24 ', '192.168.4.0/24', 24],
    ['0.0.0.0/0', '0.0.0.0/0', 0],
    ['10.1.2.3', '10.1.2.3/32', 32],
    ['FD00::/8', 'fd00::/8', 8],
    ['2001:db8:0:0::/64', '2001:db8::/64', 64],
    ['::/0', '::/0', 0],
    ['fd00::1', 'fd00::1/128', 128],
  ];
  for (const [text, canonical, prefix] of good) {
    test(`'${text}' -> ${canonical}`, () => {
      const cidr = parseCidr(text);
      assert.equal(cidr.text, canonical);
      assert.equal(cidr.prefix, prefix);
    });
  }

  const bad: [string, string][] = [
    ['10.0.0.0/33', "--private-cidr '10.0.0.0/33': prefix length must be 0-32 for IPv4"],
    ['fd00::/129', "--private-cidr 'fd00::/129': prefix length must be 0-128 for IPv6"],
    ['10.0.0.0/', "--private-cidr '10.0.0.0/': prefix length must be 0-32 for IPv4"],
    ['10.0.0.0/-1', "--private-cidr '10.0.0.0/-1': prefix length must be 0-32 for IPv4"],
    ['10.0.0.0/8/8', "--private-cidr '10.0.0.0/8/8': prefix length must be 0-32 for IPv4"],
    ['10.0.0/8', "--private-cidr '10.0.0/8': '10.0.0' is not an IPv4 or IPv6 address; expected CIDR notation like 10.0.0.0/8"],
    ['10.0.0.256/32', "--private-cidr '10.0.0.256/32': '10.0.0.256' is not an IPv4 or IPv6 address; expected CIDR notation like 10.0.0.0/8"],
    ['corp.example/24', "--private-cidr 'corp.example/24': 'corp.example' is not an IPv4 or IPv6 address; expected CIDR notation like 10.0.0.0/8"],
    ['', "--private-cidr '': empty range; expected CIDR notation like 10.0.0.0/8 or fd00::/8"],
    ['10.1.2.3/8', "--private-cidr '10.1.2.3/8': host bits are set after /8; did you mean 10.0.0.0/8?"],
    ['fd00::1/8', "--private-cidr 'fd00::1/8': host bits are set after /8; did you mean fd00::/8?"],
  ];
  for (const [text, message] of bad) {
    test(`rejects '${text}'`, () => {
      assert.throws(
        () => parseCidr(text, '--private-cidr'),
        (error: unknown) => !isUsageError(error) && error instanceof CidrParseError && error.message === message && error.value === text && error.source === '--private-cidr',
      );
    });
  }

  test('the option name in messages follows the source', () => {
    assert.throws(() => parseCidr('1.2.3.4/40', 'config.yaml privateCidrs[0]'), /^CidrParseError: config\.yaml privateCidrs\[0\] '1\.2\.3\.4\/40'/);
    assert.throws(() => parseCidr('1.2.3.4/40'), /^CidrParseError: --private-cidr '1\.2\.3\.4\/40': prefix length/);
  });
});

describe('address text helpers', () => {
  const roundTrips: [string, string][] = [
    ['10.0.0.5', '10.0.0.5'],
    ['FD00:0:0:0:0:0:0:5', 'fd00::5'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['::', '::'],
    ['::ffff:10.0.0.5', '::ffff:a00:5'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
  ];
  for (const [input, canonical] of roundTrips) {
    test(`canonicalAddress('${input}') = '${canonical}'`, () => {
      assert.equal(canonicalAddress(input), canonical);
      const parsed = parseAddress(input);
      assert.ok(parsed !== null);
      assert.equal(formatAddress(parsed.family, parsed.value), canonical);
    });
  }

  test('isIpLiteral', () => {
    assert.equal(isIpLiteral('10.0.0.1'), true);
    assert.equal(isIpLiteral('fd00::1'), true);
    assert.equal(isIpLiteral('[fd00::1]'), false);
    assert.equal(isIpLiteral('ml.azure.com'), false);
    assert.equal(canonicalAddress('ml.azure.com'), 'ml.azure.com');
  });
});

describe('built-in ranges', () => {
  test('parse exactly as parseCidr parses them', () => {
    for (const text of [...PRIVATE_RANGES.map((r) => r.cidr.text), '::ffff:0:0/96']) assert.deepEqual(builtInCidr(text), parseCidr(text), text);
  });

  test("loading them, and reading IPv4 addresses, ranges, DNS servers and targets by name, runs no IPv6 check (node:net's compiles a regular expression of several kilobytes on first use)", () => {
    const address = fileURLToPath(new URL('../src/net/address.js', import.meta.url));
    const cidr = fileURLToPath(new URL('../src/net/cidr.js', import.meta.url));
    const server = fileURLToPath(new URL('../src/dns/server-address.js', import.meta.url));
    const targets = fileURLToPath(new URL('../src/plan/targets.js', import.meta.url));
    const script = `
      import net from 'node:net';
      import { syncBuiltinESMExports } from 'node:module';
      let calls = 0;
      const isIPv6 = net.isIPv6;
      net.isIPv6 = (text) => { calls += 1; return isIPv6(text); };
      // isIP runs the same check inside node:net on anything that is not IPv4.
      const isIP = net.isIP;
      net.isIP = (text) => { if (!net.isIPv4(text)) calls += 1; return isIP(text); };
      syncBuiltinESMExports();
      const { classifyAddress } = await import(${JSON.stringify(pathToFileURL(address).href)});
      classifyAddress('127.0.0.1', []);
      const { parseCidr, parseAddress } = await import(${JSON.stringify(pathToFileURL(cidr).href)});
      parseCidr('10.0.0.0/8');
      parseAddress('10.1.2.3');
      const { parseDnsServer } = await import(${JSON.stringify(pathToFileURL(server).href)});
      parseDnsServer('10.0.0.4');
      parseDnsServer('10.0.0.4:53');
      const { parseTarget } = await import(${JSON.stringify(pathToFileURL(targets).href)});
      parseTarget('https://ml.contoso.example/');
      parseTarget('tcp://10.0.0.4:443');
      parseTarget('dns://name.example');
      console.log(calls);
    `;
    assert.equal(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim(), '0');
  });
});

test('ipVersion answers what node:net isIP answers', () => {
  for (const text of ['10.0.0.4', '255.255.255.255', '1.2.3', '01.2.3.4', '::', '::1', 'fe80::1%eth0', 'fd00::53', '::ffff:10.0.0.1', '1.2.3.4:53', '[::1]', 'name.example', 'a:b', '', ' 10.0.0.4']) {
    assert.equal(ipVersion(text), isIP(text), text);
  }
});
