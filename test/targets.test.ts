// Ad hoc targets, durations, host names and "did you mean": pure parsing, tested as tables.
// Error cases assert the part of the message that tells the user what to fix.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../src/errors.js';
import { closestMatch, editDistance } from '../src/did-you-mean.js';
import { MAX_DURATION_MS, parseDuration } from '../src/plan/duration.js';
import { hostNameProblem, normalizeHost } from '../src/plan/host-name.js';
import { formatTarget, parseTarget } from '../src/plan/targets.js';
import type { Endpoint } from '../src/model/endpoint.js';

type Shape = Pick<Endpoint, 'id' | 'protocol' | 'host' | 'port' | 'path'>;

describe('parseTarget: accepted forms', () => {
  const cases: { text: string; want: Shape }[] = [
    { text: 'dns://contoso.vault.azure.net', want: { id: 'dns://contoso.vault.azure.net', protocol: 'dns', host: 'contoso.vault.azure.net', port: 0, path: '' } },
    { text: 'dns://Contoso.Vault.Azure.Net.', want: { id: 'dns://contoso.vault.azure.net', protocol: 'dns', host: 'contoso.vault.azure.net', port: 0, path: '' } },
    { text: 'tcp://10.0.0.5:445', want: { id: 'tcp://10.0.0.5:445', protocol: 'tcp', host: '10.0.0.5', port: 445, path: '' } },
    { text: 'udp://10.0.0.4:53', want: { id: 'udp://10.0.0.4:53', protocol: 'udp', host: '10.0.0.4', port: 53, path: '' } },
    { text: 'tls://login.microsoftonline.com', want: { id: 'tls://login.microsoftonline.com:443', protocol: 'tls', host: 'login.microsoftonline.com', port: 443, path: '' } },
    { text: 'tls://contoso.azurecr.io:8443', want: { id: 'tls://contoso.azurecr.io:8443', protocol: 'tls', host: 'contoso.azurecr.io', port: 8443, path: '' } },
    { text: 'http://contoso.com', want: { id: 'http://contoso.com:80/', protocol: 'http', host: 'contoso.com', port: 80, path: '/' } },
    { text: 'https://ml.azure.com', want: { id: 'https://ml.azure.com:443/', protocol: 'https', host: 'ml.azure.com', port: 443, path: '/' } },
    { text: 'https://ml.azure.com/', want: { id: 'https://ml.azure.com:443/', protocol: 'https', host: 'ml.azure.com', port: 443, path: '/' } },
    { text: 'HTTPS://ML.Azure.COM.:443/', want: { id: 'https://ml.azure.com:443/', protocol: 'https', host: 'ml.azure.com', port: 443, path: '/' } },
    { text: 'https://eastus.api.azureml.ms:8443/mlflow/v1.0?x=1', want: { id: 'https://eastus.api.azureml.ms:8443/mlflow/v1.0?x=1', protocol: 'https', host: 'eastus.api.azureml.ms', port: 8443, path: '/mlflow/v1.0?x=1' } },
    { text: 'https://contoso.com?probe=1', want: { id: 'https://contoso.com:443/?probe=1', protocol: 'https', host: 'contoso.com', port: 443, path: '/?probe=1' } },
    { text: 'ws://127.0.0.1:8080/socket', want: { id: 'ws://127.0.0.1:8080/socket', protocol: 'ws', host: '127.0.0.1', port: 8080, path: '/socket' } },
    { text: 'ws://localhost', want: { id: 'ws://localhost:80/', protocol: 'ws', host: 'localhost', port: 80, path: '/' } },
    { text: 'wss://contoso.instances.azureml.ms/ws', want: { id: 'wss://contoso.instances.azureml.ms:443/ws', protocol: 'wss', host: 'contoso.instances.azureml.ms', port: 443, path: '/ws' } },
    { text: 'contoso.blob.core.windows.net:443', want: { id: 'tcp://contoso.blob.core.windows.net:443', protocol: 'tcp', host: 'contoso.blob.core.windows.net', port: 443, path: '' } },
    { text: '  10.0.0.5:22  ', want: { id: 'tcp://10.0.0.5:22', protocol: 'tcp', host: '10.0.0.5', port: 22, path: '' } },
    { text: '[fd00::5]:443', want: { id: 'tcp://[fd00::5]:443', protocol: 'tcp', host: 'fd00::5', port: 443, path: '' } },
    { text: 'tcp://[FD00:0:0::5]:443', want: { id: 'tcp://[fd00::5]:443', protocol: 'tcp', host: 'fd00::5', port: 443, path: '' } },
    { text: 'https://[::1]/health', want: { id: 'https://[::1]:443/health', protocol: 'https', host: '::1', port: 443, path: '/health' } },
    { text: 'udp://[fd00::53]:53', want: { id: 'udp://[fd00::53]:53', protocol: 'udp', host: 'fd00::53', port: 53, path: '' } },
    // A copied URL's lone trailing slash means nothing for tcp and is dropped.
    { text: 'tcp://10.0.0.5:443/', want: { id: 'tcp://10.0.0.5:443', protocol: 'tcp', host: '10.0.0.5', port: 443, path: '' } },
    { text: 'tcp://_sip._tcp.contoso.com:5060', want: { id: 'tcp://_sip._tcp.contoso.com:5060', protocol: 'tcp', host: '_sip._tcp.contoso.com', port: 5060, path: '' } },
    { text: 'tcp://x:0065535', want: { id: 'tcp://x:65535', protocol: 'tcp', host: 'x', port: 65535, path: '' } },
  ];
  for (const { text, want } of cases) {
    test(text.trim(), () => {
      const endpoint = parseTarget(text);
      assert.deepEqual(
        { id: endpoint.id, protocol: endpoint.protocol, host: endpoint.host, port: endpoint.port, path: endpoint.path },
        want,
      );
      assert.equal(endpoint.label, text.trim());
      assert.equal(endpoint.udpPayload, undefined);
      // The id is a target itself and parses back to the same endpoint.
      assert.equal(parseTarget(endpoint.id).id, endpoint.id);
      assert.equal(formatTarget(endpoint), endpoint.id);
    });
  }
});

