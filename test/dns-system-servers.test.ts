// Where the system's DNS servers and hosts file come from on each platform, with the platform
// injected (no Windows machine here): resolv.conf on Linux, dns.getServers() on Windows (c-ares
// reads the adapters' servers there), and %SystemRoot%\System32\drivers\etc\hosts.

import assert from 'node:assert/strict';
import dns from 'node:dns';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hostsFilePath } from '../src/dns/hosts-file.js';
import { systemDnsServers } from '../src/dns/system-servers.js';

const cannotCall = (): string[] => {
  throw new Error('dns.getServers must not be asked here');
};

describe('systemDnsServers', () => {
  it('Linux reads resolv.conf (AMLPROBE_RESOLV_CONF), never dns.getServers', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-sysdns-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, 'nameserver 10.1.0.4\nnameserver fd00::53\n');
    assert.deepEqual(systemDnsServers({ platform: 'linux', env: { AMLPROBE_RESOLV_CONF: file }, getServers: cannotCall }), ['10.1.0.4', 'fd00::53']);
    assert.deepEqual(systemDnsServers({ platform: 'linux', env: { AMLPROBE_RESOLV_CONF: join(dir, 'missing') }, getServers: cannotCall }), []);
  });

  const windows: { case: string; servers: string[]; expected: string[] }[] = [
    { case: 'two adapters, plain addresses', servers: ['10.1.0.4', '168.63.129.16'], expected: ['10.1.0.4', '168.63.129.16'] },
    { case: 'ports and IPv6 as c-ares writes them', servers: ['10.1.0.5:5353', 'fd00::53', '[fd00::54]:5353'], expected: ['10.1.0.5:5353', 'fd00::53', '[fd00::54]:5353'] },
    { case: 'a zone id is dropped', servers: ['fe80::1%12', '[fe80::2%eth0]:53'], expected: ['fe80::1', '[fe80::2]:53'] },
    { case: 'junk is skipped, not fatal', servers: ['', 'dns.contoso.com', '10.1.0.4:99999', '10.1.0.6'], expected: ['10.1.0.6'] },
    { case: 'no server configured', servers: [], expected: [] },
  ];
  for (const c of windows) {
    it(`Windows: dns.getServers(), ${c.case}`, () => {
      assert.deepEqual(systemDnsServers({ platform: 'win32', env: {}, getServers: () => c.servers }), c.expected);
    });
  }

  it('Windows, default: the real dns.getServers() of this process', (t) => {
    const before = dns.getServers();
    t.after(() => dns.setServers(before));
    dns.setServers(['10.9.8.7', '[fd00::53]:5353']);
    assert.deepEqual(systemDnsServers({ platform: 'win32', env: {} }), ['10.9.8.7', '[fd00::53]:5353']);
  });

  it('Windows honours AMLPROBE_RESOLV_CONF too (the tests pin every platform to loopback with it)', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-sysdns-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, 'nameserver 127.0.0.1\n');
    assert.deepEqual(systemDnsServers({ platform: 'win32', env: { AMLPROBE_RESOLV_CONF: file }, getServers: cannotCall }), ['127.0.0.1']);
  });
});

describe('hostsFilePath', () => {
  const cases: { case: string; platform: NodeJS.Platform; env: NodeJS.ProcessEnv; expected: string }[] = [
    { case: 'Linux', platform: 'linux', env: { SystemRoot: 'C:\\Windows' }, expected: '/etc/hosts' },
    { case: 'macOS', platform: 'darwin', env: {}, expected: '/etc/hosts' },
    { case: 'Windows, SystemRoot set', platform: 'win32', env: { SystemRoot: 'D:\\WINNT' }, expected: 'D:\\WINNT\\System32\\drivers\\etc\\hosts' },
    { case: 'Windows, SYSTEMROOT in other case, trailing slash', platform: 'win32', env: { SYSTEMROOT: 'C:\\Windows\\' }, expected: 'C:\\Windows\\System32\\drivers\\etc\\hosts' },
    { case: 'Windows, no SystemRoot', platform: 'win32', env: {}, expected: 'C:\\Windows\\System32\\drivers\\etc\\hosts' },
    { case: 'Windows, AMLPROBE_HOSTS_FILE wins', platform: 'win32', env: { SystemRoot: 'C:\\Windows', AMLPROBE_HOSTS_FILE: 'C:\\tmp\\hosts' }, expected: 'C:\\tmp\\hosts' },
  ];
  for (const c of cases) {
    it(c.case, () => assert.equal(hostsFilePath(c.env, c.platform), c.expected));
  }
});
