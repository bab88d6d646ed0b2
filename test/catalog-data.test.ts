// Checks the catalog data itself (probes/*.yaml): schema, ids, sources, placeholders, and above all
// coverage. test/fixtures/seed-endpoints.json is the oracle, written by reading the five seed documents:
// every host, service tag, private DNS zone and informational requirement they name, with the scenario
// it belongs to and a quote that must appear in the seed. Every oracle entry must be covered by a row of
// that scenario citing that seed; reference facts the catalog adopted must stay covered too; and every
// row must be backed by one of the two. Needs ../shared (seeds + reference) beside the repo.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse, parseDocument } from 'yaml';

type Cloud = 'public' | 'china' | 'usgov';
type Transport = 'tcp' | 'udp' | 'any';

interface Row {
  id: string;
  host: string;
  path?: string;
  wildcard?: string;
  wellKnownHost?: string;
  clouds?: Cloud[];
  probe: 'dns' | 'tcp' | 'udp' | 'tls' | 'https' | 'wss' | 'smb' | 'none';
  ports: number[];
  transport: Transport;
  direction: 'outbound' | 'inbound';
  requirement: 'required' | 'conditional' | 'optional' | 'informational';
  condition?: string;
  serviceTag: string | null;
  privateDnsZone: string | null;
  expectPrivate: boolean;
  purpose: string;
  remediation: string;
  verify?: string;
  disagreement?: string;
  sources: string[];
}

interface Scenario {
  scenario: string;
  title: string;
  description: string;
  sources: string[];
  endpoints: Row[];
}

/** One entry of test/fixtures/seed-endpoints.json. */
interface SeedEntry {
  seed: string;
  host?: string;
  path?: string;
  /** 'registry' when the seed's <region> is the registry's region (seed 001), not the workspace's. */
  region?: 'registry';
  serviceTag?: string;
  service?: string;
  privateDnsZone?: string;
  informational?: string;
  keywords?: string[];
  protocol?: Transport | 'dns';
  port?: number;
  portStated?: boolean;
  /** The seed asks for WebSocket: the covering row must be a wss probe (or a row that cannot be probed). */
  websocket?: boolean;
  /** The seed says "may" / "some samples": an optional row is enough. */
  optional?: boolean;
  direction?: 'outbound' | 'inbound';
  scenarios: string[];
  quote: string;
  section?: string;
  note?: string;
}

/** A requirement to cover, from the seed oracle or from an adopted reference row. */
interface Need {
  label: string;
  /** A covering row must cite at least one of these. */
  sources: string[];
  cloud: Cloud;
  /** Concrete names after expansion (alternatives); empty when the need is a tag, zone or advice. */
  hosts: string[];
  path?: string;
  serviceTag?: string;
  zone?: string;
  keywords?: string[];
  ports: number[];
  protocol: Transport | 'dns' | null;
  direction: 'outbound' | 'inbound' | null;
  /** Seed requirements must be met by a required or conditional row (an inbound one is informational). */
  strength?: 'requirement' | 'optional';
  websocket?: boolean;
}

// ---- locating the data -------------------------------------------------------------------------

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

const ROOT = packageRoot();
const PROBES = join(ROOT, 'probes');
const SHARED = resolve(ROOT, '..', 'shared');

/** ../shared holds the seeds and the reference catalog; without it the data cannot be checked. */
function shared(...parts: string[]): string {
  const path = join(SHARED, ...parts);
  if (!existsSync(path)) {
    throw new Error(
      `the catalog-data tests need ../shared beside the repo (seeds and reference catalog): ${path} not found. ` +
        `Put the shared folder at ${SHARED} and run the tests again.`,
    );
  }
  return path;
}

function loadScenarios(): Scenario[] {
  return readdirSync(PROBES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const doc = parseDocument(readFileSync(join(PROBES, f), 'utf8'), { uniqueKeys: true });
      assert.deepEqual(doc.errors.map((e) => e.message), [], `probes/${f} is not valid YAML`);
      return doc.toJS() as Scenario;
    });
}

const SCENARIOS = loadScenarios();
const SCHEMA = JSON.parse(readFileSync(join(PROBES, 'catalog.schema.json'), 'utf8')) as object;
const FIXTURE = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'seed-endpoints.json'), 'utf8')) as SeedEntry[];

let compiled: ValidateFunction | undefined;
function compileSchema(): ValidateFunction {
  // Stricter than the loader: the schema itself must be clean draft-07 for ajv. Compiled once.
  compiled ??= new Ajv({ allErrors: true, strictTypes: true, strictTuples: true, allowUnionTypes: true }).compile(SCHEMA);
  return compiled;
}

/** The {cloud.X} table of probes/README.md (between the cloud-keys markers). */
function readmeCloudTable(): Map<string, Record<Cloud, string>> {
  const text = readFileSync(join(PROBES, 'README.md'), 'utf8');
  const start = text.indexOf('<!-- cloud-keys:start -->');
  const end = text.indexOf('<!-- cloud-keys:end -->');
  assert.ok(start >= 0 && end > start, 'probes/README.md must hold the cloud-keys table between its markers');
  const table = new Map<string, Record<Cloud, string>>();
  for (const line of text.slice(start, end).split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 4 || cells[0] === 'key' || /^-+$/.test(cells[0] ?? '')) continue;
    const [key = '', pub = '', cn = '', gov = ''] = cells;
    table.set(key, { public: pub, china: cn, usgov: gov });
  }
  return table;
}

const CLOUD_TABLE = readmeCloudTable();
const CLOUDS: Cloud[] = ['public', 'china', 'usgov'];

// ---- expanding templates -----------------------------------------------------------------------

