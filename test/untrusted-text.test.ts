// The untrusted-text functions (src/untrusted/) with nasty inputs: every control and format
// character escaped visibly, long text bounded with a marker, idempotence, every credential shape
// redacted (before any cut), and the texts amlprobe quotes back to the user (config errors,
// targets) never repeating a password.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { LayerResult } from '../src/model/result.js';
import { cleanLayerResult, cleanText, quotePeer } from '../src/untrusted/evidence.js';
import { isPrintable, printable } from '../src/untrusted/printable.js';
import { REDACTED, forgetSecrets, redact, redactTyped, rememberProxyCredentials } from '../src/untrusted/redact.js';
import { describeRun, runCli } from './helpers/cli.js';
import { closedTcpPort } from './helpers/listeners.js';
import { writeConfig } from './helpers/serve-process.js';

const NASTY = [
  { case: 'ANSI colour and title', text: 'a\x1b[31mb\x1b]0;pwned\x07c', shown: 'a\\x1b[31mb\\x1b]0;pwned\\x07c' },
  { case: 'CSI as one C1 byte', text: 'x\u009b2Jy', shown: 'x\\x9b2Jy' },
  { case: 'NUL, DEL, backspace', text: 'a\x00b\x7fc\bd', shown: 'a\\x00b\\x7fc\\x08d' },
  { case: 'line breaks and tab', text: 'one\r\ntwo\tthree', shown: 'one\\r\\ntwo\\tthree' },
  { case: 'bidi override and isolate', text: 'evil\u202etxt.exe\u2066x\u2069', shown: 'evil\\u202etxt.exe\\u2066x\\u2069' },
  { case: 'zero-width, BOM, soft hyphen, separators', text: 'a\u200bb\ufeffc\u00add\u2028e', shown: 'a\\u200bb\\ufeffc\\xadd\\u2028e' },
  { case: 'tag character (astral)', text: 'a\u{e0041}b', shown: 'a\\u{e0041}b' },
  { case: 'lone surrogates', text: 'a\ud800b\udc00c', shown: 'a\\ud800b\\udc00c' },
  { case: 'ordinary Unicode', text: 'café 中文 😀 ✓ →', shown: 'café 中文 😀 ✓ →' },
];

