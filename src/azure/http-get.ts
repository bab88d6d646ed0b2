// One small GET for the Azure control-plane helpers (registry discovery, IMDS): a fresh connection,
// a hard timeout, the body read up to a cap, and failures returned as values, never thrown. An
// https GET goes through a forward proxy when the caller names one (discovery, when the run's proxy
// settings cover its host, like the probes); IMDS never does (the IMDS docs), so it names none.

import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SecureContext } from 'node:tls';
import type { ProxyServer } from '../net/proxy-env.js';
import { throughProxy } from './proxied-https.js';

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
  /** An HTTP forward proxy to tunnel an https GET through (CONNECT); ignored for http. */
  proxy?: ProxyServer;
}

/** Bodies larger than this are cut: a discovery or IMDS answer is a few kilobytes. */
const MAX_BODY = 1024 * 1024;

/** GETs `url` (http or https); resolves with the answer or the failure, never rejects. */
export function getText(url: URL, options: GetOptions): Promise<GetOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    // Ends a CONNECT still in progress when the GET gives up (the request does not own that socket yet).
    const tunnel = new AbortController();
    const finish = (outcome: GetOutcome): void => {
      if (settled) return;
      settled = true;
      tunnel.abort();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(outcome);
    };
    const fail = (code: string, message: string): void => finish({ kind: 'error', code, message, ms: elapsed() });
    // The signal's reason says why (the pre-run share of the deadline used up, the run ending).
    const onAbort = (): void => fail('ABORTED', options.signal?.reason instanceof Error ? options.signal.reason.message : 'the run was cancelled');
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
    const common = { method: 'GET', headers: options.headers ?? {} };
    const secure = options.secureContext ? { secureContext: options.secureContext } : {};
    // A fresh connection either way: no agent (node:http ignores createConnection when given one).
    const connection =
      url.protocol === 'https:' && options.proxy !== undefined
        ? { createConnection: throughProxy(url, options.proxy, tunnel.signal, options.secureContext) }
        : { agent: false as const };
    const req = url.protocol === 'https:' ? httpsRequest(url, { ...common, ...secure, ...connection }, onResponse) : httpRequest(url, { ...common, agent: false }, onResponse);
    req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERROR', error.message));
    const timer = setTimeout(() => fail('ETIMEDOUT', `no answer within ${options.timeoutMs} ms`), options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}