const WORKSPACE_ID = '52882c08-ead2-44aa-af65-08a75cf094bd';
const REGISTRY_ID = '11111111-2222-3333-4444-555555555555';
/** Sample profile values. The registry lives in another region, so the two region placeholders stay apart. */
const SAMPLE: Record<string, string> = {
  region: 'eastus',
  registryRegion: 'westeurope',
  workspaceId: WORKSPACE_ID,
  workspaceName: 'mlws',
  notebooksLabel: `ml-mlws-eastus-${WORKSPACE_ID}`,
  storageAccount: 'mlwsstorage',
  keyVault: 'mlwskv',
  containerRegistry: 'mlwsacr',
  computeInstance: 'ci1',
  registryId: REGISTRY_ID,
  registryName: 'sharedreg',
  registryStorageAccount: 'sharedregstorage',
  registryContainerRegistry: 'sharedregacr',
};
/** Seed and reference spellings of the same placeholders; '*' stands for a name no profile gives. */
const ANGLE: Record<string, string> = {
  region: SAMPLE.region!,
  'registry-guid': REGISTRY_ID,
  registry_name: SAMPLE.registryName!,
  storageAccount: SAMPLE.storageAccount!,
  storage: SAMPLE.storageAccount!,
  containerRegistry: SAMPLE.containerRegistry!,
  acr: SAMPLE.containerRegistry!,
  keyVault: SAMPLE.keyVault!,
  keyvault: SAMPLE.keyVault!,
  workspaceId: WORKSPACE_ID,
  'workspace-guid': WORKSPACE_ID,
  computeInstance: SAMPLE.computeInstance!,
  instance: SAMPLE.computeInstance!,
  endpoint: '*',
  cluster: '*',
  'registry-storage': '*',
  'registry-acr': '*',
};

/** Expands {cloud.X} and {profile} placeholders; throws on an unknown one. */
function expand(template: string, cloud: Cloud): string {
  return template
    .replace(/\{cloud\.([A-Za-z]+)\}/g, (_m, key: string) => {
      const values = CLOUD_TABLE.get(key);
      if (values === undefined) throw new Error(`{cloud.${key}} is not in the README cloud-keys table`);
      return values[cloud];
    })
    .replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => {
      const value = SAMPLE[name];
      if (value === undefined) throw new Error(`unknown placeholder {${name}} in '${template}'`);
      return value;
    })
    .toLowerCase();
}

/** Seed / reference notation (<region>, <registry-guid>, ...) to a concrete sample name. */
function expandAngle(text: string, registryRegion = false): string {
  return text
    .replace(/ml-<workspace-name, truncated>-<region>-<workspace-guid>/g, SAMPLE.notebooksLabel!)
    .replace(/<([^<>]+)>/g, (_m, name: string) => {
      const value = name === 'region' && registryRegion ? SAMPLE.registryRegion : ANGLE[name];
      if (value === undefined) throw new Error(`no sample value for <${name}> in '${text}'`);
      return value;
    })
    .toLowerCase();
}

const appliesTo = (row: Row, cloud: Cloud): boolean => row.clouds === undefined || row.clouds.includes(cloud);

/** The names a row answers for in one cloud: its host, documented wildcard and probed well-known name. */
function rowNames(row: Row, cloud: Cloud): string[] {
  return [row.host, row.wildcard, row.wellKnownHost].filter((t): t is string => t !== undefined).map((t) => expand(t, cloud));
}

/** Service tag without its region suffix, lower case; Keyvault is the seeds' spelling of AzureKeyVault. */
function tagBase(tag: string): string {
  const base = tag.replace(/\.(<region>|\{region\}|region|regionname|<regionname>)$/i, '').toLowerCase();
  return base === 'keyvault' ? 'azurekeyvault' : base;
}

function transportFits(need: Need['protocol'], row: Row): boolean {
  if (need === null || need === 'dns') return true;
  if (need === 'any') return row.transport === 'any';
  return row.transport === need || row.transport === 'any';
}

const rowText = (row: Row): string =>
  [row.host, row.purpose, row.remediation, row.verify ?? '', row.condition ?? ''].join(' ').toLowerCase();

/** Does `row` satisfy `need` (port, transport, direction, and host / tag / zone / advice)? */
function rowMeets(row: Row, need: Need): boolean {
  if (!appliesTo(row, need.cloud)) return false;
  if (!need.sources.some((s) => row.sources.includes(s))) return false;
  if (need.direction !== null && row.direction !== need.direction) return false;
  if (!transportFits(need.protocol, row)) return false;
  // A dns row resolves only: the ports the documentation gives do not apply to it.
  if (need.ports.some((p) => !row.ports.includes(p)) && row.probe !== 'dns') return false;
  if (need.websocket === true && row.probe !== 'wss' && row.probe !== 'none') return false;
  // A requirement of the seeds is not covered by an optional row; WebSocket rows may be optional because an
  // unauthenticated upgrade can be redirected by the service, which says nothing about the network.
  if (need.strength !== undefined && need.keywords === undefined && row.direction === 'outbound') {
    const accepted = need.strength === 'optional' || need.websocket === true ? ['required', 'conditional', 'optional'] : ['required', 'conditional'];
    if (!accepted.includes(row.requirement)) return false;
  }
  if (need.keywords !== undefined) {
    if (row.probe !== 'none') return false;
    const text = rowText(row);
    return need.keywords.every((k) => text.includes(k.toLowerCase()));
  }
  if (need.zone !== undefined) return row.privateDnsZone !== null && expand(row.privateDnsZone, need.cloud) === need.zone;
  if (need.serviceTag !== undefined && need.hosts.length === 0) {
    return row.serviceTag !== null && tagBase(row.serviceTag) === tagBase(need.serviceTag);
  }
  const names = rowNames(row, need.cloud);
  if (!need.hosts.some((h) => names.includes(h))) return false;
  if (need.path !== undefined) {
    const strip = (p: string): string => p.replace(/\*$/, '').toLowerCase();
    if (row.path === undefined || strip(expand(row.path, need.cloud)) !== strip(need.path)) return false;
  }
  return true;
}

