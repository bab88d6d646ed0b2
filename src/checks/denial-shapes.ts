// Which box said no over HTTP, read from the answer: the Azure resource's own network rules
// (service_firewall_denied) or Azure Firewall (firewall_denied). The shapes are data, one row per
// documented answer, each with where it is documented; one matcher reads status, headers and the
// start of the body against them. An authentication answer (401, or 403 for a missing token)
// matches no row: it proves the path, as any other HTTP answer does.

import { quotePeer } from '../untrusted/evidence.js';

/** One documented denial answer. */
export interface DenialShape {
  reason: 'service_firewall_denied' | 'firewall_denied';
  /** The box that answered, as a report names it. */
  service: string;
  statuses: readonly number[];
  /**
   * Error codes that mean a network-rule denial, read from x-ms-error-code, every JSON "code" and
   * XML <Code>. A row matches on one of its codes or one of its messages; with neither, on the status alone.
   */
  codes: readonly string[];
  messages: readonly RegExp[];
  /** Where the shape is documented or seen (docs/verdicts.md lists the same). */
  source: string;
}

export const DENIAL_SHAPES: readonly DenialShape[] = [
  {
    // 403, x-ms-error-code: AuthorizationFailure, XML <Error><Code>AuthorizationFailure</Code><Message>This
    // request is not authorized to perform this operation.\nRequestId:...</Message>: the storage
    // firewall (microsoft/AzureStorageExplorer#9150, learn.microsoft.com storage-network-security).
    // RBAC refusals carry AuthorizationPermissionMismatch and "... using this permission." instead.
    reason: 'service_firewall_denied',
    service: 'Azure Storage',
    statuses: [403],
    codes: ['AuthorizationFailure'],
    messages: [/This request is not authorized to perform this operation\.(?! using)/],
    source: 'github.com/microsoft/AzureStorageExplorer/issues/9150',
  },
  {
    // 403 {"error":{"code":"Forbidden","message":"Client address is not authorized and caller is not a
    // trusted service.\r\nClient address: ...","innererror":{"code":"ForbiddenByFirewall"}}}
    // (hashicorp/terraform-provider-azurerm#20742; learn.microsoft.com key-vault/general/private-link-diagnostics);
    // public network access disabled: innererror ForbiddenByConnection, "Public network access is disabled ...".
    reason: 'service_firewall_denied',
    service: 'Azure Key Vault',
    statuses: [403],
    codes: ['ForbiddenByFirewall', 'ForbiddenByConnection'],
    messages: [
      /Client address is not authorized and caller is not a trusted service/,
      /Public network access is disabled and request is not from a trusted service nor via an approved private link/,
      /This TCP connection does not allow access to/,
    ],
    source: 'github.com/hashicorp/terraform-provider-azurerm/issues/20742',
  },
  {
    // 403 {"errors":[{"code":"DENIED","message":"client with IP '172.214.169.102' is not allowed access.
    // Refer https://aka.ms/acr/firewall to grant access."}]} (docker/build-push-action#1214). DENIED
    // alone is also ACR's answer to a missing pull permission: only the message counts.
    reason: 'service_firewall_denied',
    service: 'Azure Container Registry',
    statuses: [403],
    codes: [],
    messages: [/client with IP \S{1,64} is not allowed access/],
    source: 'github.com/docker/build-push-action/issues/1214',
  },
  {
    // {"error":{"code":"UserError","message":"Access to workspace was denied based on workspace private
    // link configuration."}}, seen with 403 and with 502 (MicrosoftDocs/azure-docs#90426).
    reason: 'service_firewall_denied',
    service: 'Azure Machine Learning workspace',
    statuses: [403, 502],
    codes: [],
    messages: [/Access to workspace was denied based on workspace private link configuration/],
    source: 'github.com/MicrosoftDocs/azure-docs/issues/90426',
  },
  {
    // 403 {"error":{"code":"403","message":"Access denied due to Virtual Network/Firewall rules."}}
    // (Azure-Samples/azure-sql-db-chatbot#3): Azure AI services and Azure OpenAI.
    reason: 'service_firewall_denied',
    service: 'Azure AI services',
    statuses: [403],
    codes: [],
    messages: [/Access denied due to Virtual Network\/Firewall rules/],
    source: 'github.com/Azure-Samples/azure-sql-db-chatbot/issues/3',
  },
  {
    // Azure Firewall's application rules answer plain HTTP they deny with 470 and a text body
    // "Action: Deny. Reason: No rule matched. Proceeding with default action." (http.dev/470); no
    // other Azure service uses 470, so the status alone names it.
    reason: 'firewall_denied',
    service: 'Azure Firewall',
    statuses: [470],
    codes: [],
    messages: [],
    source: 'http.dev/470',
  },
];

