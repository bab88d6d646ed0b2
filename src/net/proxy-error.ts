// A forward proxy's own name for why it did not forward a request: squid's X-Squid-Error header
// ("ERR_DNS_FAIL 0"), read the same for a refused CONNECT and for a proxy answering a plain-HTTP
// request itself. The code says which side failed better than the status does: squid answers an
// unresolvable or unreachable target with 500, 502, 503 or 504, and its own refusals with 403.

/** Which side the proxy's code blames. */
export type ProxyErrorSide = 'target' | 'policy';

/** The proxy's code and what it means. */
export interface ProxyError {
  /** "ERR_DNS_FAIL" (the header's first word, bounded). */
  code: string;
  /** undefined for a code amlprobe does not classify: the status decides then. */
  side?: ProxyErrorSide;
}

/**
 * squid's error page names (squid-cache/squid src/error/forward.h), by the side they blame.
 * ERR_CANNOT_FORWARD sits among squid's access errors but means no route to the target was
 * allowed or alive (never_direct with every parent down): the target side, as its page says.
 */
const SIDES: Readonly<Record<string, ProxyErrorSide>> = {
  ERR_CANNOT_FORWARD: 'target',
  ERR_DNS_FAIL: 'target',
  ERR_CONNECT_FAIL: 'target',
  ERR_SECURE_CONNECT_FAIL: 'target',
  ERR_READ_TIMEOUT: 'target',
  ERR_LIFETIME_EXP: 'target',
  ERR_READ_ERROR: 'target',
  ERR_WRITE_ERROR: 'target',
  ERR_SOCKET_FAILURE: 'target',
  ERR_ZERO_SIZE_OBJECT: 'target',
  ERR_INVALID_RESP: 'target',
  ERR_GATEWAY_FAILURE: 'target',
  ERR_ACCESS_DENIED: 'policy',
  ERR_CACHE_ACCESS_DENIED: 'policy',
  ERR_FORWARDING_DENIED: 'policy',
  ERR_NO_RELAY: 'policy',
  ERR_TOO_BIG: 'policy',
};

/** The proxy's error code from its answer's headers (lower-case names), if it sent one. */
export function proxyErrorOf(headers: Record<string, string | string[] | undefined>): ProxyError | undefined {
  const raw = headers['x-squid-error'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const code = /^\s*([A-Z][A-Z0-9_]{2,63})\b/.exec(value ?? '')?.[1];
  if (code === undefined) return undefined;
  const side = SIDES[code];
  return side === undefined ? { code } : { code, side };
}

/** What the proxy's own code for a target-side failure asks to check. */
export function proxyTargetHint(code: string): string {
  if (code === 'ERR_DNS_FAIL') return 'The proxy could not resolve the name: for a private endpoint, the proxy\'s DNS does not see the privatelink zone (add the name to no_proxy, or let the proxy use a resolver that does).';
  if (code === 'ERR_CANNOT_FORWARD') return 'The proxy has no allowed or live way to forward this request (its parents are down, or never_direct forbids going direct).';
  return `The proxy names the failure ${code}: its own connection to the target failed (refused, timed out or reset).`;
}
