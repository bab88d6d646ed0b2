// `--private-endpoints-json FILE`: which private address each private FQDN must resolve to, read
// from what the Azure CLI prints (camelCase, `properties` flattened; the REST shape nests them
// under `properties` and is accepted too):
// - `az network private-endpoint show` (one object) or `list` (an array): customDnsConfigs[] {fqdn,
//   ipAddresses[]}. It is empty when a private DNS zone group manages the records; then
//   networkInterfaces[] expanded with their ipConfigurations (REST `$expand`), or embedded
//   privateDnsZoneGroups, are used when present.
// - `az network private-endpoint dns-zone-group show/list`: privateDnsZoneConfigs[].recordSets[]
//   {fqdn, ipAddresses[]} (the privatelink.* names).
// - `az network nic show` of the endpoint's NIC: ipConfigurations[] {privateIPAddress,
//   privateLinkConnectionProperties.fqdns[]}.
// The endpoint's own ipConfigurations (static addresses: groupId, memberName, privateIPAddress) name
// no FQDN, so they cannot say which name must resolve where, and are not used.

import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { readJsonFile } from './json-file.js';
import { INPUT_LIMITS } from '../bounded-read.js';
import { asObject, describeJsonValue } from './json-shape.js';

/** The flag that names the files, for messages. */
export const PRIVATE_ENDPOINTS_JSON_FLAG = '--private-endpoints-json';

/** One private FQDN and the addresses its private endpoint gave it. */
export interface PrivateFqdn {
  /** Lower case, no trailing dot; may start with "*." (a wildcard record, e.g. managed online endpoints). */
  fqdn: string;
  addresses: string[];
  /** The private endpoint (or NIC, zone group) that says so, and the file: "pe-contoso-ml in pe.json". */
  source: string;
  /** Group IDs of the endpoint's connection (amlworkspace, blob, vault, registry, ...), when known. */
  groupIds: string[];
}

/** Reads one file; throws UsageError naming the file and the odd field. */
export function readPrivateEndpointJson(path: string): PrivateFqdn[] {
  return parsePrivateEndpointJson(readJsonFile(path, PRIVATE_ENDPOINTS_JSON_FLAG, INPUT_LIMITS.privateEndpointsJson), path);
}

/** Interprets the parsed JSON of one file (one object or a list of them). */
export function parsePrivateEndpointJson(data: unknown, file: string): PrivateFqdn[] {
  const items = Array.isArray(data) ? data : [data];
  const out: PrivateFqdn[] = [];
  const empty: string[] = [];
  items.forEach((item, index) => {
    const at = Array.isArray(data) ? `[${index}]` : '';
    const found = readItem(item, at, file);
    if (found.length === 0) empty.push(nameOf(item, at));
    out.push(...found);
  });
  if (out.length === 0) {
    const which = empty.length === 0 ? 'it is an empty list' : `${empty.join(', ')} carr${empty.length === 1 ? 'ies' : 'y'} no FQDN with an address`;
    throw new UsageError(
      `'${file}' gives no private FQDN and address: ${which}. customDnsConfigs is empty when a private DNS zone group manages the records; ` +
        `then pass 'az network private-endpoint dns-zone-group list --endpoint-name PE -g RG -o json' or 'az network nic show --ids NIC_ID -o json' (the endpoint's networkInterfaces[0].id) as well.`,
      PRIVATE_ENDPOINTS_JSON_FLAG,
    );
  }
  return out;
}

type Json = Record<string, unknown>;

/** The mappings of one list item: a private endpoint, a NIC or a DNS zone group. */
function readItem(item: unknown, at: string, file: string): PrivateFqdn[] {
  const doc = asObject(item);
  if (doc === undefined) throw new UsageError(`${at || 'the file'} should be a JSON object (a private endpoint), got ${describeJsonValue(item)}.`, file);
  const props = { ...doc, ...(asObject(doc['properties']) ?? {}) };
  const prefix = (key: string): string => `${at}${at && '.'}${doc['properties'] !== undefined && !(key in doc) ? 'properties.' : ''}${key}`;
  const type = typeof doc['type'] === 'string' ? doc['type'].toLowerCase() : '';
  const source = `${nameOf(item, at)} in ${file}`;

  if (type.endsWith('/privateendpoints') || 'customDnsConfigs' in props || 'privateLinkServiceConnections' in props || 'manualPrivateLinkServiceConnections' in props) {
    const groupIds = connectionGroupIds(props);
    const custom = list(props['customDnsConfigs'], prefix('customDnsConfigs'), file).flatMap(([i, entry]) =>
      recordOf(entry, `${prefix('customDnsConfigs')}[${i}]`, file, source, groupIds),
    );
    if (custom.length > 0) return custom;
    // A DNS zone group in use: the mapping lives in the (expanded) NIC or the zone group.
    const nics = list(props['networkInterfaces'], prefix('networkInterfaces'), file).flatMap(([i, nic]) =>
      nicRecords(nic, `${prefix('networkInterfaces')}[${i}]`, file, source, groupIds),
    );
    if (nics.length > 0) return nics;
    return list(props['privateDnsZoneGroups'], prefix('privateDnsZoneGroups'), file).flatMap(([i, group]) =>
      zoneGroupRecords(group, `${prefix('privateDnsZoneGroups')}[${i}]`, file, source, groupIds),
    );
  }
  if (type.endsWith('/privatednszonegroups') || 'privateDnsZoneConfigs' in props) return zoneGroupRecords(item, at, file, source, []);
  if (type.endsWith('/networkinterfaces') || 'ipConfigurations' in props) return nicRecords(item, at, file, source, []);
  const kind = type === '' ? 'none of customDnsConfigs, privateDnsZoneConfigs or ipConfigurations' : `type ${String(doc['type'])}`;
  throw new UsageError(
    `${at || 'the file'} is not a private endpoint, DNS zone group or network interface (${kind}); save 'az network private-endpoint show' or 'list' with -o json.`,
    file,
  );
}

