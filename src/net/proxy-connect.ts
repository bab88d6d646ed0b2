// The CONNECT exchange with an HTTP forward proxy, on a socket already connected to the proxy:
// send `CONNECT host:port HTTP/1.1`, read the proxy's answer head byte by byte (so that not one
// byte of the tunnel is consumed), and say what it answered. On a 2xx the socket is a raw tunnel
// to the target, left as a freshly connected socket would be (no listeners of ours, not paused),
// so TLS, HTTP and WebSocket run over it exactly as over a direct connection.
// For a refusal the start of the proxy's error page is read too: it usually names the proxy and the rule.

import { isIP, type Socket } from 'node:net';
import type { CheckSignal } from '../model/check.js';

/** What the proxy answered to CONNECT. */
export type ConnectAnswer =
  | { kind: 'established'; status: number; statusLine: string; headers: Record<string, string> }
  | { kind: 'refused'; status: number; statusLine: string; headers: Record<string, string>; body: Buffer }
  | { kind: 'malformed'; received: Buffer }
  /** The proxy kept sending interim (1xx) answers past MAX_INTERIM_ANSWERS or INTERIM_BYTE_LIMIT: amlprobe gave up. */
  | { kind: 'interim_flood'; answers: number; bytes: number; lastStatusLine: string }
  | { kind: 'closed'; received: Buffer; error?: Error }
  | { kind: 'aborted' };

/** Where to tunnel to, and how. */
export interface ConnectRequest {
  host: string;
  port: number;
  /** Proxy-Authorization header value ("Basic ..."), when the proxy URL carried credentials. */
  authorization?: string;
  userAgent: string;
  signal: CheckSignal;
}

/** Largest answer head read before it counts as malformed. */
const HEAD_LIMIT = 16 * 1024;
/**
 * Interim (1xx) answers accepted before the final one. RFC 9110 allows several, but a CONNECT has
 * no use for any: a proxy sending more than a handful is broken or hostile, and each one would
 * otherwise restart the wait for the real answer (seen: a flood of "100 Continue" pushed a run
 * 2.3 s past its deadline).
 */
export const MAX_INTERIM_ANSWERS = 8;
/** Bytes of interim answers accepted in total, whatever their number. */
export const INTERIM_BYTE_LIMIT = HEAD_LIMIT;
/** Bytes of a non-HTTP answer kept as evidence. */
const EVIDENCE_LIMIT = 512;
/** Bytes of a refusal's body kept as evidence. */
const BODY_LIMIT = 1024;
/** How long to wait for the body of a refusal once its head is in (bounded by the signal too). */
const BODY_WAIT_MS = 250;

