// One small GET for the Azure control-plane helpers (registry discovery, IMDS): a fresh connection,
// a hard timeout, the body read up to a cap, and failures returned as values, never thrown. No proxy
// on purpose: IMDS must never go through one (the IMDS docs), and discovery is reported as reached
// or not from this machine, like every other endpoint.

import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SecureContext } from 'node:tls';

/** A GET's outcome: an HTTP answer, or the reason there was none. */
export type GetOutcome =
  | { kind: 'answer'; status: number; body: string; headers: Record<string, string | string[] | undefined>; ms: number }
  | { kind: 'error'; code: string; message: string; ms: number };

/** How to GET. */
export interface GetOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Trust store for https (system + NODE_EXTRA_CA_CERTS + --ca-file). */
  secureContext?: SecureContext;
}

/** Bodies larger than this are cut: a discovery or IMDS answer is a few kilobytes. */
const MAX_BODY = 1024 * 1024;

/** GETs `url` (http or https); resolves with the answer or the failure, never rejects. */
export function getText(url: URL, options: GetOptions): Promise<GetOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: GetOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(outcome);
    };
    const fail = (code: string, message: string): void => finish({ kind: 'error', code, message, ms: elapsed() });
    const onAbort = (): void => fail('ABORTED', 'the run was cancelled');
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      res.on('end', () =>
        finish({ kind: 'answer', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, ms: elapsed() }),
      );
      res.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERROR', error.message));
    };
    const common = { method: 'GET', headers: options.headers ?? {}, agent: false as const };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(url, { ...common, ...(options.secureContext ? { secureContext: options.secureContext } : {}) }, onResponse)
        : httpRequest(url, common, onResponse);
    req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERROR', error.message));
    const timer = setTimeout(() => fail('ETIMEDOUT', `no answer within ${options.timeoutMs} ms`), options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}
