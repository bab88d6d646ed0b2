// The HTTP side of `amlprobe serve`: /metrics, /healthz, /report.json and /report.html, all read
// from the last completed run. No request can make amlprobe probe anything: the query string is
// ignored and every endpoint comes from the plan given at start (unlike blackbox_exporter's
// /probe?target=, which would turn an exposed port into a scanner of the network behind it).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderJson } from '../report/json.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../report/prometheus.js';
import { renderHtml } from '../report/html.js';
import { describeFailure, failingRequired } from './state.js';
import type { ServeState } from './state.js';

const TEXT = 'text/plain; charset=utf-8';

/** The paths served, for the 404 message. */
const PATHS = ['/metrics', '/healthz', '/report.json', '/report.html'];

/** A Node request listener answering from `state`. */
export function createServeHandler(state: ServeState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    // HEAD is GET without a body (node drops the body itself); anything else changes nothing here.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, TEXT, `method ${req.method ?? ''} not allowed; amlprobe serve answers GET only\n`, { allow: 'GET, HEAD' });
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const last = state.last;
    switch (path) {
      case '/metrics':
        if (!last) return send(503, TEXT, 'no run yet: the first probe run has not finished\n');
        return send(200, PROMETHEUS_CONTENT_TYPE, renderPrometheus(last.report, last.counters));
      case '/healthz': {
        if (!last) return send(503, TEXT, 'no run yet\n');
        const failing = failingRequired(last.report);
        if (failing.length === 0) return send(200, TEXT, 'ok\n');
        return send(503, TEXT, `${failing.length} required endpoint(s) failed:\n${failing.map((r) => `${describeFailure(r)}\n`).join('')}`);
      }
      case '/report.json':
        if (!last) return send(503, TEXT, 'no run yet\n');
        return send(200, 'application/json; charset=utf-8', renderJson(last.report));
      case '/report.html':
        if (!last) return send(503, TEXT, 'no run yet\n');
        return send(200, 'text/html; charset=utf-8', renderHtml(last.report));
      default:
        return send(404, TEXT, `not found; amlprobe serve answers ${PATHS.join(', ')}\n`);
    }
  };
}
