// The `endpoints:` list of a config file -> Endpoint[], with every problem recorded in place.

import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import type { Endpoint, EndpointMeta, Expectations, Protocol } from '../model/endpoint.js';
import { canonicalAddress } from '../net/address.js';
import { describePath, type ConfigPath } from './config-errors.js';
import { asBoolean, asRecord, asString, ProblemCollector, stringItems } from './config-read.js';
import { parseTarget } from './targets.js';
import { checkProxyValue } from '../net/proxy-env.js';

/** Largest UDP payload over IPv4 (65535 - 8 byte UDP header - 20 byte IP header). */
const MAX_UDP_PAYLOAD = 65_507;

const HTTP_LIKE: ReadonlySet<Protocol> = new Set<Protocol>(['http', 'https', 'ws', 'wss']);

/** Converts the `endpoints:` list; invalid entries are left out and their problems recorded. */
export function readEndpoints(list: unknown, problems: ProblemCollector): Endpoint[] {
  if (!Array.isArray(list)) return [];
  const endpoints: Endpoint[] = [];
  const idOwners = new Map<string, number>();
  list.forEach((item, index) => {
    const endpoint = readEndpoint(item, ['endpoints', index], problems);
    if (endpoint === undefined) return;
    const owner = idOwners.get(endpoint.id);
    if (owner !== undefined) {
      const explicit = asRecord(item)?.['id'] !== undefined;
      problems.add(
        ['endpoints', index, explicit ? 'id' : 'target'],
        explicit
          ? `endpoints[${index}].id '${endpoint.id}' is already used by endpoints[${owner}]; ids must be unique`
          : `endpoints[${index}] probes the same target as endpoints[${owner}] ('${endpoint.id}'); remove one or give them different ids`,
      );
      return;
    }
    idOwners.set(endpoint.id, index);
    endpoints.push(endpoint);
  });
  return endpoints;
}

/** One entry; undefined when its target is unusable. */
function readEndpoint(item: unknown, at: ConfigPath, problems: ProblemCollector): Endpoint | undefined {
  const entry = asRecord(item);
  const target = asString(entry?.['target']);
  if (entry === undefined || target === undefined) return undefined;
  const required = asBoolean(entry['required']) ?? true;
  const targetAt = [...at, 'target'];
  const endpoint = problems.attempt(targetAt, () => parseTarget(target, { required }), describePath(targetAt));
  if (endpoint === undefined) return undefined;

  const id = asString(entry['id'])?.trim();
  if (id !== undefined && id !== '') endpoint.id = id;
  endpoint.expect = readExpect(entry['expect'], endpoint.protocol, [...at, 'expect'], problems);

  const proxy = asString(entry['proxy'])?.trim();
  if (proxy !== undefined) {
    const proxyAt = [...at, 'proxy'];
    if (endpoint.protocol === 'dns' || endpoint.protocol === 'udp') {
      if (proxy !== 'auto' && proxy !== 'none') {
        problems.add(proxyAt, `${describePath(proxyAt)} applies only to TCP-based targets, not ${endpoint.protocol}://`);
      }
    } else if (problems.attempt(proxyAt, () => checkProxyValue(proxy, describePath(proxyAt))) !== undefined) {
      endpoint.proxy = proxy;
    }
  }

  const payloadText = asString(entry['udpPayload']);
  if (payloadText !== undefined) {
    const payloadAt = [...at, 'udpPayload'];
    if (endpoint.protocol !== 'udp') {
      problems.add(payloadAt, `${describePath(payloadAt)} applies only to udp:// targets, not ${endpoint.protocol}://`);
    } else {
      const payload = problems.attempt(payloadAt, () => parseUdpPayload(payloadText, describePath(payloadAt)));
      if (payload !== undefined) endpoint.udpPayload = payload;
    }
  }

  const meta: EndpointMeta = {};
  const purpose = asString(entry['purpose']);
  const remediation = asString(entry['remediation']);
  if (purpose !== undefined) meta.purpose = purpose;
  if (remediation !== undefined) meta.remediation = remediation;
  if (Object.keys(meta).length > 0) endpoint.meta = meta;
  return endpoint;
}

/** The `expect:` mapping, checked against the protocol it applies to. */
function readExpect(value: unknown, protocol: Protocol, at: ConfigPath, problems: ProblemCollector): Expectations {
  const raw = asRecord(value);
  const expect: Expectations = {};
  if (raw === undefined) return expect;
  const notFor = (key: string, applies: string): void => {
    problems.add([...at, key], `${describePath([...at, key])} applies only to ${applies} targets, not ${protocol}://`);
  };

  const isPrivate = asBoolean(raw['private']);
  if (isPrivate !== undefined) expect.private = isPrivate;
  if (isPrivate === true) expect.privateSource = 'config';

  if (Array.isArray(raw['addresses'])) {
    const addresses: string[] = [];
    for (const [i, text] of stringItems(raw['addresses'])) {
      const address = text.trim();
      if (isIP(address) === 0) {
        problems.add([...at, 'addresses', i], `${describePath([...at, 'addresses', i])} '${text}' is not an IP address`);
      } else {
        addresses.push(canonicalAddress(address.toLowerCase()));
      }
    }
    if (addresses.length > 0) expect.addresses = addresses;
  }

  if (Array.isArray(raw['httpStatus'])) {
    if (!HTTP_LIKE.has(protocol)) notFor('httpStatus', 'http, https, ws and wss');
    else expect.httpStatus = raw['httpStatus'].filter((s): s is number => Number.isInteger(s));
  }

  const udpReply = asBoolean(raw['udpReply']);
  if (udpReply !== undefined) {
    if (protocol !== 'udp') notFor('udpReply', 'udp://');
    else expect.udpReply = udpReply;
  }
  return expect;
}

/**
 * The datagram for "hex:0001ff", "text:hello" or "base64:AAH/". Throws a UsageError naming
 * `source` and the bad value.
 */
export function parseUdpPayload(text: string, source = 'udpPayload'): Buffer {
  const fail = (why: string): never => {
    throw new UsageError(`${source} '${text}': ${why}`);
  };
  const colon = text.indexOf(':');
  const kind = colon < 0 ? '' : text.slice(0, colon);
  const body = text.slice(colon + 1);
  let payload: Buffer;
  if (kind === 'text') {
    payload = Buffer.from(body, 'utf8');
  } else if (kind === 'hex') {
    const hex = body.replace(/[\s:]/g, '');
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) fail('hex: takes pairs of hex digits, e.g. hex:0001ff');
    payload = Buffer.from(hex, 'hex');
  } else if (kind === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.trim()) || body.trim().length % 4 !== 0) fail('base64: is not valid base64');
    payload = Buffer.from(body.trim(), 'base64');
  } else {
    return fail('start it with hex:, text: or base64:, e.g. hex:0001ff or text:hello');
  }
  if (payload.length > MAX_UDP_PAYLOAD) fail(`is ${payload.length} bytes; a UDP datagram holds at most ${MAX_UDP_PAYLOAD}`);
  return payload;
}