function seedNeed(e: SeedEntry): Need {
  return {
    label: `${e.seed} ${e.host ?? e.serviceTag ?? e.privateDnsZone ?? e.informational} ${e.protocol ?? ''}/${e.port ?? '-'}`,
    sources: [e.seed],
    cloud: 'public',
    hosts: e.host === undefined ? [] : [expandAngle(e.host, e.region === 'registry')],
    ...(e.path === undefined ? {} : { path: expandAngle(e.path) }),
    ...(e.serviceTag === undefined ? {} : { serviceTag: e.serviceTag }),
    ...(e.privateDnsZone === undefined ? {} : { zone: e.privateDnsZone.toLowerCase() }),
    ...(e.keywords === undefined ? {} : { keywords: e.keywords }),
    ports: e.port === undefined ? [] : [e.port],
    protocol: e.protocol ?? null,
    direction: e.direction ?? null,
    strength: e.optional === true ? 'optional' : 'requirement',
    ...(e.websocket === true ? { websocket: true } : {}),
  };
}

/** One requirement to cover and the rows ("<scenario>: <id>") that cover it. */
interface Coverage {
  need: string;
  matches: string[];
}

/** Rows of `scenario` (or of every scenario when null) that meet `need`. */
function matchesIn(scenarios: Scenario[], scenario: string | null, need: Need): string[] {
  return scenarios
    .filter((s) => scenario === null || s.scenario === scenario)
    .flatMap((s) => s.endpoints.filter((row) => rowMeets(row, need)).map((row) => `${s.scenario}: ${row.id}`));
}

/** Each fixture entry, in each scenario it belongs to. */
function seedCoverage(scenarios: Scenario[]): Coverage[] {
  return FIXTURE.flatMap((entry) => {
    const need = seedNeed(entry);
    return entry.scenarios.map((name) => ({ need: `${name}: ${need.label}`, matches: matchesIn(scenarios, name, need) }));
  });
}

const gapsOf = (coverage: Coverage[]): string[] => coverage.filter((c) => c.matches.length === 0).map((c) => c.need);

/** Fixture entries not covered in a scenario they belong to: "<scenario>: <entry>". */
function seedGaps(scenarios: Scenario[]): string[] {
  return gapsOf(seedCoverage(scenarios));
}

// ---- reference facts the catalog adopted --------------------------------------------------------

/** Rows of /work/shared/reference/aml-endpoints.yaml whose facts hold and are in the catalog. */
const ADOPTED = [
  'entra-login-public', 'entra-login-usgov', 'entra-login-china', 'arm-public', 'arm-usgov', 'arm-china',
  'graph-windows', 'graph-microsoft-public', 'graph-microsoft-usgov', 'graph-china',
  'studio-public', 'studio-usgov', 'studio-china',
  'aml-api-wildcard-ms', 'aml-api-wildcard-net', 'aml-api-wildcard-usgov', 'aml-api-wildcard-china-1', 'aml-api-wildcard-china-2',
  'aml-regional-api', 'aml-experiments-regional', 'aml-experiments-cert-regional',
  'aml-model-management', 'aml-model-management-usgov', 'aml-model-management-china',
  'notebooks-public', 'notebooks-usgov', 'notebooks-china', 'aznbcontent',
  'automl-resources', 'automl-resources-afd', 'aka-ms', 'models-ai-azure',
  'ci-instances-azureml-ms', 'ci-instances-azureml-net', 'ci-instances-usgov', 'ci-instances-china',
  'tundra-public', 'tundra-regional-api', 'tundra-usgov', 'tundra-china',
  'batch-account-endpoint', 'batch-node-management-endpoint',
  'ms-storage-blob-public', 'ms-storage-queue-public', 'ms-storage-table-public',
  'ms-storage-blob-usgov', 'ms-storage-queue-usgov', 'ms-storage-table-usgov',
  'ms-storage-blob-china', 'ms-storage-queue-china', 'ms-storage-table-china',
  'ws-storage-file-public', 'ws-storage-blob-public', 'ws-storage-dfs-public', 'ws-storage-queue-public', 'ws-storage-table-public',
  'ws-storage-file-usgov', 'ws-storage-blob-usgov', 'ws-storage-dfs-usgov', 'ws-storage-file-china', 'ws-storage-blob-china',
  'ws-storage-dfs-china', 'keyvault-batch-public', 'keyvault-batch-usgov', 'keyvault-batch-china', 'ws-keyvault',
  'inbound-aml-44224', 'inbound-batch-29876-29877', 'inbound-ssh-vm-hdinsight', 'inbound-aks-scoring',
  'mcr', 'mcr-data', 'viennaglobal-acr', 'ws-acr-login', 'ws-acr-data', 'ws-acr-login-usgov',
  'pkg-anaconda-com', 'pkg-anaconda-com-wild', 'pkg-anaconda-org', 'pkg-pypi', 'pkg-pythonhosted', 'pkg-cran',
  'pkg-pytorch-apex', 'pkg-pytorch', 'pkg-tensorflow',
  'vscode-download', 'vscode-update', 'vscode-msecnd', 'vscode-marketplace', 'vscode-blob', 'vscode-gallerycdn',
  'vscode-websocket-server-raw', 'vscode-websocket-server-github', 'vscode-web-hosts', 'vscode-download-cdn', 'vscode-server-ports',
  'appinsights-dc-azure', 'appinsights-dc-microsoft', 'appinsights-dc-vs', 'appinsights-in',
  'k8s-kusto', 'k8s-workspace-api', 'aksv1-api-server', 'aksv1-entra-api', 'aksv1-kusto-ingest',
  'aks-hcp-wild', 'aks-hcp-usgov', 'aks-packages', 'aks-acs-mirror', 'aks-extension-config',
  'moe-scoring-public', 'moe-scoring-usgov', 'moe-scoring-china',
  'registry-discovery', 'registry-private-fqdn', 'registry-storage-blob', 'registry-acr',
  'ws-api-public', 'ws-cert-public', 'ws-notebooks-public', 'ws-ci-public', 'ws-ci-ssh-public', 'ws-inference-public',
  'ws-api-china', 'ws-cert-china', 'ws-notebooks-china', 'ws-ci-china', 'ws-api-usgov', 'ws-cert-usgov',
  'ws-notebooks-usgov', 'ws-ci-usgov', 'ws-inference-usgov',
];

