// The config file: good fixtures convert to the expected endpoints and settings; each bad fixture
// (test/fixtures/configs/bad/) holds one kind of mistake and must be reported at file:line:col with
// the words that tell the user how to fix it.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../src/errors.js';
import { ConfigError, MAX_LISTED_PROBLEMS } from '../src/plan/config-errors.js';
import { packageRoot } from '../src/package-root.js';
import { loadConfig, parseConfig } from '../src/plan/config.js';
import { TARGET_SCHEMES } from '../src/plan/targets.js';
import type { Endpoint } from '../src/model/endpoint.js';

const root = packageRoot();
const fixtures = join(root, 'test', 'fixtures', 'configs');
const good = (name: string) => join(fixtures, 'good', name);
const bad = (name: string) => join(fixtures, 'bad', name);

/** Loads a config that must fail and returns its ConfigError. */
function configError(path: string): ConfigError {
  try {
    loadConfig(path);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.ok(error instanceof UsageError, 'a ConfigError is a UsageError (exit code 2)');
    return error;
  }
  assert.fail(`${path} loaded without error`);
}

describe('shipped examples', () => {
  for (const name of ['example.yaml', 'minimal.yaml']) {
    test(`config/${name} loads without error`, () => {
      const loaded = loadConfig(join(root, 'config', name));
      assert.ok(loaded.scenarios.length > 0, 'the example names at least one scenario');
      assert.ok(loaded.profile.region !== undefined, 'the example names the region');
    });
  }
  test('example.yaml shows every key of the schema', () => {
    const schema = JSON.parse(readFileSync(join(root, 'config', 'amlprobe.schema.json'), 'utf8')) as unknown;
    const example = readFileSync(join(root, 'config', 'example.yaml'), 'utf8');
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const props = (node as { properties?: Record<string, unknown> }).properties;
      for (const [key, child] of Object.entries(props ?? {})) {
        keys.add(key);
        walk(child);
      }
      walk((node as { items?: unknown }).items);
    };
    walk(schema);
    const missing = [...keys].filter((key) => !new RegExp(`^\\s*(- )?${key}:`, 'm').test(example));
    assert.deepEqual(missing, [], 'keys of the schema that config/example.yaml does not show');
  });
  test('the schema\'s target description and the README name every scheme a target may have', () => {
    const schema = readFileSync(join(root, 'config', 'amlprobe.schema.json'), 'utf8');
    const description = /"target": \{[^}]*?"description": "([^"]*)"/.exec(schema)?.[1] ?? '';
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const targets = /Targets for `check`:([^]*?)\n\n/.exec(readme)?.[1] ?? '';
    // "http(s)://" and "ws(s)://" name two schemes each, as the texts write them.
    const named = (text: string, scheme: string): boolean =>
      text.includes(`${scheme}://`) || text.includes(`${scheme}(s)://`) || (scheme.endsWith('s') && text.includes(`${scheme.slice(0, -1)}(s)://`));
    assert.ok(description.length > 0 && targets.length > 0);
    for (const scheme of TARGET_SCHEMES) {
      assert.ok(named(description, scheme), `the schema's target description lacks ${scheme}://`);
      assert.ok(named(targets, scheme), `the README's targets lack ${scheme}://`);
    }
  });
});

