// Peers that plant secrets and terminal escapes in what amlprobe records, for the untrusted-text
// tests: a forward proxy that echoes the request (Proxy-Authorization included) in its status
// line, headers and page as it refuses with 407, 403 or 502; a web server whose headers carry a
// bearer token, a SAS signature, a storage key and ESC/BEL; a certificate whose subject, issuer and
// SAN hold ESC, BEL and C1 bytes; a DNS zone whose CNAME target has control bytes. Loopback only.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Zone } from './dns-server.js';

const run = promisify(execFile);

/** The proxy password planted everywhere; the tests look for it (plain and base64) in every output. */
export const PROXY_USER = 'alice';
export const PROXY_PASSWORD = 'Pl4nted-Proxy-Pass';
/** "Basic ..." value amlprobe sends for the planted credentials. */
export const PROXY_BASIC = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
/** A JWT-shaped bearer token, a SAS signature and a storage account key the web server plants. */
export const PLANTED_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ';
export const PLANTED_SIG = 'PlantedSasSignature0123';
export const PLANTED_ACCOUNT_KEY = `${'PlantedAccountKey0'.repeat(5).slice(0, 86)}==`;
/** Every secret a test must never find in an output. */
export const PLANTED_SECRETS: readonly string[] = [PROXY_PASSWORD, PROXY_BASIC, PLANTED_JWT, PLANTED_SIG, PLANTED_ACCOUNT_KEY];

/** What a terminal title change and a colour change look like on the wire. */
const ESC_TITLE = '\x1b]0;pwned\x07';
const ESC_RED = '\x1b[31m';

/** Characters that must never reach an output raw: C0 controls but tab and line breaks, DEL, C1, bidi controls. */
export const RAW_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Names of the hostile zone (all under .test) and where they lead. */
export const HOSTILE = {
  cname: 'alias.hostile.test',
  cnameTarget: `evil${ESC_TITLE}\u202e.hostile.test`,
  web: 'web.hostile.test',
  tls: 'cert.hostile.test',
  proxied407: 'auth.hostile.test',
  proxied403: 'deny.hostile.test',
  proxied502: 'gone.hostile.test',
} as const;

/** The DNS zone: every name on 127.0.0.1, one through a CNAME whose target carries ESC, BEL and a bidi override. */
export function hostileZone(): Zone {
  return {
    [HOSTILE.cname]: { kind: 'cname', target: HOSTILE.cnameTarget },
    [HOSTILE.cnameTarget.toLowerCase()]: { kind: 'records', a: ['127.0.0.1'] },
    [HOSTILE.web]: { kind: 'records', a: ['127.0.0.1'] },
    [HOSTILE.tls]: { kind: 'records', a: ['127.0.0.1'] },
  };
}

/** A running server on 127.0.0.1. */
export interface HostileServer {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Calls `then` with the request head once the blank line after it arrived. */
function onHead(socket: Socket, then: (head: string) => void): void {
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    if (buffered.includes('\r\n\r\n')) return;
    buffered += chunk.toString('latin1');
    if (buffered.includes('\r\n\r\n')) then(buffered.slice(0, buffered.indexOf('\r\n\r\n')));
  });
}

/** The refusal the echo proxy gives each target host, as squid, a 407-wanting proxy and a 502 gateway would. */
const REFUSALS: Record<string, string> = {
  [HOSTILE.proxied407]: '407 Proxy Authentication Required',
  [HOSTILE.proxied403]: '403 Forbidden',
  [HOSTILE.proxied502]: '502 Bad Gateway',
};

/**
 * A forward proxy that refuses every CONNECT and echoes the request everywhere it can: the
 * Proxy-Authorization value in its status line and Proxy-Agent header, the whole request head
 * (and the credentials decoded) in its page, ESC and BEL around them.
 */
export async function startEchoProxy(): Promise<HostileServer> {
  const server = createServer((socket) => {
    onHead(socket, (head) => {
      const target = /^CONNECT ([^:\s]+):/.exec(head)?.[1] ?? '';
      const refusal = REFUSALS[target] ?? '403 Forbidden';
      const auth = /^proxy-authorization: *(.*)$/im.exec(head)?.[1] ?? '';
      const decoded = Buffer.from(auth.replace(/^Basic /i, ''), 'base64').toString('latin1');
      // The echo comes first: amlprobe quotes only the start of a page, and that is where it must be scrubbed.
      const body = `${ESC_RED}Decoded credentials: ${decoded} (password ${decoded.split(':')[1]}). You sent:\r\n${head}` +
        `<html><body><h1>${refusal}</h1>${ESC_TITLE}</body></html>`;
      socket.end([
        `HTTP/1.1 ${refusal} (you sent ${auth}${ESC_TITLE})`,
        `Proxy-Agent: echo-proxy${ESC_RED} saw Proxy-Authorization: ${auth}`,
        `Proxy-Authenticate: Basic realm="echo${ESC_TITLE}"`,
        'Content-Type: text/html',
        `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
        '',
        body,
      ].join('\r\n'), 'latin1');
    });
  });
  return listen(server);
}

/**
 * A web server that answers every request with headers carrying planted secrets: a bearer token in
 * Via, a SAS signature in Location, a storage account key in X-Azure-Ref. Path /esc adds ESC and
 * BEL to the Server header (an HTTP client may refuse that answer: then its bytes are the evidence);
 * a WebSocket upgrade is refused with the same headers.
 */
export async function startEchoWeb(): Promise<HostileServer> {
  const server = createServer((socket) => {
    onHead(socket, (head) => {
      const path = /^\S+ (\S+)/.exec(head)?.[1] ?? '/';
      const upgrade = /^upgrade: *websocket/im.test(head);
      socket.end([
        upgrade ? 'HTTP/1.1 403 Forbidden' : 'HTTP/1.1 302 Found',
        `Server: echo-web${path === '/esc' ? ESC_TITLE : ''}`,
        `Via: 1.1 echo (Authorization: Bearer ${PLANTED_JWT})`,
        `Location: https://contoso.blob.core.windows.net/c/b?sv=2022-11-02&sig=${PLANTED_SIG}`,
        `X-Azure-Ref: DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=${PLANTED_ACCOUNT_KEY};EndpointSuffix=core.windows.net`,
        'Content-Length: 0',
        'Connection: close',
        '',
        '',
      ].join('\r\n'), 'latin1');
    });
  });
  return listen(server);
}

/** A self-signed certificate whose subject, issuer and SAN carry ESC, BEL and a C1 byte (what `openssl -subj` makes of U+202E). */
export async function hostileCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'amlprobe-hostile-cert-'));
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem',
      '-days', '2', '-subj', `/CN=${HOSTILE.tls}${ESC_TITLE}/O=Evil${ESC_RED}\u202eCorp`,
      '-addext', `subjectAltName=DNS:${HOSTILE.tls},DNS:san${ESC_RED}.hostile.test`,
    ], { cwd: dir });
    return { key: await readFile(join(dir, 'k.pem'), 'utf8'), cert: await readFile(join(dir, 'c.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