/** What an answer is read as. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The start of the body (the reader bounds it), as text. */
  body: string;
}

/** A matched denial and its evidence (each quoted from the network: bounded and printable). */
export interface Denial {
  shape: DenialShape;
  code?: string;
  requestId?: string;
  message?: string;
}

/** The statuses worth reading a body for: nothing else can match. */
export const DENIAL_STATUSES: ReadonlySet<number> = new Set(DENIAL_SHAPES.flatMap((shape) => shape.statuses));

/** Request-id headers, in the order they are preferred. */
const REQUEST_ID_HEADERS = ['x-ms-request-id', 'apim-request-id', 'x-ms-correlation-request-id', 'x-request-id'];

/** The first shape the answer fits, with its evidence; undefined for any other answer. */
export function matchDenial(answer: HttpAnswer): Denial | undefined {
  const parsed = parseBody(answer.body);
  const codes = [header(answer.headers, 'x-ms-error-code'), ...parsed.codes].filter((c): c is string => c !== undefined && c !== '');
  const text = `${parsed.messages.join('\n')}\n${answer.body}`;
  for (const shape of DENIAL_SHAPES) {
    if (!shape.statuses.includes(answer.status)) continue;
    const byCode = shape.codes.find((code) => codes.includes(code));
    const byMessage = shape.messages.some((pattern) => pattern.test(text));
    const bare = shape.codes.length === 0 && shape.messages.length === 0;
    if (byCode === undefined && !byMessage && !bare) continue;
    const denial: Denial = { shape };
    const code = byCode ?? codes.find((c) => !/^\d+$/.test(c)) ?? codes[0];
    if (code !== undefined) denial.code = quotePeer(code, 64);
    const requestId = REQUEST_ID_HEADERS.map((name) => header(answer.headers, name)).find((v) => v !== undefined)
      ?? /RequestId:\s*([\w-]{8,64})/.exec(answer.body)?.[1];
    if (requestId !== undefined) denial.requestId = quotePeer(requestId, 64);
    const message = quotePeer(parsed.messages[0] ?? answer.body);
    if (message !== '') denial.message = message;
    return denial;
  }
  return undefined;
}

function header(headers: HttpAnswer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The error codes and messages a JSON or XML error body carries (Azure's two shapes); none for text. */
function parseBody(body: string): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    try {
      collect(JSON.parse(trimmed) as unknown, codes, messages, 0);
    } catch {
      // A body cut by the read bound, or not JSON after all: the raw text is still matched.
    }
  } else if (trimmed.startsWith('<')) {
    for (const m of trimmed.matchAll(/<Code>([^<]{1,128})<\/Code>/g)) codes.push(m[1] ?? '');
    for (const m of trimmed.matchAll(/<Message>([^<]{1,2048})<\/Message>/g)) messages.push(m[1] ?? '');
  }
  return { codes, messages };
}

/** Every "code" and "message" string in a parsed JSON value, outer ones first; depth-bounded. */
function collect(value: unknown, codes: string[], messages: string[], depth: number): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    if (typeof item === 'string' && key.toLowerCase() === 'code') codes.push(item);
    if (typeof item === 'string' && key.toLowerCase() === 'message') messages.push(item);
  }
  for (const [, item] of entries) collect(item, codes, messages, depth + 1);
}