describe('parseTarget: defaults', () => {
  test('required defaults to true, expect to nothing', () => {
    const endpoint = parseTarget('tcp://10.0.0.5:443');
    assert.equal(endpoint.required, true);
    assert.deepEqual(endpoint.expect, {});
  });
  test('required and expectPrivate are taken from the defaults', () => {
    const endpoint = parseTarget('https://ml.azure.com/', { required: false, expectPrivate: true });
    assert.equal(endpoint.required, false);
    assert.deepEqual(endpoint.expect, { private: true });
  });
  test('expectPrivate false adds no expectation', () => {
    assert.deepEqual(parseTarget('dns://x.contoso.com', { expectPrivate: false }).expect, {});
  });
});

describe('parseTarget: errors say what is wrong and how to fix it', () => {
  const cases: { text: string; error: RegExp }[] = [
    { text: '', error: /empty target; write e\.g\. https:\/\/ml\.azure\.com\// },
    { text: 'ftp://x', error: /^'ftp:\/\/x': unknown scheme 'ftp'; use one of dns, tcp, udp, tls, http, https, ws, wss, smb$/ },
    { text: 'htps://ml.azure.com', error: /unknown scheme 'htps'; did you mean 'https'\?/ },
    { text: 'https:ml.azure.com', error: /write 'https:\/\/ml\.azure\.com' \(two slashes after the scheme\)/ },
    { text: 'ml.azure.com', error: /no scheme and no port; write host:port for TCP \(e\.g\. ml\.azure\.com:443\)/ },
    { text: 'tcp://10.0.0.5', error: /tcp:\/\/ needs a port, e\.g\. tcp:\/\/10\.0\.0\.5:443/ },
    { text: 'udp://10.0.0.4', error: /udp:\/\/ needs a port/ },
    { text: 'tcp://10.0.0.5:', error: /the port after ':' is empty/ },
    { text: 'tcp://10.0.0.5:https', error: /port 'https' is not a number/ },
    { text: 'tcp://10.0.0.5:70000', error: /port 70000 is out of range 1-65535/ },
    { text: 'tcp://10.0.0.5:0', error: /port 0 is out of range 1-65535/ },
    { text: 'dns://contoso.com:53', error: /a dns:\/\/ target is a name to resolve and takes no port; write dns:\/\/contoso\.com/ },
    { text: 'dns://10.0.0.4', error: /already an address; dns:\/\/ takes a host name.*--dns-server 10\.0\.0\.4/ },
    { text: 'tcp://10.0.0.5:443/health', error: /a tcp:\/\/ target has no path; remove '\/health'/ },
    { text: 'tls://contoso.com/x', error: /a tls:\/\/ target has no path/ },
    { text: 'dns://contoso.com/x', error: /a dns:\/\/ target has no path/ },
    { text: 'https://contoso.com/a b', error: /the path contains a space; percent-encode it as %20/ },
    { text: 'https://contoso.com/#top', error: /the fragment '#top' is never sent to a server; remove it/ },
    { text: 'https://user:pw@contoso.com/', error: /user names and passwords are not supported.*remove everything up to and including the '@'/ },
    { text: 'tcp://fd00::5', error: /put the IPv6 address in brackets: tcp:\/\/\[fd00::5\]:PORT/ },
    { text: 'fd00::5', error: /put the IPv6 address in brackets/ },
    { text: 'tcp://[fd00::5:443', error: /missing '\]' after the IPv6 address/ },
    { text: 'tcp://[10.0.0.5]:443', error: /'10\.0\.0\.5' in brackets is not an IPv6 address/ },
    { text: 'tcp://[fd00::5]443', error: /unexpected '443' after '\]'/ },
    { text: 'tcp://:443', error: /the host is missing/ },
    { text: 'https://contoso-.blob.core.windows.net/', error: /bad host name 'contoso-\.blob\.core\.windows\.net': label 'contoso-' ends with a hyphen/ },
    { text: 'https://-contoso.com/', error: /label '-contoso' starts with a hyphen/ },
    { text: 'https://contoso..com/', error: /empty label \(two dots in a row\)/ },
    { text: 'https://*.blob.core.windows.net/', error: /label '\*' contains '\*' \(wildcards cannot be probed/ },
    { text: 'tcp://con toso.com:1', error: /label 'con toso' contains a space/ },
    { text: `tcp://${'a'.repeat(64)}.com:1`, error: /is 64 characters; a label holds at most 63/ },
    { text: 'tcp://10.0.0.256:1', error: /'10\.0\.0\.256' is not a valid IP address/ },
    { text: 'https://bücher.example/', error: /non-ASCII characters; write it in its ASCII \(punycode\) form: xn--bcher-kva\.example/ },
  ];
  for (const { text, error } of cases) {
    test(text === '' ? '(empty)' : text, () => {
      assert.throws(
        () => parseTarget(text),
        (thrown: unknown) => {
          assert.ok(thrown instanceof UsageError, 'a UsageError (exit code 2)');
          assert.match(thrown.message, error);
          // Every message quotes the target as typed, so a list of targets shows which one is wrong.
          if (text !== '') assert.ok(thrown.message.startsWith(`'${text.trim()}': `), thrown.message);
          return true;
        },
      );
    });
  }
});

describe('hostNameProblem / normalizeHost', () => {
  test(`a name of exactly 253 characters passes, 254 does not`, () => {
    const label = 'a'.repeat(63);
    const name253 = [label, label, label, 'a'.repeat(61)].join('.');
    assert.equal(name253.length, 253);
    assert.equal(hostNameProblem(name253), undefined);
    assert.match(hostNameProblem(`${name253}a`) ?? '', /is 254 characters; a host name holds at most 253/);
  });
  test('underscores are allowed, other punctuation is not', () => {
    assert.equal(hostNameProblem('_acme-challenge.contoso.com'), undefined);
    assert.match(hostNameProblem('contoso!.com') ?? '', /label 'contoso!' contains '!'/);
    assert.match(hostNameProblem('a\tb.com') ?? '', /contains a control character \(U\+0009\)/);
  });
  test('normalizeHost lower-cases, strips the trailing dot and canonicalises IPv6', () => {
    assert.equal(normalizeHost('Contoso.Blob.Core.Windows.Net.'), 'contoso.blob.core.windows.net');
    assert.equal(normalizeHost('FD00:0::5'), 'fd00::5');
    assert.equal(normalizeHost('10.0.0.5'), '10.0.0.5');
  });
  test('normalizeHost names its source in errors', () => {
    assert.throws(() => normalizeHost('a-.com', 'workspace.keyVault'), /^UsageError: workspace\.keyVault 'a-\.com': label 'a-' ends with a hyphen$/);
  });
});

describe('parseDuration', () => {
  const good: { value: string | number; ms: number }[] = [
    { value: '3s', ms: 3000 },
    { value: '800ms', ms: 800 },
    { value: '1m', ms: 60_000 },
    { value: '1.5s', ms: 1500 },
    { value: ' 250 ms ', ms: 250 },
    { value: '0.5ms', ms: 1 },
  ];
  for (const { value, ms } of good) {
    test(`${JSON.stringify(value)} -> ${ms} ms`, () => assert.equal(parseDuration(value), ms));
  }
  const bad: { value: string | number; error: RegExp }[] = [
    { value: '3 sec', error: /^--timeout '3 sec': not a duration; units are ms, s and m/ },
    { value: 'soon', error: /^--timeout 'soon': not a duration; write e\.g\. 800ms, 3s or 1m/ },
    { value: '', error: /not a duration/ },
    { value: '-1s', error: /^--timeout '-1s': a duration cannot be negative/ },
    // A number alone is refused with what it could mean (issue 11, defect 13): 3 was 3 ms before.
    { value: '3', error: /^--timeout '3': a number alone has no unit: did you mean 3s \(3000ms\) or 3ms\?/ },
    { value: ' 500 ', error: /a number alone has no unit: did you mean 500s \(500000ms\) or 500ms\?/ },
    { value: 750, error: /^--timeout '750': a number alone has no unit: did you mean 750s \(750000ms\) or 750ms\?/ },
    { value: '1e3s', error: /not a duration; units are ms, s and m .*written without an exponent/ },
    { value: '0.0001ms', error: /is less than 1 ms/ },
    { value: '1' + '0'.repeat(400) + 's', error: /is too long/ },
    { value: Number.POSITIVE_INFINITY, error: /not a duration/ },
    { value: 'NaN', error: /not a duration/ },
    { value: '0s', error: /must be more than 0/ },
    { value: 0, error: /must be more than 0/ },
    { value: Number.NaN, error: /not a duration/ },
    { value: '1000000m', error: new RegExp(`is too long; the most is ${MAX_DURATION_MS}ms`) },
  ];
  for (const { value, error } of bad) {
    test(`rejects ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => parseDuration(value, '--timeout'),
        (thrown: unknown) => thrown instanceof UsageError && error.test(thrown.message),
      );
    });
  }
});

describe('closestMatch', () => {
  const keys = ['timeout', 'deadline', 'concurrency', 'dnsServers', 'systemResolver', 'privateCidrs'];
  const cases: { word: string; want: string | undefined }[] = [
    { word: 'dnsServer', want: 'dnsServers' },
    { word: 'dns_servers', want: 'dnsServers' },
    { word: 'DNSSERVERS', want: 'dnsServers' },
    { word: 'timout', want: 'timeout' },
    { word: 'tiemout', want: 'timeout' },
    { word: 'concurency', want: 'concurrency' },
    { word: 'colour', want: undefined },
    { word: 'dns', want: undefined },
  ];
  for (const { word, want } of cases) test(`${word} -> ${String(want)}`, () => assert.equal(closestMatch(word, keys), want));
  test('short words match only by case or separators (ftp is not tcp)', () => {
    assert.equal(closestMatch('ftp', ['tcp', 'udp']), undefined);
    assert.equal(closestMatch('TCP', ['tcp', 'udp']), 'tcp');
  });
  test('editDistance counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('tiemout', 'timeout'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });
});