describe('good config: every value converted', () => {
  const loaded = loadConfig(good('full.yaml'));
  const byId = new Map(loaded.endpoints.map((e) => [e.id, e]));
  const pick = (id: string): Endpoint => {
    const endpoint = byId.get(id);
    assert.ok(endpoint, `endpoint ${id} (have: ${[...byId.keys()].join(', ')})`);
    return endpoint;
  };

  test('settings', () => {
    assert.deepEqual(loaded.settings, {
      timeoutMs: 800,
      deadlineMs: 60_000,
      concurrency: 16,
      dnsServers: ['127.0.0.1:5353', '[::1]:5353', '::1'],
      dnsServersExplicit: true,
      systemResolver: false,
      privateCidrs: ['172.30.0.0/16', 'fd00:1::/48'],
      allAddresses: true,
      expectPrivate: true,
    });
  });
  test('caFiles are resolved against the config file directory', () => {
    assert.deepEqual(loaded.caFiles, [resolve(fixtures, 'good', 'certs/root.pem'), '/etc/ssl/extra.pem']);
  });
  test('workspace profile', () => {
    assert.deepEqual(loaded.profile, {
      cloud: 'china',
      region: 'chinaeast2',
      workspaceName: 'contoso_ml',
      workspaceId: '0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      storageAccounts: ['contosoa', 'contosob'],
      keyVault: 'contoso-kv',
      containerRegistry: 'contosoacr',
      computeInstance: 'ci-01',
      registries: [{ name: 'shared-registry', region: 'chinanorth3', id: 'ffffffff-0000-1111-2222-333333333333' }, { name: 'other' }],
      privateEndpoints: true,
    });
  });
  test('scenarios and path', () => {
    assert.deepEqual(loaded.scenarios, ['compute-no-public-ip', 'studio']);
    assert.equal(loaded.path, good('full.yaml'));
  });
  test('endpoints keep file order and get the normalized target as default id', () => {
    assert.deepEqual(
      loaded.endpoints.map((e) => e.id),
      [
        'storage-blob',
        'tcp://10.0.0.5:445',
        'udp://[fd00::53]:53',
        'udp://ntp.contoso.com:123',
        'udp://syslog.contoso.com:514',
        'wss://contoso.api.azureml.ms:443/ws?x=1',
        'dns://contoso.vault.azure.net',
      ],
    );
  });
  test('explicit id, expectations (IPv6 canonical), meta and label', () => {
    const blob = pick('storage-blob');
    assert.equal(blob.protocol, 'https');
    assert.equal(blob.host, 'contoso.privatelink.blob.core.windows.net');
    assert.equal(blob.port, 443);
    assert.equal(blob.path, '/');
    assert.equal(blob.required, true);
    assert.deepEqual(blob.expect, { private: true, privateSource: 'config', addresses: ['10.0.0.7', 'fd00::7'], httpStatus: [200, 403] });
    assert.deepEqual(blob.meta, { purpose: 'default datastore', remediation: 'add the A record' });
    assert.equal(blob.label, 'HTTPS://Contoso.Privatelink.Blob.Core.Windows.Net./');
  });
  test('YAML anchors and aliases are followed', () => {
    assert.deepEqual(pick('wss://contoso.api.azureml.ms:443/ws?x=1').expect, pick('storage-blob').expect);
  });
  test('bare host:port is tcp; required: false is kept', () => {
    const smb = pick('tcp://10.0.0.5:445');
    assert.equal(smb.protocol, 'tcp');
    assert.equal(smb.required, false);
    assert.deepEqual(smb.expect, {});
    assert.equal(smb.meta, undefined);
  });
  test('udp payloads: hex (spaces allowed), text, base64; udpReply', () => {
    const dns = pick('udp://[fd00::53]:53');
    assert.deepEqual(dns.udpPayload, Buffer.from([0x00, 0x01, 0xff]));
    assert.deepEqual(dns.expect, { udpReply: true });
    assert.deepEqual(pick('udp://ntp.contoso.com:123').udpPayload, Buffer.from('hello'));
    assert.deepEqual(pick('udp://syslog.contoso.com:514').udpPayload, Buffer.from([0x00, 0x01, 0xff]));
  });
  test('an endpoint without udpPayload leaves it undefined (the default applies later)', () => {
    assert.equal(pick('dns://contoso.vault.azure.net').udpPayload, undefined);
    assert.equal(pick('dns://contoso.vault.azure.net').port, 0);
  });
  test('a config with only a version is valid and empty', () => {
    assert.deepEqual(loadConfig(good('only-version.yaml')), {
      settings: {},
      endpoints: [],
      profile: {},
      scenarios: [],
      caFiles: [],
      path: good('only-version.yaml'),
    });
  });
});

