// A layer stopped by this machine's own limit, not by the network: the process (EMFILE) or the
// system (ENFILE) ran out of file descriptors. Such a failure says nothing about the endpoint, so
// whatever layer met it, the result becomes `local_limit` with the errno kept as evidence. One
// place, at the pipeline's boundary, so that no check (TCP, UDP, TLS, DNS, proxy) can blame the network.

import type { LayerResult } from '../model/result.js';

/** The errno codes of running out of file descriptors. */
const LOCAL_LIMIT_CODES = new Set(['EMFILE', 'ENFILE']);

/** The errno a layer result carries (data.code, or the code named in its message), if it is a local limit. */
export function localLimitCode(result: LayerResult): string | undefined {
  const data = result.data as { code?: unknown } | undefined;
  if (typeof data?.code === 'string' && LOCAL_LIMIT_CODES.has(data.code)) return data.code;
  const named = /\b(EMFILE|ENFILE)\b/.exec(`${result.message} ${result.detail ?? ''}`);
  return named?.[1];
}

/** The result as `local_limit` when a descriptor limit caused it; otherwise the result itself. */
export function asLocalLimit(result: LayerResult): LayerResult {
  if (result.status !== 'fail' || result.reason === 'deadline' || result.reason === 'local_limit') return result;
  const code = localLimitCode(result);
  if (code === undefined) return result;
  const which = code === 'EMFILE' ? "this process's open-files limit (ulimit -n)" : "the system's open-files table (fs.file-max)";
  return {
    ...result,
    reason: 'local_limit',
    message: `amlprobe ran out of file descriptors (${code}) on this machine; no verdict for the endpoint`,
    detail: `The ${result.layer} layer could not open a socket: ${which} is exhausted. This is not a network failure. Raise the limit (ulimit -n 4096) or lower --concurrency, and run again.`,
  };
}
