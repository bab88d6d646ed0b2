// The managed virtual network in a workspace JSON file, in both documented shapes:
// `az ml workspace show` (azure-ai-ml, snake_case): managed_network: {isolation_mode, status:
// {status, spark_ready}, outbound_rules: [{name, type: fqdn|service_tag|private_endpoint,
// destination, category, status}]}; and the ARM resource Microsoft.MachineLearningServices/
// workspaces (properties.managedNetwork) or its child workspaces/managedNetworks
// (properties.managedNetwork): {isolationMode, status: {status, sparkReady}, outboundRules:
// {NAME: {type: FQDN|ServiceTag|PrivateEndpoint, destination, category, status}}}.
// Sources: test/fixtures/azure/managed-network/README.md.

import { UsageError } from '../errors.js';
import { ISOLATION_MODES, type IsolationMode, type ManagedNetworkState, type OutboundRule, type OutboundRuleType } from '../model/managed-network.js';
import { asObject, describeJsonValue } from './json-shape.js';

/** The managed network read from a file: its mode (with the key it came from) and its state. */
export interface ManagedNetworkJson {
  mode?: { value: IsolationMode; key: string };
  state: ManagedNetworkState;
}

/** Reads `managed_network` / `properties.managedNetwork`; undefined when the file has neither. */
export function readManagedNetworkJson(doc: Record<string, unknown>, props: Record<string, unknown>, file: string): ManagedNetworkJson | undefined {
  const found: [string, unknown][] = [['managed_network', doc['managed_network']], ['managedNetwork', doc['managedNetwork']], ['properties.managedNetwork', props['managedNetwork']]];
  const [key, raw] = found.find(([, value]) => value !== undefined && value !== null) ?? [];
  if (key === undefined) return undefined;
  const net = asObject(raw);
  if (net === undefined) throw new UsageError(`'${key}' should be an object, got ${describeJsonValue(raw)}.`, file);
  const out: ManagedNetworkJson = { state: { rules: [], file } };
  const modeKey = net['isolation_mode'] !== undefined ? 'isolation_mode' : 'isolationMode';
  const mode = net[modeKey];
  if (mode !== undefined && mode !== null) out.mode = { value: parseIsolationMode(mode, `${file} '${key}.${modeKey}'`), key: `${key}.${modeKey}` };
  const status = asObject(net['status']);
  const provisioned = text(status?.['status']);
  if (provisioned !== undefined) out.state.status = provisioned;
  const spark = status?.['spark_ready'] ?? status?.['sparkReady'];
  if (typeof spark === 'boolean') out.state.sparkReady = spark;
  const rulesKey = net['outbound_rules'] !== undefined ? 'outbound_rules' : 'outboundRules';
  out.state.rules = readRules(net[rulesKey], `${key}.${rulesKey}`, file);
  return out;
}

/** An isolation mode in any of Azure's spellings (Disabled, AllowInternetOutbound, allow_only_approved_outbound) or amlprobe's. */
export function parseIsolationMode(raw: unknown, where: string): IsolationMode {
  const typed = typeof raw === 'string' ? raw.trim() : '';
  const squeezed = typed.toLowerCase().replace(/[\s_-]+/g, '');
  const found = ISOLATION_MODES.find((mode) => mode.replace(/-/g, '') === squeezed);
  if (found !== undefined) return found;
  const shown = typeof raw === 'string' ? `'${raw}'` : describeJsonValue(raw);
  throw new UsageError(`${shown} is not a managed network isolation mode: use ${ISOLATION_MODES.join(', ')} (Azure's Disabled, AllowInternetOutbound, AllowOnlyApprovedOutbound are read too).`, where);
}

/** The rules: a list (CLI) or a map keyed by rule name (ARM). */
function readRules(raw: unknown, key: string, file: string): OutboundRule[] {
  if (raw === undefined || raw === null) return [];
  const entries: [string | undefined, unknown][] = Array.isArray(raw)
    ? raw.map((item) => [undefined, item])
    : Object.entries(asObject(raw) ?? fail(`'${key}' should be a list or a map of rules, got ${describeJsonValue(raw)}.`, file));
  return entries.map(([name, item], index) => readRule(item, name, `${key}${name === undefined ? `[${index}]` : `.${name}`}`, file));
}

function readRule(raw: unknown, mapName: string | undefined, key: string, file: string): OutboundRule {
  const rule = asObject(raw) ?? fail(`'${key}' should be an object, got ${describeJsonValue(raw)}.`, file);
  // The ARM child resource outboundRules/NAME nests them under properties.
  const body = asObject(rule['properties']) ?? rule;
  const name = text(rule['name']) ?? mapName ?? key;
  const type = ruleType(body['type'], `${key}.type`, file);
  const out: OutboundRule = { name, type, destination: '' };
  const destination = body['destination'];
  if (type === 'fqdn') {
    out.destination = text(destination) ?? fail(`'${key}.destination' of an FQDN rule should be a host name, got ${describeJsonValue(destination)}.`, file);
  } else {
    const dest = asObject(destination) ?? fail(`'${key}.destination' should be an object, got ${describeJsonValue(destination)}.`, file);
    const pick = (snake: string, camel: string): string | undefined => text(dest[snake]) ?? text(dest[camel]);
    if (type === 'service_tag') {
      out.destination = pick('service_tag', 'serviceTag') ?? fail(`'${key}.destination' has no service tag.`, file);
      const protocol = pick('protocol', 'protocol');
      const ports = pick('port_ranges', 'portRanges');
      if (protocol !== undefined) out.protocol = protocol;
      if (ports !== undefined) out.portRanges = ports;
    } else {
      out.destination = pick('service_resource_id', 'serviceResourceId') ?? fail(`'${key}.destination' has no service resource id.`, file);
      const sub = pick('subresource_target', 'subresourceTarget');
      if (sub !== undefined) out.subresource = sub.toLowerCase();
    }
  }
  const category = text(body['category']);
  const status = text(body['status']);
  if (category !== undefined) out.category = category;
  if (status !== undefined) out.status = status;
  return out;
}

function ruleType(raw: unknown, key: string, file: string): OutboundRuleType {
  const squeezed = typeof raw === 'string' ? raw.toLowerCase().replace(/[\s_-]+/g, '') : '';
  if (squeezed === 'fqdn') return 'fqdn';
  if (squeezed === 'servicetag') return 'service_tag';
  if (squeezed === 'privateendpoint') return 'private_endpoint';
  return fail(`'${key}' should be fqdn, service_tag or private_endpoint (ARM: FQDN, ServiceTag, PrivateEndpoint), got ${describeJsonValue(raw)}.`, file);
}

function fail(message: string, where: string): never {
  throw new UsageError(message, where);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