interface RefRow {
  id: string;
  host?: string;
  fqdn?: string;
  fqdn_alt_2026?: string;
  pe_nic_fqdn?: string;
  cloud: Cloud | 'all';
  protocol?: string;
  ports?: (number | string)[];
  direction?: string;
  service_tag?: string | null;
  scenarios?: string[];
  sources: string[];
}

/** The reference catalog's scenario vocabulary, mapped to catalog scenarios (others have no file here). */
const REF_SCENARIOS: Record<string, string> = {
  ci_cluster_public_ip: 'compute-public-ip',
  ci_cluster_no_public_ip: 'compute-no-public-ip',
  serverless_compute: 'serverless-compute',
  studio_access: 'studio',
  client_sdk_cli: 'sdk-cli-client',
  docker_images: 'docker-images',
  image_build: 'docker-images',
  automl: 'docker-images',
  package_repos: 'package-repos',
  vscode_remote: 'vscode-remote',
  registry_public: 'registry-public',
  registry_private: 'registry-private',
  managed_online_endpoint: 'managed-online-endpoints',
  aks_inference_v1: 'aks-inference',
  kubernetes_compute: 'aks-inference',
  aks_cluster_egress: 'aks-inference',
  monitoring: 'monitoring',
  vm_hdinsight_attach: 'attached-vm-hdinsight',
};

/**
 * The reference lists the names the workspace private endpoint serves without scenarios. These are the
 * scenarios whose machines reach the workspace through that endpoint, and so must check each name.
 */
const PE_NAME_SCENARIOS: Record<string, string[]> = {
  'ws-api': ['compute-no-public-ip', 'compute-public-ip', 'serverless-compute', 'compute-cluster-other-vnet', 'studio', 'sdk-cli-client', 'managed-network'],
  'ws-cert': ['compute-no-public-ip', 'compute-public-ip', 'serverless-compute', 'studio', 'sdk-cli-client'],
  'ws-notebooks': ['compute-no-public-ip', 'compute-public-ip', 'serverless-compute', 'compute-cluster-other-vnet', 'studio'],
  'ws-ci': ['compute-no-public-ip', 'compute-public-ip', 'serverless-compute', 'studio', 'sdk-cli-client'],
  'ws-ci-ssh': ['sdk-cli-client'],
  'ws-inference': ['managed-online-endpoints'],
};

/** Scenarios the catalog adds to a reference row's own, with the reason. */
const MANAGED = "Microsoft's managed-network article (mvnet2024) lists this among the rules a managed virtual network creates by itself (required service tags, private endpoints to the workspace's resources)";
const NOT_APPLICABLE = 'shown in the managed-network scenario as not applying: Azure ML owns the compute VNet (mvnet2024)';
const REF_ADDITIONS: Record<string, { scenarios: string[]; why: string }> = {
  'entra-login-public': { scenarios: ['managed-network'], why: MANAGED },
  'entra-login-usgov': { scenarios: ['managed-network'], why: MANAGED },
  'entra-login-china': { scenarios: ['managed-network'], why: MANAGED },
  'arm-public': { scenarios: ['managed-network'], why: MANAGED },
  'arm-usgov': { scenarios: ['managed-network'], why: MANAGED },
  'arm-china': { scenarios: ['managed-network'], why: MANAGED },
  'tundra-public': { scenarios: ['managed-network'], why: MANAGED },
  'batch-node-management-endpoint': { scenarios: ['managed-network'], why: MANAGED },
  'mcr': { scenarios: ['managed-network'], why: MANAGED },
  'mcr-data': { scenarios: ['managed-network'], why: MANAGED },
  'appinsights-dc-azure': { scenarios: ['managed-network'], why: MANAGED },
  'ws-keyvault': { scenarios: ['managed-network'], why: MANAGED },
  'ws-acr-login': { scenarios: ['managed-network'], why: MANAGED },
  'inbound-aml-44224': { scenarios: ['managed-network'], why: NOT_APPLICABLE },
  'inbound-batch-29876-29877': { scenarios: ['managed-network'], why: NOT_APPLICABLE },
  'ws-storage-blob-public': { scenarios: ['sdk-cli-client', 'managed-network'], why: 'the SDK and CLI upload code snapshots and data to the default datastore; a managed network creates a private endpoint to it' },
  'ws-acr-data': { scenarios: ['compute-cluster-other-vnet'], why: 'a cluster in another VNet pulls image layers from the data endpoint of a private ACR' },
  'keyvault-batch-public': { scenarios: ['serverless-compute'], why: 'seeds 000/002 apply the compute instance/cluster rules to serverless compute' },
};

/** Catalog scenarios a reference row belongs to: its own `scenarios` (or PE_NAME_SCENARIOS) plus REF_ADDITIONS. */
function scenariosOf(r: RefRow): string[] {
  const own = PE_NAME_SCENARIOS[r.id.replace(/-(public|china|usgov)$/, '')] ??
    (r.scenarios ?? []).map((n) => REF_SCENARIOS[n]).filter((n): n is string => n !== undefined);
  return [...new Set([...own, ...(REF_ADDITIONS[r.id]?.scenarios ?? [])])];
}

/**
 * Reference scenario assignments the catalog deliberately does not follow, with the reason. Keyed
 * "<scenario>: <reference id>" or "<scenario>: <reference id>/<port>".
 */