/** "host:port", IPv6 bracketed: the request target and Host header of a CONNECT. */
export function authority(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Sends CONNECT on `socket` and reads the answer. Never rejects; never destroys the socket. */
export function proxyConnect(socket: Socket, request: ConnectRequest): Promise<ConnectAnswer> {
  const target = authority(request.host, request.port);
  const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`, `User-Agent: ${request.userAgent}`];
  if (request.authorization !== undefined) lines.push(`Proxy-Authorization: ${request.authorization}`);

  return new Promise<ConnectAnswer>((resolve) => {
    const head: number[] = [];
    let interimAnswers = 0;
    let interimBytes = 0;
    let lastInterim = '';
    let parsed: { status: number; statusLine: string; headers: Record<string, string> } | undefined;
    const body: Buffer[] = [];
    let bodySize = 0;
    let bodyTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const settle = (answer: ConnectAnswer): void => {
      if (settled) return;
      settled = true;
      if (bodyTimer !== undefined) clearTimeout(bodyTimer);
      socket.removeListener('readable', onReadable);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onClose);
      socket.removeListener('error', onError);
      request.signal.removeEventListener('abort', onAbort);
      resolve(answer);
    };
    const received = (): Buffer => Buffer.from(head);
    // What the peer already sent past the byte that settled it, as evidence (its banner); never waited for.
    const alreadyHere = (): Buffer => ((socket.read() as Buffer | null) ?? Buffer.alloc(0)).subarray(0, EVIDENCE_LIMIT);
    const refusal = (): ConnectAnswer =>
      parsed === undefined
        ? { kind: 'closed', received: received() }
        : { kind: 'refused', ...parsed, body: Buffer.concat(body).subarray(0, BODY_LIMIT) };

    const onReadable = (): void => {
      if (parsed !== undefined) {
        readBody();
        return;
      }
      let chunk: Buffer | null;
      // One byte at a time: the head ends at CRLF CRLF and whatever follows belongs to the tunnel.
      while ((chunk = socket.read(1) as Buffer | null) !== null) {
        head.push(chunk[0] ?? 0);
        if (head.length > HEAD_LIMIT) return settle({ kind: 'malformed', received: received() });
        // Judged at the first byte that cannot start an HTTP status line (an SSH banner, a TLS
        // alert): waiting for a blank line that a non-HTTP peer never sends turned "not a proxy"
        // into a timeout, read as "the proxy could not reach the target".
        if (!couldBeStatusLine(head)) return settle({ kind: 'malformed', received: Buffer.concat([received(), alreadyHere()]) });
        if (!endsWithBlankLine(head)) continue;
        const answer = parseHead(Buffer.from(head).toString('latin1'));
        if (answer === undefined) return settle({ kind: 'malformed', received: received() });
        if (answer.status >= 100 && answer.status < 200) {
          // An interim answer: the real one follows, within the caps.
          interimAnswers += 1;
          interimBytes += head.length;
          lastInterim = answer.statusLine;
          head.length = 0;
          if (interimAnswers > MAX_INTERIM_ANSWERS || interimBytes > INTERIM_BYTE_LIMIT) {
            return settle({ kind: 'interim_flood', answers: interimAnswers, bytes: interimBytes, lastStatusLine: lastInterim });
          }
          continue;
        }
        if (answer.status >= 200 && answer.status < 300) return settle({ kind: 'established', ...answer });
        parsed = answer;
        const length = Number(answer.headers['content-length']);
        if (length === 0) return settle(refusal());
        bodyTimer = setTimeout(() => settle(refusal()), BODY_WAIT_MS);
        readBody();
        return;
      }
    };
    const readBody = (): void => {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) {
        body.push(chunk);
        bodySize += chunk.length;
      }
      const length = Number(parsed?.headers['content-length']);
      if (bodySize >= BODY_LIMIT || (Number.isFinite(length) && bodySize >= length)) settle(refusal());
    };
    const onEnd = (): void => settle(refusal());
    const onClose = (): void => settle(refusal());
    const onError = (error: Error): void => {
      const answer = refusal();
      settle(answer.kind === 'closed' ? { ...answer, error } : answer);
    };
    const onAbort = (): void => settle(parsed === undefined ? { kind: 'aborted' } : refusal());

    if (request.signal.aborted) {
      resolve({ kind: 'aborted' });
      return;
    }
    socket.on('readable', onReadable);
    socket.once('end', onEnd);
    socket.once('close', onClose);
    socket.on('error', onError);
    request.signal.addEventListener('abort', onAbort, { once: true });
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

const STATUS_PREFIX = Buffer.from('HTTP/1.');

/**
 * False as soon as the bytes read so far cannot be the start of "HTTP/1.x NNN": the status line is
 * the first line, so a wrong first byte settles it. Only the fixed prefix and the three digits are
 * checked; the rest of the line is parseHead's.
 */
function couldBeStatusLine(bytes: number[]): boolean {
  const n = bytes.length;
  const prefix = Math.min(n, STATUS_PREFIX.length);
  for (let i = 0; i < prefix; i += 1) if (bytes[i] !== STATUS_PREFIX[i]) return false;
  // "HTTP/1." then the minor version, a space, three digits.
  const checks: [number, (b: number) => boolean][] = [
    [7, (b) => b === 0x30 || b === 0x31],
    [8, (b) => b === 0x20],
    [9, isDigit],
    [10, isDigit],
    [11, isDigit],
  ];
  for (const [at, ok] of checks) if (n > at && !ok(bytes[at] ?? 0)) return false;
  return true;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function endsWithBlankLine(bytes: number[]): boolean {
  const n = bytes.length;
  if (n >= 4 && bytes[n - 4] === 13 && bytes[n - 3] === 10 && bytes[n - 2] === 13 && bytes[n - 1] === 10) return true;
  // Some proxies end lines with a bare LF.
  return n >= 2 && bytes[n - 2] === 10 && bytes[n - 1] === 10;
}

/** Status line and headers (lower-case names) of an answer head, or undefined when it is not HTTP. */
function parseHead(text: string): { status: number; statusLine: string; headers: Record<string, string> } | undefined {
  const [statusLine = '', ...rest] = text.split(/\r?\n/);
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!match) return undefined;
  const headers: Record<string, string> = {};
  for (const line of rest) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), statusLine: statusLine.trim(), headers };
}
