// A throw-away certificate authority for tests, driven through the `openssl` CLI (OpenSSL 3).
// Why `openssl ca` rather than `openssl x509 -req`: the 3.0 CLI can only set validity dates
// (-startdate/-enddate) through `openssl ca`; `x509 -not_before/-not_after` arrived in 3.4.
// Keys are EC P-256 so that generating a CA and a few leaves costs tens of milliseconds.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A key and certificate, both PEM. */
export interface IssuedCert {
  key: string;
  cert: string;
}

/** What `TestCa.issue` makes: a leaf for these names, optionally outside its validity window. */
export interface IssueOptions {
  /** DNS names or IP literals; each becomes a subjectAltName, the first is also the CN. */
  names: string[];
  /** Valid from two days ago to yesterday. */
  expired?: boolean;
  /** Valid from tomorrow on. */
  notYetValid?: boolean;
}

/** A CA living in a temporary directory until `cleanup` removes it. */
export interface TestCa {
  /** The CA certificate, PEM: give it to a secure context to trust what the CA issues. */
  caCert: string;
  caKey: string;
  /** Issues a server certificate signed by this CA. */
  issue(opts: IssueOptions): Promise<IssuedCert>;
  /** Removes the temporary directory; safe to call twice. */
  cleanup(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Runs openssl in `dir`; on failure the error carries openssl's own stderr. */
async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr.trim() || String(error)}`);
  }
}

/** "DNS:a,IP:127.0.0.1" for the names given. */
function subjectAltNames(names: string[]): string {
  return names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
}

/** Escapes a value for a `-subj` string ("/CN=value"). */
function subjValue(value: string): string {
  return value.replace(/[\\/,+=]/g, (c) => `\\${c}`);
}

/** openssl's GeneralizedTime form: YYYYMMDDHHMMSSZ. */
function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The whole openssl configuration: nothing is read from the system's openssl.cnf. */
function config(dir: string): string {
  return [
    '[ req ]',
    'distinguished_name = req_dn',
    'prompt = no',
    '[ req_dn ]',
    'CN = unused',
    '[ ca_ext ]',
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    '[ ca ]',
    'default_ca = test_ca',
    '[ test_ca ]',
    `dir = ${dir}`,
    'database = $dir/index.txt',
    'new_certs_dir = $dir',
    'serial = $dir/serial',
    'certificate = $dir/ca.pem',
    'private_key = $dir/ca.key',
    'default_md = sha256',
    'default_days = 30',
    'policy = policy_any',
    'unique_subject = no',
    'email_in_dn = no',
    '[ policy_any ]',
    'commonName = supplied',
    'organizationName = optional',
    '',
  ].join('\n');
}

/** The extensions of a leaf; written per certificate because the SANs differ. */
function leafExtensions(names: string[]): string {
  return [
    '[ leaf ]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    `subjectAltName = ${subjectAltNames(names)}`,
    '',
  ].join('\n');
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** Creates a CA with the given common name (organisation "amlprobe test"). */
export async function createTestCa(commonName = 'amlprobe Test CA'): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'amlprobe-ca-'));
  try {
    await writeFile(join(dir, 'openssl.cnf'), config(dir));
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(join(dir, 'serial'), '1000\n');
    await openssl(dir, [
      'req', '-config', 'openssl.cnf', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem',
      '-days', '3650', '-subj', `/CN=${subjValue(commonName)}/O=amlprobe test`, '-extensions', 'ca_ext',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const caCert = await readFile(join(dir, 'ca.pem'), 'utf8');
  const caKey = await readFile(join(dir, 'ca.key'), 'utf8');

  // `openssl ca` keeps a database and a serial file: concurrent issues would race on them.
  let queue: Promise<unknown> = Promise.resolve();
  let count = 0;

  async function issueNow(opts: IssueOptions): Promise<IssuedCert> {
    if (opts.names.length === 0) throw new Error('issue() needs at least one name');
    const n = ++count;
    const now = Date.now();
    let start = new Date(now - DAY_MS);
    let end = new Date(now + 30 * DAY_MS);
    if (opts.expired) {
      start = new Date(now - 2 * DAY_MS);
      end = new Date(now - DAY_MS);
    } else if (opts.notYetValid) {
      start = new Date(now + DAY_MS);
      end = new Date(now + 30 * DAY_MS);
    }
    await writeFile(join(dir, `leaf${n}.ext`), leafExtensions(opts.names));
    await openssl(dir, [
      'req', '-config', 'openssl.cnf', '-new', ...EC_KEY, '-keyout', `leaf${n}.key`, '-out', `leaf${n}.csr`,
      '-subj', `/CN=${subjValue(opts.names[0] ?? '')}/O=amlprobe test`,
    ]);
    await openssl(dir, [
      'ca', '-config', 'openssl.cnf', '-batch', '-notext', '-in', `leaf${n}.csr`, '-out', `leaf${n}.pem`,
      '-startdate', asn1Time(start), '-enddate', asn1Time(end),
      '-extfile', `leaf${n}.ext`, '-extensions', 'leaf',
    ]);
    return {
      key: await readFile(join(dir, `leaf${n}.key`), 'utf8'),
      cert: await readFile(join(dir, `leaf${n}.pem`), 'utf8'),
    };
  }

  return {
    caCert,
    caKey,
    issue(opts) {
      const result = queue.then(() => issueNow(opts));
      queue = result.catch(() => undefined);
      return result;
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A self-signed leaf for these names (not a CA): what an appliance with a default certificate shows. */
export async function createSelfSigned(names: string[]): Promise<IssuedCert> {
  if (names.length === 0) throw new Error('createSelfSigned() needs at least one name');
  const dir = await mkdtemp(join(tmpdir(), 'amlprobe-self-'));
  try {
    await writeFile(join(dir, 'openssl.cnf'), config(dir) + leafExtensions(names).replace('authorityKeyIdentifier = keyid\n', ''));
    await openssl(dir, [
      'req', '-config', 'openssl.cnf', '-x509', ...EC_KEY, '-keyout', 'self.key', '-out', 'self.pem',
      '-days', '30', '-subj', `/CN=${subjValue(names[0] ?? '')}/O=amlprobe test`, '-extensions', 'leaf',
    ]);
    return {
      key: await readFile(join(dir, 'self.key'), 'utf8'),
      cert: await readFile(join(dir, 'self.pem'), 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