const REF_EXCEPTIONS: Record<string, string> = {
  'aks-inference: entra-login-public/80': 'the AKS egress table lists Entra ID on 443 only',
  'aks-inference: entra-login-usgov/80': 'the AKS egress table lists Entra ID on 443 only',
  'aks-inference: entra-login-china/80': 'the AKS egress table lists Entra ID on 443 only',
  'aks-inference: ms-storage-blob-public': "fw2026's Kubernetes table lists *.table and *.queue and the account's own blob name, not *.blob",
  'aks-inference: ws-keyvault': "fw2026's Kubernetes compute table does not list the workspace key vault",
  'aks-inference: pkg-pypi': 'fw2026 needs pypi.org for Kubernetes training only; this scenario is inference (see package-repos)',
  'aks-inference: appinsights-dc-vs': 'AKS monitoring add-ons are out of scope; the host is in the monitoring scenario',
  'registry-private: ws-acr-login': "this scenario probes the registry's own ACR; the workspace ACR is in the compute and image scenarios",
  'registry-private: ws-acr-data': "this scenario probes the registry's own ACR; the workspace ACR is in the compute and image scenarios",
  'registry-public: aml-regional-api': 'the registry scenarios reach the regional API of the registry region (registry-discovery)',
  'registry-private: aml-regional-api': 'the registry scenarios reach the regional API of the registry region (registry-discovery)',
  'docker-images: pkg-anaconda-com': 'package hosts are the package-repos scenario, run from the image-build compute too',
  'docker-images: pkg-anaconda-com-wild': 'package hosts are the package-repos scenario, run from the image-build compute too',
  'docker-images: pkg-anaconda-org': 'package hosts are the package-repos scenario, run from the image-build compute too',
  'docker-images: pkg-pypi': 'package hosts are the package-repos scenario, run from the image-build compute too',
  'docker-images: pkg-pythonhosted': 'package hosts are the package-repos scenario, run from the image-build compute too',
};

let reference: { rows: Map<string, RefRow>; sources: Set<string> } | undefined;
function loadReference(): { rows: Map<string, RefRow>; sources: Set<string> } {
  reference ??= readReference();
  return reference;
}

function readReference(): { rows: Map<string, RefRow>; sources: Set<string> } {
  const ref = parse(readFileSync(shared('reference', 'aml-endpoints.yaml'), 'utf8')) as {
    endpoints: RefRow[];
    workspace_private_link_fqdns: RefRow[];
    sources: Record<string, unknown>;
  };
  const rows = new Map<string, RefRow>();
  for (const r of [...ref.endpoints, ...ref.workspace_private_link_fqdns]) rows.set(r.id, r);
  return { rows, sources: new Set(Object.keys(ref.sources)) };
}

function refPorts(ports: (number | string)[] | undefined): number[] {
  const out: number[] = [];
  for (const p of ports ?? []) {
    if (typeof p === 'number') out.push(p);
    else if (/^\d+-\d+$/.test(p)) {
      const [a = 0, b = 0] = p.split('-').map(Number);
      for (let n = a; n <= b; n++) out.push(n);
    } else if (/^\d+$/.test(p)) out.push(Number(p));
  }
  return out;
}

/**
 * A reference row as needs: one per cloud (all three for cloud "all"), per host alternative
 * ("a | b", fqdn_alt_2026) and per port, so that each can be covered by a different row.
 */
function refNeeds(r: RefRow): Need[] {
  const proto = (r.protocol ?? 'TCP').toUpperCase();
  const ports = refPorts(r.ports);
  const base = {
    sources: r.sources,
    protocol: proto === 'UDP' ? ('udp' as const) : proto === 'ANY' ? ('any' as const) : ('tcp' as const),
    direction: r.direction === 'inbound' ? ('inbound' as const) : ('outbound' as const),
  };
  const texts = [r.host ?? r.fqdn, r.fqdn_alt_2026].filter((t): t is string => t !== undefined);
  const needs: Need[] = [];
  for (const cloud of r.cloud === 'all' ? CLOUDS : [r.cloud]) {
    for (const text of texts) {
      // A reference "host" that is prose (an inbound rule, a port range) is matched by its tag or ports only.
      const prose = /\s/.test(text.replace(/<[^<>]*>/g, 'x').replace(/ \| /g, '|'));
      const shapes: Pick<Need, 'label' | 'hosts' | 'serviceTag' | 'keywords'>[] = prose
        ? [{ label: `${r.id} (${text})`, hosts: [], ...(r.service_tag ? { serviceTag: r.service_tag } : { keywords: [] }) }]
        : text.split(' | ').map((alt) => ({ label: `${r.id} ${alt}`, hosts: [expandAngle(alt, r.id.startsWith('registry-'))] }));
      for (const shape of shapes) {
        for (const port of ports.length === 0 ? [undefined] : ports) {
          needs.push({ ...base, ...shape, cloud, label: `${shape.label} ${cloud}/${port ?? '-'}`, ports: port === undefined ? [] : [port] });
        }
      }
    }
  }
  return needs;
}

/**
 * Adopted reference needs not covered: in each catalog scenario the reference assigns the row to (its
 * `scenarios` field, mapped by REF_SCENARIOS), or anywhere when it names none of ours.
 */
function referenceCoverage(scenarios: Scenario[], rows: Map<string, RefRow>): Coverage[] {
  const out: Coverage[] = [];
  for (const id of ADOPTED) {
    const r = rows.get(id);
    if (r === undefined) {
      out.push({ need: `${id}: not in the reference catalog`, matches: [] });
      continue;
    }
    const mine = scenariosOf(r);
    for (const need of refNeeds(r)) {
      if (mine.length === 0) out.push({ need: need.label, matches: matchesIn(scenarios, null, need) });
      for (const name of mine) {
        const excused = REF_EXCEPTIONS[`${name}: ${r.id}`] ?? REF_EXCEPTIONS[`${name}: ${r.id}/${need.ports[0] ?? '-'}`];
        if (excused === undefined) out.push({ need: `${name}: ${need.label}`, matches: matchesIn(scenarios, name, need) });
      }
    }
  }
  return out;
}

function referenceGaps(scenarios: Scenario[], rows: Map<string, RefRow>): string[] {
  return gapsOf(referenceCoverage(scenarios, rows));
}