describe('printable', () => {
  for (const c of NASTY) {
    it(`shows ${c.case} visibly`, () => {
      assert.equal(printable(c.text), c.shown);
      assert.ok(isPrintable(printable(c.text)));
      assert.equal(printable(printable(c.text)), printable(c.text), 'idempotent');
    });
  }

  it('bounds long text with a marker saying how much was cut, idempotently', () => {
    const shown = printable('x'.repeat(5000), 100);
    assert.ok(shown.length <= 100, `${shown.length} characters`);
    assert.match(shown, /^x+… \[\d+ more characters\]$/);
    const kept = shown.indexOf('…');
    assert.equal(Number(/\[(\d+) more/.exec(shown)?.[1]), 5000 - kept);
    assert.equal(printable(shown, 100), shown);
  });

  it('never cuts an escape or a surrogate pair in half', () => {
    for (const unit of ['\x1b', '😀', '\u202e']) {
      const shown = printable(unit.repeat(300), 61);
      assert.ok(shown.length <= 61);
      const body = shown.slice(0, shown.indexOf('…'));
      assert.equal(body, printable(unit).repeat(body.length / printable(unit).length));
    }
  });
});

describe('redact', () => {
  afterEach(() => forgetSecrets());
  const basic = Buffer.from('alice:s3cret-pw').toString('base64');
  const CASES = [
    { case: 'Proxy-Authorization header', text: `Proxy-Authorization: Basic ${basic}\r\nHost: x`, shown: `Proxy-Authorization: Basic ${REDACTED}\r\nHost: x` },
    { case: 'Authorization in JSON', text: '{"authorization":"Bearer abc.def-ghi"}', shown: `{"authorization":"Bearer ${REDACTED}"}` },
    { case: 'Authorization without scheme, in parentheses', text: '(Authorization: 0123456789)', shown: `(Authorization: ${REDACTED})` },
    { case: 'a bare Basic credential', text: `saw Basic ${basic} there`, shown: `saw Basic ${REDACTED} there` },
    { case: 'a Basic challenge (not a credential)', text: 'Proxy-Authenticate: Basic realm="squid"', shown: 'Proxy-Authenticate: Basic realm="squid"' },
    { case: 'a Bearer challenge (not a credential)', text: 'WWW-Authenticate: Bearer realm="x"', shown: 'WWW-Authenticate: Bearer realm="x"' },
    { case: 'cookies', text: 'Cookie: session=abc; other=def', shown: `Cookie: ${REDACTED}` },
    { case: 'user:password in a URL', text: 'via http://alice:s3cret@proxy.corp:3128/', shown: `via http://${REDACTED}@proxy.corp:3128/` },
    { case: 'the help text placeholder', text: 'write http://user:password@host:port', shown: 'write http://user:password@host:port' },
    { case: 'a SAS signature', text: 'https://a.blob.core.windows.net/c?sv=2022&sig=abc%2Bdef&se=1', shown: `https://a.blob.core.windows.net/c?sv=2022&sig=${REDACTED}&se=1` },
    { case: 'a connection string', text: 'AccountName=a;AccountKey=abc+/==;EndpointSuffix=x', shown: `AccountName=a;AccountKey=${REDACTED};EndpointSuffix=x` },
    { case: 'a service bus key', text: 'SharedAccessKeyName=r;SharedAccessKey=k3y=', shown: `SharedAccessKeyName=r;SharedAccessKey=${REDACTED}` },
    { case: 'a client secret in a form', text: 'client_id=1&client_secret=abc~def&scope=x', shown: `client_id=1&client_secret=${REDACTED}&scope=x` },
    { case: 'a JWT anywhere', text: 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature_x end', shown: `token ${REDACTED} end` },
    { case: 'a storage account key alone', text: `key ${'A'.repeat(86)}== end`, shown: `key ${REDACTED} end` },
  ];
  for (const c of CASES) {
    it(`removes ${c.case}`, () => {
      assert.equal(redact(c.text), c.shown);
      assert.equal(redact(redact(c.text)), c.shown, 'idempotent');
    });
  }

  it("removes the configured proxy's password in every form it travels in", () => {
    rememberProxyCredentials('alice', 'p@ss word!');
    const forms = ['p@ss word!', encodeURIComponent('p@ss word!'), 'alice:p@ss word!', Buffer.from('alice:p@ss word!').toString('base64')];
    for (const form of forms) assert.equal(redact(`[${form}]`), `[${REDACTED}]`, form);
  });

  it('redactTyped also removes user:password@ written without a scheme, but not e-mail addresses', () => {
    assert.equal(redactTyped("not 'alice:pw@proxy.corp:3128'"), `not '${REDACTED}@proxy.corp:3128'`);
    assert.equal(redactTyped('ask bob@example.com'), 'ask bob@example.com');
  });
});

describe('cleanText, quotePeer and cleanLayerResult', () => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';

  it('redacts before cutting: a bound never leaves half a secret', () => {
    const text = `${'x'.repeat(95)} Authorization: Bearer ${token}`;
    for (const max of [100, 110, 120, 130]) {
      const shown = cleanText(text, max);
      assert.ok(!shown.includes(token.slice(0, 6)), `${max}: ${shown}`);
    }
    const page = `<pre>Proxy-Authorization: Basic ${Buffer.from('alice:0123456789').toString('base64')}</pre>`;
    assert.ok(!quotePeer(page, 40).includes('YWxp'), quotePeer(page, 40));
  });

  it('quotePeer folds white space into single spaces and shows other controls as escapes', () => {
    assert.equal(quotePeer(Buffer.from('HTTP/1.1 400\r\n\x1b[31mbad\x07\u202e  page\r\n')), 'HTTP/1.1 400 \\x1b[31mbad\\x07\\u202e page');
    assert.match(quotePeer('x'.repeat(500)), /^x+… \[\d+ more characters\]$/);
  });

  it('cleans every string of the evidence and keeps its shape', () => {
    const result: LayerResult = {
      layer: 'tls',
      status: 'fail',
      reason: 'tls_untrusted',
      ms: 3,
      message: 'presented CN=evil\x1b]0;x\x07',
      detail: `seen Bearer ${token}`,
      data: { authorized: false, chain: [{ subject: 'CN=a\u202eb', issuer: 'CN=\x9bi', subjectAltNames: ['DNS:\x1b.test'], validFrom: 'v', validTo: 'w', fingerprint256: 'AA' }] },
    };
    const clean = cleanLayerResult(result);
    assert.equal(clean.message, 'presented CN=evil\\x1b]0;x\\x07');
    assert.equal(clean.detail, `seen Bearer ${REDACTED}`);
    assert.deepEqual(clean.data, { authorized: false, chain: [{ subject: 'CN=a\\u202eb', issuer: 'CN=\\x9bi', subjectAltNames: ['DNS:\\x1b.test'], validFrom: 'v', validTo: 'w', fingerprint256: 'AA' }] });
    assert.equal(clean.ms, 3);
  });
});

describe('texts quoted back to the user', () => {
  const PASSWORD = 'Typed-Pr0xy-Secret';
  const BAD = [
    { case: 'a proxy URL of another scheme', value: `ftp://alice:${PASSWORD}@proxy.corp:3128` },
    { case: 'a proxy URL with a space', value: `http://alice:${PASSWORD}@proxy corp:3128` },
    { case: 'a proxy written without a scheme', value: `alice:${PASSWORD}@proxy.corp:3128` },
    { case: 'a value with a terminal escape', value: `none\x1b]0;pwned\x07` },
  ];
  for (const c of BAD) {
    it(`a config error quoting ${c.case} shows no password and no raw escape (exit 2)`, async () => {
      const config = writeConfig(`version: 1\nsettings:\n  proxy: ${JSON.stringify(c.value)}\n`);
      try {
        const run = await runCli(['run', '--config', config.path], { offline: true });
        assert.equal(run.code, 2, describeRun(run));
        assert.match(run.stderr, /settings\.proxy must be/);
        assert.ok(!run.stderr.includes(PASSWORD), run.stderr);
        assert.ok(!/\x1b|\x07/.test(run.stderr), run.stderr);
      } finally {
        config.remove();
      }
    });
  }

  it('an endpoint id with a control character is refused by the schema (exit 2), its escape shown, not sent raw', async () => {
    const config = writeConfig(`version: 1\nendpoints:\n  - target: tcp://127.0.0.1:1\n    id: "ok\\x1b[2Jgone"\n`);
    try {
      const run = await runCli(['run', '--config', config.path], { offline: true });
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, /endpoints\[0\]\.id must be printable text/, describeRun(run));
      assert.ok(!/\x1b/.test(run.stderr), run.stderr);
    } finally {
      config.remove();
    }
  });

  it('a check target that is a SAS URL keeps its signature out of the id, path, label and URL', async () => {
    const port = await closedTcpPort();
    const run = await runCli(['check', `http://127.0.0.1:${port}/c/b?sv=2022-11-02&sig=Typed-Sas-Sig`, '--no-system-resolver', '--timeout', '1s', '--format', 'json']);
    assert.equal(run.code, 1, describeRun(run));
    assert.ok(!run.stdout.includes('Typed-Sas-Sig') && !run.stderr.includes('Typed-Sas-Sig'), run.stdout);
    assert.match(run.stdout, /sig=\[REDACTED\]/);
  });

  it('a proxy password that is not valid percent-encoding is used and hidden, not a crash', async () => {
    const port = await closedTcpPort();
    const run = await runCli(['check', `http://127.0.0.1:${port}/`, '--proxy', `http://alice:%zz${PASSWORD}@127.0.0.1:${port}`, '--no-system-resolver', '--timeout', '1s', '--format', 'json']);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stdout, /proxy_unreachable/);
    assert.ok(!run.stdout.includes(PASSWORD) && !run.stderr.includes(PASSWORD), describeRun(run));
  });

  it('a check target with user:password is refused without repeating them', async () => {
    const run = await runCli(['check', `https://alice:${PASSWORD}@contoso.com/`], { offline: true });
    assert.equal(run.code, 2, describeRun(run));
    assert.ok(!run.stderr.includes(PASSWORD), run.stderr);
  });
});
