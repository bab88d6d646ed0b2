// The HTTP layer: one GET over the connection the tcp (and tls) layers opened. Any HTTP answer
// proves the path works, except one that names who refused it (a resource's network rules, Azure
// Firewall, a proxy's own error: ./http-denial.ts); an explicit expect.httpStatus decides first.
// undici accepts an already-connected socket through a custom `connect` function
// (lib/dispatcher/client.js: the connector's callback socket goes straight to connectH1/connectH2).

import type { Readable } from 'node:stream';
import { Client } from 'undici';
import { asAbortSignal } from '../abort.js';
import type { Reason, Status } from '../model/reason.js';
import type { Endpoint } from '../model/endpoint.js';
import type { HttpData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { Check } from '../model/check.js';
import { quotePeer } from '../untrusted/evidence.js';
import { USER_AGENT } from '../version.js';
import {
  endpointUrl,
  errorCode,
  errorMessage,
  isParserError,
  isReset,
  layerResults,
  listStatuses,
  pickEvidenceHeaders,
  resetMessage,
  since,
  socketOnce,
} from './app-socket.js';
import { untilAborted } from '../abort.js';
import { stoppedResult } from './stopped.js';
import { DENIAL_BODY_LIMIT, judgeDenial, mayBeDenial } from './http-denial.js';

/**
 * Interim (1xx) answers accepted before the final one. A GET asks for none (no Expect header), and
 * undici restarts its headers timeout on each, so without a cap a server sending 103 after 103
 * holds the layer until its timeout with nothing learnt; past the cap amlprobe gives up and says so.
 */
export const MAX_INTERIM_ANSWERS = 8;

/** Body bytes read after the verdict; beyond this the connection is dropped instead (bounded work). */
const BODY_DUMP_LIMIT = 64 * 1024;

/** GETs endpoint.path over state.socket with Host set to endpoint.host; judges the status. */
export const checkHttp: Check = async (endpoint, state, ctx) => {
  const start = performance.now();
  const url = endpointUrl(endpoint.protocol === 'https' ? 'https' : 'http', endpoint);
  const data: HttpData = { url };
  const timeoutMs = ctx.settings.timeoutMs;
  const result = layerResults('http', start, data);
  state.evidence = data;

  const socket = state.socket;
  if (!socket) return result('fail', 'internal_error', 'no open connection from the earlier layers');
  if (ctx.signal.aborted) return stoppedResult('http');

  const takeSocket = socketOnce(socket);
  // The origin only builds the Host header (host name, port when not default); the connector
  // ignores it and hands over the connection that is already open.
  const client = new Client(new URL(url).origin, {
    // The callback must come on a later tick: undici's resume loop ignores a synchronous one and
    // the request would wait forever (lib/dispatcher/client.js, kResuming guard).
    connect: (_options, callback) => {
      process.nextTick(() => {
        try {
          callback(null, takeSocket());
        } catch (error) {
          callback(error as Error, null);
        }
      });
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    pipelining: 1,
  });

  const sentAt = performance.now();
  let interimAnswers = 0;
  let lastInterim = 0;
  const interimFlood = (): boolean => interimAnswers > MAX_INTERIM_ANSWERS;
  try {
    const request = client.request({
      method: 'GET',
      path: endpoint.path,
      headers: { 'user-agent': USER_AGENT, accept: '*/*' },
      signal: asAbortSignal(ctx.signal),
      onInfo: ({ statusCode }) => {
        interimAnswers += 1;
        lastInterim = statusCode;
        if (interimFlood()) socket.destroy();
      },
    });
    const response = await untilAborted(request, ctx.signal);
    // The answer is in: an abort while its body is read does not change the verdict.
    state.stage = 'answered';
    data.firstByteMs = since(sentAt);
    data.status = response.statusCode;
    const headers = pickEvidenceHeaders(response.headers);
    if (headers) data.headers = headers;
    const verdict = judgeStatus(endpoint, response.statusCode, result);
    // Expected statuses are the plan's word; otherwise an answer that may name who refused is read.
    if (!endpoint.expect.httpStatus?.length && mayBeDenial(response.statusCode, response.headers)) {
      const body = await bodyStart(response.body, DENIAL_BODY_LIMIT);
      const answer = { status: response.statusCode, headers: response.headers, body: body.toString('utf8') };
      return judgeDenial(endpoint, state, ctx, answer, data, result) ?? verdict;
    }
    // The verdict is known: read what is left of a small body, drop the rest; body errors do not matter.
    await response.body.dump({ limit: BODY_DUMP_LIMIT }).catch(() => undefined);
    return verdict;
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined) data.code = code;
    if (interimFlood()) {
      return result('fail', 'http_failed', `the server sent ${interimAnswers} interim (1xx) answers and no final one; amlprobe gave up`,
        `The last interim answer was HTTP ${lastInterim}. A GET asks for none; a server that keeps sending them is broken, or a middlebox is.`);
    }
    if (ctx.signal.aborted) return stoppedResult('http');
    if (code === 'UND_ERR_HEADERS_TIMEOUT') return result('fail', 'http_timeout', `no HTTP answer within ${timeoutMs} ms`);
    if (unaskedAnswer(error)) {
      return result('fail', 'http_failed', 'the server sent an answer amlprobe did not ask for (such as 100 Continue); amlprobe closed the connection',
        'A GET without an Expect header gets no 100 Continue and no protocol upgrade: the server, or a middlebox in front of it, does not follow HTTP/1.1. The connection was closed by amlprobe, not reset by the peer.');
    }
    if (isReset(error)) return result('fail', 'reset', resetMessage(error, 'an HTTP answer'));
    if (code === 'UND_ERR_HEADERS_OVERFLOW') return result('fail', 'http_failed', 'HTTP answer headers too large');
    if (isParserError(error)) {
      const received = (error as { data?: unknown }).data;
      const quote = typeof received === 'string' && received ? ` The answer starts: ${quotePeer(received)}` : '';
      return result('fail', 'http_failed', `malformed HTTP answer: ${errorMessage(error)}`,
        `something answered on this port, but not with HTTP (another protocol, or a middlebox).${quote}`);
    }
    return result('fail', 'http_failed', errorMessage(error));
  } finally {
    // Destroys the socket at once (HTTP is the last layer); not awaited: the close callbacks add
    // nothing to the verdict and must never hold the layer up.
    client.destroy().catch(() => undefined);
  }
};

/** Longest wait for the start of a body once the head is in: error bodies come with their head. */
const BODY_WAIT_MS = 1000;

/**
 * The first `limit` bytes of a body, read within BODY_WAIT_MS; what arrived when the body ends,
 * fails or stalls is what there is (a body never changes the status, only explains it).
 */
async function bodyStart(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stall = setTimeout(() => body.destroy(), BODY_WAIT_MS);
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } catch {
    // Cut short (stalled, reset, aborted): the bytes so far are the evidence.
  } finally {
    clearTimeout(stall);
  }
  // undici drops its listener on the layer's signal in the body's 'close' handler, which a destroyed
  // or ended stream emits on a later tick (its `closed` flag is set before): one turn of the loop settles it.
  await new Promise((resolve) => setImmediate(resolve));
  return Buffer.concat(chunks).subarray(0, limit);
}

/**
 * undici's verdict on an answer it refuses to read (lib/dispatcher/client-h1.js): a 100 Continue
 * that was not asked for, an upgrade nobody requested, an answer with no request. It destroys the
 * socket itself with a SocketError, which would otherwise read as a reset by the peer.
 */
function unaskedAnswer(error: unknown): boolean {
  return errorCode(error) === 'UND_ERR_SOCKET' && /^bad (?:response|upgrade)$/.test(errorMessage(error));
}

/** pass/ok for any status, unless expect.httpStatus is set and does not list it. */
function judgeStatus(
  endpoint: Endpoint,
  statusCode: number,
  result: (status: Status, reason: Reason, message: string) => LayerResult,
): LayerResult {
  const expected = endpoint.expect.httpStatus;
  if (expected && expected.length > 0 && !expected.includes(statusCode)) {
    return result('fail', 'http_status', `HTTP ${statusCode}, expected ${listStatuses(expected)}`);
  }
  return result('pass', 'ok', `HTTP ${statusCode}`);
}