/** Catalog rules: a scenario that probes compute-instance names probes both documented spellings. */
function policyGaps(scenarios: Scenario[]): string[] {
  const gaps: string[] = [];
  for (const s of scenarios) {
    const probed = s.endpoints.filter((r) => r.probe !== 'none' && !r.host.includes('-22.'));
    for (const zone of ['instancesZone', 'instancesZoneAlt']) {
      const other = zone === 'instancesZone' ? 'instancesZoneAlt' : 'instancesZone';
      for (const r of probed.filter((x) => x.host.includes(`{cloud.${zone}}`))) {
        const twin = probed.some((x) => x.host.includes(`{cloud.${other}}`) && r.ports.every((p) => x.ports.includes(p) || p === 877));
        if (!twin) gaps.push(`${s.scenario}: ${r.id} has no {cloud.${other}} twin for ports ${r.ports.join(',')}`);
      }
    }
  }
  return gaps;
}

/** Every coverage check at once. */
function allGaps(scenarios: Scenario[], rows: Map<string, RefRow>): string[] {
  return [...seedGaps(scenarios), ...referenceGaps(scenarios, rows), ...policyGaps(scenarios)];
}

const without = (scenarios: Scenario[], scenario: string, id: string): Scenario[] =>
  scenarios.map((s) => (s.scenario !== scenario ? s : { ...s, endpoints: s.endpoints.filter((r) => r.id !== id) }));

// ---- the tests ---------------------------------------------------------------------------------

