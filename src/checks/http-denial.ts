// The HTTP layer's verdict when the answer says which box refused: a proxy answering the request
// itself with its own error code (squid's X-Squid-Error), the Azure resource's network rules, or
// Azure Firewall (src/checks/denial-shapes.ts). Any other answer leaves the verdict to the status.

import type { Endpoint } from '../model/endpoint.js';
import type { HttpData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { CheckContext, ProbeState } from '../model/check.js';
import { classifyAddress } from '../net/address.js';
import { proxyErrorOf, proxyTargetHint } from '../net/proxy-error.js';
import { quotePeer } from '../untrusted/evidence.js';
import type { ResultBuilder } from './app-socket.js';
import { DENIAL_STATUSES, matchDenial, type Denial, type HttpAnswer } from './denial-shapes.js';

/** Bytes of a body read to recognise a denial: Azure's error bodies are a few hundred bytes. */
export const DENIAL_BODY_LIMIT = 8 * 1024;

/** Whether the answer may be a denial, so that its body is worth reading. */
export function mayBeDenial(status: number, headers: HttpAnswer['headers']): boolean {
  return DENIAL_STATUSES.has(status) || proxyErrorOf(headers) !== undefined;
}

/** The verdict for a recognised denial, or undefined when the answer is none. */
export function judgeDenial(
  endpoint: Endpoint,
  state: ProbeState,
  ctx: CheckContext,
  answer: HttpAnswer,
  data: HttpData,
  result: ResultBuilder,
): LayerResult | undefined {
  const proxyError = proxyErrorOf(answer.headers);
  if (proxyError?.side !== undefined) {
    data.proxyError = proxyError.code;
    const page = quotePeer(answer.body);
    const quoted = `The proxy answered HTTP ${answer.status} with X-Squid-Error ${proxyError.code}${page ? `; its page starts: ${page}` : ''}.`;
    if (proxyError.side === 'target') {
      return result('fail', 'proxy_target_failed', `a proxy answered instead of ${endpoint.host}: it could not reach the target (HTTP ${answer.status} ${proxyError.code})`,
        `${quoted} A proxy on the path (an intercepting one, or the one the tunnel goes through) took the request and failed to reach the target. ${proxyTargetHint(proxyError.code)}`);
    }
    return result('fail', 'proxy_denied', `a proxy answered instead of ${endpoint.host}: its policy refused the request (HTTP ${answer.status} ${proxyError.code})`,
      `${quoted} Ask the proxy admin to allow ${endpoint.host}:${endpoint.port}.`);
  }
  const denial = matchDenial(answer);
  if (denial === undefined) return undefined;
  data.denial = {
    by: denial.shape.service,
    ...(denial.code === undefined ? {} : { code: denial.code }),
    ...(denial.requestId === undefined ? {} : { requestId: denial.requestId }),
    ...(denial.message === undefined ? {} : { message: denial.message }),
  };
  const evidence = quoteDenial(answer.status, denial);
  if (denial.shape.reason === 'firewall_denied') {
    const tag = endpoint.meta?.serviceTag;
    return result('fail', 'firewall_denied', `Azure Firewall denied HTTP to ${endpoint.host}:${endpoint.port} (HTTP ${answer.status})`,
      `${evidence} Add an application rule allowing http:${endpoint.port} to the FQDN ${endpoint.host} in a rule collection of the firewall policy that applies to this subnet`
      + `${tag === undefined ? '' : `, or a network rule to the service tag ${tag}`}.`);
  }
  return result('fail', 'service_firewall_denied',
    `${denial.shape.service} refused this client by its network rules (HTTP ${answer.status}${denial.code === undefined ? '' : ` ${denial.code}`})`,
    `${evidence} The path works up to the resource; its own firewall said no. ${whereItWent(endpoint, state, ctx)}`);
}

/** The answer's evidence in one sentence. */
function quoteDenial(status: number, denial: Denial): string {
  const parts = [`HTTP ${status}`];
  if (denial.code !== undefined) parts.push(`code ${denial.code}`);
  if (denial.requestId !== undefined) parts.push(`request id ${denial.requestId}`);
  return `${denial.shape.service} answered ${parts.join(', ')}${denial.message === undefined ? '' : `: "${denial.message}"`}.`;
}

/** The likely fix, from the address this client used: public means it went around the private endpoint. */
function whereItWent(endpoint: Endpoint, state: ProbeState, ctx: CheckContext): string {
  const zone = endpoint.meta?.privateDnsZone;
  const viaZone = zone === undefined ? '' : ` (zone ${zone})`;
  const fix = `Reach the resource through its private endpoint, or add this client's network (its subnet, or its public address) to the resource's firewall.`;
  if (state.address === undefined) return fix;
  const address = classifyAddress(state.address, ctx.settings.parsed?.privateRanges ?? []);
  if (!address.private) {
    return `This client reached it at the public address ${state.address}: the name does not resolve to a private endpoint here; link the privatelink zone${viaZone} to this VNet or forward it to Azure DNS, or add this client's public address to the resource's firewall.`;
  }
  return `This client reached it at the private address ${state.address}, yet it refused: the private endpoint may belong to another resource or be pending approval, or the address is a service endpoint the resource's firewall does not list. ${fix}`;
}