describe('bad config: one fixture per mistake, reported at file:line:col', () => {
  const cases: { file: string; at: string; error: RegExp }[] = [
    { file: 'unknown-settings-key.yaml', at: '4:3', error: /unknown key 'dnsServer' in settings; did you mean 'dnsServers'\?/ },
    { file: 'unknown-top-key.yaml', at: '2:1', error: /unknown key 'endpoint' at the top level; did you mean 'endpoints'\?/ },
    { file: 'unknown-endpoint-key.yaml', at: '4:5', error: /unknown key 'requried' in endpoints\[0\]; did you mean 'required'\?/ },
    { file: 'unknown-key-no-suggestion.yaml', at: '3:3', error: /unknown key 'subscription' in workspace; known keys: cloud, region, / },
    // The misspelt key alone is reported, not also "missing 'target'".
    { file: 'misspelt-required-key.yaml', at: '3:5', error: /unknown key 'traget' in endpoints\[0\]; did you mean 'target'\?$/ },
    { file: 'missing-target.yaml', at: '3:5', error: /endpoints\[0\] is missing the key 'target'/ },
    { file: 'not-a-list.yaml', at: '3:15', error: /settings\.dnsServers must be a list of strings, not the text '10\.0\.0\.4'; write a list, e\.g\. \["10\.0\.0\.4"\]/ },
    { file: 'list-of-numbers.yaml', at: '2:21', error: /scenarios\[1\] must be a string, not the number 3/ },
    { file: 'yes-not-boolean.yaml', at: '3:19', error: /settings\.systemResolver must be true or false, not the text 'yes'; YAML 1\.2 reads yes\/no\/on\/off as text/ },
    { file: 'endpoint-as-string.yaml', at: '3:5', error: /endpoints\[0\] must be a mapping .*; write '- target: https:\/\/ml\.azure\.com\/'/ },
    { file: 'empty-section.yaml', at: '2:10', error: /settings must be a mapping \(key: value lines\), not empty; add keys under it or remove it/ },
    { file: 'top-level-list.yaml', at: '1:1', error: /the file must be a mapping \(key: value lines\), not a list/ },
    { file: 'bad-duration-text.yaml', at: '3:12', error: /settings\.timeout must be a duration with its unit, such as 800ms, 3s or 1m, not '3 seconds'/ },
    { file: 'bare-number-duration.yaml', at: '3:12', error: /settings\.timeout must be a duration with its unit, .* not the number 3; a number alone has no unit: did you mean 3s \(3000ms\) or 3ms\?/ },
    { file: 'bare-number-text-duration.yaml', at: '3:13', error: /settings\.deadline must be a duration with its unit, .* not '3000'; a number alone has no unit: did you mean 3000s \(3000000ms\) or 3000ms\?/ },
    { file: 'negative-duration.yaml', at: '3:12', error: /settings\.timeout must be a duration with its unit, .* not '-1s'/ },
    { file: 'bad-duration-zero.yaml', at: '3:13', error: /settings\.deadline '0s': must be more than 0/ },
    { file: 'bad-duration-float.yaml', at: '3:12', error: /settings\.timeout must be a duration .* not the number 2\.5/ },
    { file: 'concurrency-zero.yaml', at: '3:16', error: /settings\.concurrency must be at least 1, not 0/ },
    { file: 'bad-cidr.yaml', at: '3:33', error: /settings\.privateCidrs\[1\] '10\.1\.2\.3\/8': host bits are set after \/8; did you mean 10\.0\.0\.0\/8\?/ },
    { file: 'bad-cidr-prefix.yaml', at: '4:7', error: /settings\.privateCidrs\[0\] '10\.0\.0\.0\/33': prefix length must be 0-32/ },
    { file: 'bad-dns-server.yaml', at: '5:7', error: /settings\.dnsServers\[1\] 'dns\.contoso\.com': .*not an IP address/ },
    { file: 'bad-target-scheme.yaml', at: '3:13', error: /endpoints\[0\]\.target 'ftp:\/\/files\.contoso\.com': unknown scheme 'ftp'; use one of dns, tcp/ },
    { file: 'bad-target-port.yaml', at: '3:13', error: /endpoints\[0\]\.target 'tcp:\/\/10\.0\.0\.5:70000': port 70000 is out of range 1-65535/ },
    { file: 'bad-target-no-port.yaml', at: '3:13', error: /udp:\/\/ needs a port, e\.g\. udp:\/\/10\.0\.0\.4:443/ },
    { file: 'bad-target-host.yaml', at: '3:13', error: /label 'contoso-' ends with a hyphen/ },
    { file: 'duplicate-id.yaml', at: '6:9', error: /endpoints\[1\]\.id 'web' is already used by endpoints\[0\]; ids must be unique/ },
    { file: 'duplicate-target.yaml', at: '4:13', error: /endpoints\[1\] probes the same target as endpoints\[0\] \('https:\/\/ml\.azure\.com:443\/'\)/ },
    { file: 'version-two.yaml', at: '1:10', error: /version must be 1 \(the only config format so far\), not the number 2/ },
    { file: 'version-string.yaml', at: '1:10', error: /version must be 1 .*not the text '1'/ },
    { file: 'missing-version.yaml', at: '1:1', error: /missing 'version: 1' at the top of the file/ },
    { file: 'empty.yaml', at: '1:1', error: /the file is empty; it needs at least 'version: 1'/ },
    { file: 'yaml-syntax.yaml', at: '3:1', error: /YAML: Flow sequence .* end with a \]/ },
    { file: 'yaml-duplicate-key.yaml', at: '4:3', error: /the key 'timeout' appears twice in the same mapping/ },
    { file: 'yaml-multiple-docs.yaml', at: '2:1', error: /more than one YAML document \(a '---' line\)/ },
    { file: 'yaml-tab.yaml', at: '3:1', error: /a tab is used for indentation; YAML indents with spaces only/ },
    { file: 'bad-cloud.yaml', at: '3:10', error: /workspace\.cloud must be one of public, china, usgov, not 'pubic'; did you mean 'public'\?/ },
    { file: 'bad-storage-name.yaml', at: '4:7', error: /workspace\.storageAccounts\[0\] must be a storage account name: .*without '\.blob\.core\.windows\.net'/ },
    { file: 'bad-workspace-id.yaml', at: '3:16', error: /workspace\.workspaceId must be a GUID .*not the resource ID/ },
    { file: 'duplicate-scenario.yaml', at: '4:5', error: /scenarios lists the text 'studio' twice \(as \[0\] and \[1\]\); remove one/ },
    { file: 'http-status-on-tcp.yaml', at: '5:19', error: /endpoints\[0\]\.expect\.httpStatus applies only to http, https, ws and wss targets, not tcp:\/\// },
    { file: 'http-status-range.yaml', at: '5:25', error: /endpoints\[0\]\.expect\.httpStatus\[1\] must be at most 599, not 999/ },
    { file: 'udp-reply-on-https.yaml', at: '5:17', error: /endpoints\[0\]\.expect\.udpReply applies only to udp:\/\/ targets, not https:\/\// },
    { file: 'udp-payload-on-tcp.yaml', at: '4:17', error: /endpoints\[0\]\.udpPayload applies only to udp:\/\/ targets, not tcp:\/\// },
    { file: 'udp-payload-odd-hex.yaml', at: '4:17', error: /udpPayload 'hex:abc': hex: takes pairs of hex digits/ },
    { file: 'udp-payload-no-prefix.yaml', at: '4:17', error: /udpPayload must be a payload starting with hex:, text: or base64:/ },
    { file: 'bad-expect-address.yaml', at: '5:29', error: /endpoints\[0\]\.expect\.addresses\[1\] '10\.0\.0\.300' is not an IP address/ },
  ];
  for (const { file, at, error } of cases) {
    test(file, () => {
      const thrown = configError(bad(file));
      assert.equal(thrown.problems.length, 1, `exactly one problem:\n${thrown.message}`);
      const [line, col] = at.split(':').map(Number);
      assert.deepEqual({ line: thrown.problems[0]?.line, col: thrown.problems[0]?.col }, { line, col });
      // The message starts with the position, as the user named the file, then says what is wrong.
      assert.ok(thrown.message.startsWith(`${bad(file)}:${at}: `), thrown.message);
      assert.match(thrown.message, error);
    });
  }

  test('several problems are all reported, in file order, under one heading', () => {
    const thrown = configError(bad('several-problems.yaml'));
    const lines = thrown.message.split('\n');
    assert.equal(lines[0], `config file '${bad('several-problems.yaml')}' has 3 problems:`);
    assert.match(lines[1] ?? '', /several-problems\.yaml:3:3: unknown key 'timout' in settings; did you mean 'timeout'\?/);
    assert.match(lines[2] ?? '', /several-problems\.yaml:4:16: settings\.concurrency must be a whole number, not the text 'many'/);
    assert.match(lines[3] ?? '', /several-problems\.yaml:6:13: endpoints\[0\]\.target 'ftp:\/\/x': unknown scheme 'ftp'/);
  });

  test(`at most ${MAX_LISTED_PROBLEMS} problems are listed, then a count of the rest`, () => {
    const thrown = configError(bad('many-problems.yaml'));
    assert.equal(thrown.problems.length, 12);
    const lines = thrown.message.split('\n');
    assert.equal(lines.length, 1 + MAX_LISTED_PROBLEMS + 1);
    assert.equal(lines.at(-1), '... and 2 more problems');
  });
});

describe('unreadable config files', () => {
  test('a missing file names the file and says so', () => {
    assert.throws(
      () => loadConfig('no-such-amlprobe-config.yaml'),
      (error: unknown) =>
        error instanceof UsageError &&
        /^cannot read config file 'no-such-amlprobe-config\.yaml': no such file \(looked for \/.*no-such-amlprobe-config\.yaml\)$/.test(error.message),
    );
  });
  test('a directory is not a config file', () => {
    assert.throws(() => loadConfig(fixtures), (error: unknown) => error instanceof UsageError && /it is a directory, not a file/.test(error.message));
  });
  test('an alias bomb is refused with a message, not an out-of-memory', () => {
    const lines = ['version: 1', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const thrown = (() => {
      try {
        parseConfig(lines.join('\n'), 'bomb.yaml');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    assert.ok(thrown instanceof ConfigError);
    assert.match(thrown.message, /^bomb\.yaml:1:1: YAML: .*alias/i);
  });
  test('relative caFiles resolve against the config directory, not the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-config-'));
    try {
      const file = join(dir, 'amlprobe.yaml');
      writeFileSync(file, 'version: 1\nsettings:\n  caFiles: [root.pem, ../shared/root2.pem]\n');
      assert.deepEqual(loadConfig(file).caFiles, [join(dir, 'root.pem'), resolve(dir, '..', 'shared', 'root2.pem')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