describe('catalog data: files, schema, ids', () => {
  it('finds ../shared beside the repo (the seeds and the reference catalog)', () => {
    assert.ok(existsSync(shared('seeds')), 'seeds folder');
    assert.ok(existsSync(shared('reference', 'aml-endpoints.yaml')), 'reference catalog');
  });

  it('has every scenario the seeds describe, each named like its file', () => {
    const files = readdirSync(PROBES).filter((f) => f.endsWith('.yaml')).sort();
    assert.deepEqual(SCENARIOS.map((s) => `${s.scenario}.yaml`), files);
    for (const name of ['compute-no-public-ip', 'compute-public-ip', 'serverless-compute', 'studio', 'sdk-cli-client',
      'registry-public', 'registry-private', 'docker-images', 'aks-inference', 'vscode-remote', 'package-repos']) {
      assert.ok(files.includes(`${name}.yaml`), `probes/${name}.yaml is missing`);
    }
  });

  it('validates every file against catalog.schema.json', () => {
    const validate = compileSchema();
    const problems: string[] = [];
    for (const s of SCENARIOS) {
      const name = s.scenario;
      if (!validate(s)) for (const e of validate.errors ?? []) problems.push(`${name}${e.instancePath}: ${e.message}`);
    }
    assert.deepEqual(problems, []);
  });

  // Each case mutates one valid row; the schema must reject (or accept) the result.
  const base: Row = {
    id: 'sample', host: '{region}.{cloud.tundraZone}', probe: 'udp', ports: [5831], transport: 'udp', direction: 'outbound',
    requirement: 'required', serviceTag: 'AzureMachineLearning', privateDnsZone: null, expectPrivate: false,
    purpose: 'p', remediation: 'r', sources: ['000_419b64f19bf3dfc6.txt'],
  };
  const cases: { case: string; change: Record<string, unknown>; valid: boolean }[] = [
    { case: 'the sample row', change: {}, valid: true },
    { case: 'conditional without condition', change: { requirement: 'conditional' }, valid: false },
    { case: 'conditional with condition', change: { requirement: 'conditional', condition: 'c' }, valid: true },
    { case: 'probe none without verify', change: { probe: 'none' }, valid: false },
    { case: 'probe none with verify and no ports', change: { probe: 'none', verify: 'v', ports: [] }, valid: true },
    { case: 'probe udp without ports', change: { ports: [] }, valid: false },
    { case: 'probe dns without ports', change: { probe: 'dns', transport: 'tcp', ports: [] }, valid: true },
    { case: 'udp probe over tcp transport', change: { transport: 'tcp' }, valid: false },
    { case: 'https probe over udp transport', change: { probe: 'https', transport: 'udp' }, valid: false },
    { case: 'inbound row that is probed', change: { direction: 'inbound' }, valid: false },
    { case: 'inbound row, informational, not probed', change: { direction: 'inbound', probe: 'none', verify: 'v', requirement: 'informational' }, valid: true },
    { case: 'wildcard host probed without wellKnownHost', change: { host: '*.anaconda.org', probe: 'https', transport: 'tcp', ports: [443] }, valid: false },
    { case: 'wildcard host with wellKnownHost', change: { host: '*.anaconda.org', wellKnownHost: 'conda.anaconda.org', probe: 'https', transport: 'tcp', ports: [443] }, valid: true },
    { case: 'path on a tcp probe', change: { probe: 'tcp', transport: 'tcp', path: '/x' }, valid: false },
    { case: 'empty sources', change: { sources: [] }, valid: false },
    { case: 'unknown key', change: { color: 'red' }, valid: false },
    { case: 'probe kind outside the enum', change: { probe: 'http' }, valid: false },
    { case: 'port out of range', change: { ports: [70000] }, valid: false },
    { case: 'id not kebab-case', change: { id: 'Bad_Id' }, valid: false },
  ];
  for (const c of cases) {
    it(`schema ${c.valid ? 'accepts' : 'rejects'}: ${c.case}`, () => {
      const validate = compileSchema();
      const file = { scenario: 'sample', title: 't', description: 'd', sources: ['fw2026'], endpoints: [{ ...base, ...c.change }] };
      assert.equal(validate(file), c.valid, JSON.stringify(validate.errors));
    });
  }

  it('uses each id once per file, and a shared id for one and the same endpoint', () => {
    const same = ['host', 'path', 'wildcard', 'wellKnownHost', 'clouds', 'probe', 'ports', 'transport', 'direction',
      'serviceTag', 'privateDnsZone', 'expectPrivate', 'purpose', 'remediation', 'verify', 'disagreement'] as const;
    const first = new Map<string, { row: Row; file: string }>();
    const problems: string[] = [];
    for (const s of SCENARIOS) {
      const ids = s.endpoints.map((r) => r.id);
      const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
      if (dup.length > 0) problems.push(`${s.scenario}: ${dup.join(', ')} used twice`);
      for (const row of s.endpoints) {
        const seen = first.get(row.id);
        if (seen === undefined) first.set(row.id, { row, file: s.scenario });
        else for (const k of same) {
          if (JSON.stringify(seen.row[k]) !== JSON.stringify(row[k])) problems.push(`${row.id}: ${k} differs in ${seen.file} and ${s.scenario}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('cites only seed files and reference source keys', () => {
    const seeds = new Set(readdirSync(shared('seeds')).filter((f) => f !== 'README.md'));
    const { sources } = loadReference();
    const unknown = new Set<string>();
    for (const s of SCENARIOS) {
      for (const src of [...s.sources, ...s.endpoints.flatMap((r) => r.sources)]) if (!seeds.has(src) && !sources.has(src)) unknown.add(src);
      for (const r of s.endpoints) assert.ok(r.sources.length > 0, `${r.id} has no source`);
    }
    assert.deepEqual([...unknown], []);
    const cited = new Set(SCENARIOS.flatMap((s) => s.endpoints.flatMap((r) => r.sources)));
    for (const seed of seeds) assert.ok(cited.has(seed), `no row cites ${seed}`);
  });
});

describe('catalog data: templates', () => {
  it('lists every {cloud.X} key in probes/README.md with its three values', () => {
    const used = new Set(SCENARIOS.flatMap((s) => s.endpoints).flatMap((r) =>
      [r.host, r.wildcard, r.wellKnownHost, r.privateDnsZone, r.path, r.serviceTag].flatMap((t) => [...(t ?? '').matchAll(/\{cloud\.([A-Za-z]+)\}/g)].map((m) => m[1]!))));
    for (const key of used) {
      const values = CLOUD_TABLE.get(key);
      assert.ok(values, `{cloud.${key}} is used but not in the README table`);
      for (const cloud of CLOUDS) assert.match(values[cloud], /^[a-z0-9.-]+$/, `{cloud.${key}} for ${cloud}`);
    }
    assert.deepEqual([...CLOUD_TABLE.keys()].filter((k) => !used.has(k)), [], 'README lists keys no row uses');
  });

  it('expands every template to a host name in every cloud the row applies to', () => {
    const name = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
    const problems: string[] = [];
    for (const row of SCENARIOS.flatMap((s) => s.endpoints)) {
      for (const cloud of CLOUDS.filter((c) => appliesTo(row, c))) {
        const templates = [row.wildcard, row.wellKnownHost, row.privateDnsZone, /\s/.test(row.host) ? undefined : row.host];
        for (const t of templates) {
          if (t === undefined || t === null) continue;
          const text = expand(t, cloud);
          if (!name.test(text)) problems.push(`${row.id} (${cloud}): '${t}' -> '${text}'`);
        }
        if (row.probe !== 'none' && /\s/.test(row.host)) problems.push(`${row.id}: a probed row needs a host name, not prose`);
        if (/[<>]/.test(row.host)) problems.push(`${row.id}: seed-style <placeholder> in host`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps wildcards consistent: the probed name lies under the rule it stands for', () => {
    const under = (host: string, wildcard: string): boolean => wildcard.startsWith('*.') && host.endsWith(wildcard.slice(1));
    const problems: string[] = [];
    for (const row of SCENARIOS.flatMap((s) => s.endpoints)) {
      const cloud = CLOUDS.find((c) => appliesTo(row, c))!;
      if (row.wildcard !== undefined && !under(expand(row.host, cloud), expand(row.wildcard, cloud))) problems.push(`${row.id}: host not under wildcard`);
      if (row.wellKnownHost !== undefined && !under(expand(row.wellKnownHost, cloud), expand(row.host, cloud))) problems.push(`${row.id}: wellKnownHost not under host`);
      if (row.host.startsWith('*.') && row.probe !== 'none' && row.wellKnownHost === undefined) problems.push(`${row.id}: probed wildcard without wellKnownHost`);
    }
    assert.deepEqual(problems, []);
  });
});

describe('catalog data: the seed oracle', () => {
  const norm = (s: string): string => s.replace(/\s+/g, ' ');
  const seedText = new Map<string, string>();
  const textOf = (seed: string): string => {
    if (!seedText.has(seed)) seedText.set(seed, norm(readFileSync(shared('seeds', seed), 'utf8')));
    return seedText.get(seed)!;
  };

  it('quotes each fixture entry from its seed (the oracle was read from the seeds)', () => {
    const missing = FIXTURE.flatMap((e) =>
      [e.quote, e.section].filter((q): q is string => q !== undefined && !textOf(e.seed).includes(norm(q))).map((q) => `${e.seed}: ${q}`));
    assert.deepEqual(missing, []);
  });

  it('has entries for all five seeds and only known scenarios', () => {
    const seeds = readdirSync(shared('seeds')).filter((f) => f !== 'README.md').sort();
    assert.deepEqual([...new Set(FIXTURE.map((e) => e.seed))].sort(), seeds);
    const names = new Set(SCENARIOS.map((s) => s.scenario));
    assert.deepEqual(FIXTURE.flatMap((e) => e.scenarios).filter((n) => !names.has(n)), []);
    for (const e of FIXTURE) {
      const kinds = [e.host, e.serviceTag, e.privateDnsZone, e.informational].filter((k) => k !== undefined);
      assert.equal(kinds.length, e.host !== undefined && e.serviceTag !== undefined ? 2 : 1, `one kind per entry: ${e.quote}`);
    }
  });

  it('covers every endpoint the seeds name, in each scenario it belongs to, citing that seed', () => {
    assert.deepEqual(seedGaps(SCENARIOS), []);
  });

  // Removing a row that carries a seed requirement must make the coverage check fail.
  const removals = [
    { scenario: 'compute-no-public-ip', id: 'tundra', expect: /5831/ },
    { scenario: 'compute-no-public-ip', id: 'batch-node-management', expect: /service\.batch/ },
    { scenario: 'compute-public-ip', id: 'inbound-aml-44224', expect: /44224/ },
    { scenario: 'compute-public-ip', id: 'storage-file-smb', expect: /445/ },
    { scenario: 'serverless-compute', id: 'workspace-api', expect: /workspace/ },
    { scenario: 'compute-cluster-other-vnet', id: 'notebooks', expect: /privatelink\.notebooks/ },
    { scenario: 'attached-vm-hdinsight', id: 'inbound-ssh-attached-vm', expect: /\/22/ },
    { scenario: 'studio', id: 'studio-web', expect: /ml\.azure\.com/ },
    { scenario: 'registry-public', id: 'ci-port-877', expect: /877/ },
    { scenario: 'registry-private', id: 'registry-private-fqdn', expect: /privatelink\.api\.azureml\.ms/ },
    { scenario: 'docker-images', id: 'viennaglobal', expect: /viennaglobal/ },
    { scenario: 'aks-inference', id: 'aks-scoring-inbound', expect: /aks-scoring-endpoint-inbound/ },
    { scenario: 'vscode-remote', id: 'vscode-websocket-server', expect: /raw\.githubusercontent/ },
    { scenario: 'package-repos', id: 'pkg-pythonhosted', expect: /pythonhosted/ },
  ];
  for (const r of removals) {
    it(`notices when ${r.id} is removed from ${r.scenario}`, () => {
      const gaps = seedGaps(without(SCENARIOS, r.scenario, r.id));
      assert.ok(gaps.some((g) => g.startsWith(`${r.scenario}:`) && r.expect.test(g)), `no gap reported: ${gaps.join('; ')}`);
    });
  }
});

describe('catalog data: reference facts and backing', () => {
  it('still covers every reference fact the catalog adopted, keeping its sources', () => {
    const { rows } = loadReference();
    assert.deepEqual(referenceGaps(SCENARIOS, rows), []);
  });

  it('excuses only real reference assignments', () => {
    const { rows } = loadReference();
    for (const key of Object.keys(REF_EXCEPTIONS)) {
      const [scenario = '', rest = ''] = key.split(': ');
      const r = rows.get(rest.split('/')[0]!);
      assert.ok(r !== undefined && scenariosOf(r).includes(scenario), `stale exception '${key}'`);
    }
  });

  it('notices when a reference-only row is removed', () => {
    const { rows } = loadReference();
    const gaps = referenceGaps(without(SCENARIOS, 'monitoring', 'monitor-dc-visualstudio'), rows);
    assert.ok(gaps.some((g) => g.includes('dc.services.visualstudio.com')), gaps.join('; '));
  });

  it('fails when any single row is removed from any scenario (every row is load-bearing)', () => {
    const { rows } = loadReference();
    assert.deepEqual(allGaps(SCENARIOS, rows), []);
    // A row is load-bearing when it alone covers some requirement, or a catalog rule needs it.
    const coverage = [...seedCoverage(SCENARIOS), ...referenceCoverage(SCENARIOS, rows)];
    const sole = new Set(coverage.filter((c) => c.matches.length === 1).map((c) => c.matches[0]));
    const unnoticed: string[] = [];
    for (const s of SCENARIOS) {
      for (const r of s.endpoints) {
        const key = `${s.scenario}: ${r.id}`;
        if (!sole.has(key) && policyGaps(without(SCENARIOS, s.scenario, r.id)).length === 0) unnoticed.push(key);
      }
    }
    assert.deepEqual(unnoticed, [], 'rows no oracle entry needs: add the seed or reference fact they stand for');
  });

  it('backs every row by the seed oracle (in its scenario) or by an adopted reference fact', () => {
    const { rows } = loadReference();
    const refs = ADOPTED.flatMap((id) => (rows.has(id) ? refNeeds(rows.get(id)!) : []));
    const unbacked: string[] = [];
    for (const s of SCENARIOS) {
      const seedNeeds = FIXTURE.filter((e) => e.scenarios.includes(s.scenario)).map(seedNeed);
      for (const row of s.endpoints) {
        const backed = seedNeeds.some((n) => rowMeets(row, n)) || refs.some((n) => rowMeets(row, n));
        if (!backed) unbacked.push(`${s.scenario}: ${row.id}`);
      }
    }
    assert.deepEqual(unbacked, []);
  });
});

describe('catalog data: recorded disagreements', () => {
  const rows = SCENARIOS.flatMap((s) => s.endpoints.map((r) => ({ ...r, scenario: s.scenario })));

  it('probes 877 as seed 001 prints it, beside 8787, and says why', () => {
    const r877 = rows.filter((r) => r.ports.includes(877));
    assert.ok(r877.length > 0 && r877.every((r) => r.sources.includes('001_0377f6d47655f550.txt')));
    assert.ok(r877.every((r) => /877/.test(r.disagreement ?? '') && /8787/.test(r.disagreement ?? '')));
    assert.ok(rows.some((r) => r.scenario === 'registry-public' && r.ports.includes(8787) && r.ports.includes(18881)));
  });

  it('records ANY for outbound BatchNodeManagement and notes the TCP-only wording', () => {
    const batch = rows.filter((r) => r.serviceTag?.startsWith('BatchNodeManagement') && r.direction === 'outbound');
    assert.ok(batch.length > 0);
    for (const r of batch) {
      assert.equal(r.transport, 'any', r.id);
      assert.match(r.disagreement ?? '', /TCP/, r.id);
    }
  });

  it('probes both compute-instance spellings, port for port, wherever one is probed', () => {
    assert.deepEqual(policyGaps(SCENARIOS), []);
  });

  it('shows inbound requirements as informational rows with verify text', () => {
    const inbound = rows.filter((r) => r.direction === 'inbound');
    for (const port of [44224, 29876, 29877, 22]) assert.ok(inbound.some((r) => r.ports.includes(port)), `no inbound row for ${port}`);
    for (const r of inbound) {
      assert.equal(r.probe, 'none', r.id);
      assert.equal(r.requirement, 'informational', r.id);
      assert.ok((r.verify ?? '').length > 20, r.id);
    }
  });
});