/** customDnsConfigs[i] or recordSets[i]: {fqdn, ipAddresses[]}. */
function recordOf(entry: unknown, at: string, file: string, source: string, groupIds: string[]): PrivateFqdn[] {
  const obj = asObject(entry);
  if (obj === undefined) throw new UsageError(`'${at}' should be an object {fqdn, ipAddresses}, got ${describeJsonValue(entry)}.`, file);
  const fqdn = checkFqdn(obj['fqdn'], `${at}.fqdn`, file);
  const addresses = list(obj['ipAddresses'], `${at}.ipAddresses`, file).map(([i, a]) => checkAddress(a, `${at}.ipAddresses[${i}]`, file));
  if (addresses.length === 0) throw new UsageError(`'${at}.ipAddresses' is empty for '${fqdn}'; an entry needs at least one address.`, file);
  return [{ fqdn, addresses, source, groupIds }];
}

/** A NIC's ipConfigurations[]: privateIPAddress + privateLinkConnectionProperties.fqdns[]. */
function nicRecords(nic: unknown, at: string, file: string, source: string, groupIds: string[]): PrivateFqdn[] {
  const obj = asObject(nic);
  if (obj === undefined) return [];
  const props = { ...obj, ...(asObject(obj['properties']) ?? {}) };
  return list(props['ipConfigurations'], `${at}.ipConfigurations`, file).flatMap(([i, config]) => {
    const c = asObject(config);
    if (c === undefined) return [];
    const cp = { ...c, ...(asObject(c['properties']) ?? {}) };
    const link = asObject(cp['privateLinkConnectionProperties']);
    if (link === undefined) return []; // an ordinary NIC address, not a private link one
    const here = `${at}.ipConfigurations[${i}]`;
    const address = checkAddress(cp['privateIPAddress'], `${here}.privateIPAddress`, file);
    const groups = typeof link['groupId'] === 'string' ? [link['groupId']] : groupIds;
    return list(link['fqdns'], `${here}.privateLinkConnectionProperties.fqdns`, file).map(([j, f]) => ({
      fqdn: checkFqdn(f, `${here}.privateLinkConnectionProperties.fqdns[${j}]`, file),
      addresses: [address],
      source,
      groupIds: groups,
    }));
  });
}

/** A DNS zone group's privateDnsZoneConfigs[].recordSets[]. */
function zoneGroupRecords(group: unknown, at: string, file: string, source: string, groupIds: string[]): PrivateFqdn[] {
  const obj = asObject(group);
  if (obj === undefined) return [];
  const props = { ...obj, ...(asObject(obj['properties']) ?? {}) };
  const base = at ? `${at}.privateDnsZoneConfigs` : 'privateDnsZoneConfigs';
  return list(props['privateDnsZoneConfigs'], base, file).flatMap(([i, config]) => {
    const c = asObject(config);
    if (c === undefined) return [];
    const cp = { ...c, ...(asObject(c['properties']) ?? {}) };
    return list(cp['recordSets'], `${base}[${i}].recordSets`, file).flatMap(([j, r]) =>
      recordOf(r, `${base}[${i}].recordSets[${j}]`, file, source, groupIds),
    );
  });
}

/** Group IDs of the endpoint's connections (amlworkspace, blob, vault, ...). */
function connectionGroupIds(props: Json): string[] {
  const connections = [props['privateLinkServiceConnections'], props['manualPrivateLinkServiceConnections']].flatMap((v) => (Array.isArray(v) ? v : []));
  const ids = connections.flatMap((c) => {
    const obj = asObject(c);
    const inner = { ...(obj ?? {}), ...(asObject(obj?.['properties']) ?? {}) };
    return Array.isArray(inner['groupIds']) ? inner['groupIds'].filter((g): g is string => typeof g === 'string') : [];
  });
  return [...new Set(ids)];
}

// One or more labels of letters, digits, hyphens and underscores; "*." may lead (a wildcard record).
const FQDN = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function checkFqdn(value: unknown, at: string, file: string): string {
  if (typeof value !== 'string') throw new UsageError(`'${at}' should be a host name, got ${describeJsonValue(value)}.`, file);
  const fqdn = value.trim().toLowerCase().replace(/\.$/, '');
  if (!FQDN.test(fqdn)) throw new UsageError(`'${at}' is not a host name: '${value}'.`, file);
  return fqdn;
}

function checkAddress(value: unknown, at: string, file: string): string {
  if (typeof value !== 'string' || isIP(value.trim()) === 0) {
    throw new UsageError(`'${at}' is not an IP address: ${typeof value === 'string' ? `'${value}'` : describeJsonValue(value)}.`, file);
  }
  return value.trim().toLowerCase();
}

/** [index, item] pairs of an optional list; absent or null is empty, anything else is an error. */
function list(value: unknown, at: string, file: string): [number, unknown][] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new UsageError(`'${at}' should be a list, got ${describeJsonValue(value)}.`, file);
  return value.map((item, i) => [i, item]);
}

/** "pe-contoso-ml" (the item's name) or its position in the list. */
function nameOf(item: unknown, at: string): string {
  const name = asObject(item)?.['name'];
  return typeof name === 'string' ? `'${name}'` : at || 'the object';
}
