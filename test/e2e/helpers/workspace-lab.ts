// A fake secured Azure ML workspace built from real third-party servers inside two network
// namespaces made by netns.ts: dnsmasq answers the workspace's names through privatelink CNAME
// chains, nginx terminates TLS (certificate from a test CA) and serves HTTP, the registry discovery
// path and WebSocket upgrades (proxied to backend.js), nftables drops and rejects some traffic, and
// backend.js listens on TCP 445. amlprobe runs in the client namespace through `runAmlprobe`.
//
// Addresses (inside the namespaces only; nothing is routed elsewhere):
//   10.20.0.2   client (amlprobe)
//   10.20.0.53  dnsmasq
//   10.20.0.10  nginx: workspace API, notebooks (wss), regional API (registry discovery)
//   10.20.0.11  container registry: every TCP packet dropped by nftables (tcp_timeout)
//   10.20.0.12  file share: TCP 445 listener; TCP 443 rejected with a TCP reset (tcp_refused)
//   10.20.0.13  UDP: 5831 rejected with ICMP port unreachable, 5832 no listener (udp_closed)
//   10.20.0.30  tinyproxy: 3128 allow-list (workspace, registry), 3129 Basic auth, 3130 nothing
//   198.51.100.20  the public answer of a privatelink zone that is not linked to the VNet

import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, cliEnv } from '../../helpers/cli.js';
import type { CliResult } from '../../helpers/cli.js';
import { createTestCa } from '../../helpers/test-ca.js';
import { IP, assertPrerequisites, createNamespacePair, findProgram } from './netns.js';
import type { NamespacePair, Requirement } from './netns.js';
import { nginxWith } from './nginx-config.js';

/** The programs the suite runs, with the Debian packages CI installs for them. */
export const REQUIREMENTS: readonly Requirement[] = [
  { program: 'ip', debianPackage: 'iproute2' },
  { program: 'ss', debianPackage: 'iproute2' },
  { program: 'dnsmasq', debianPackage: 'dnsmasq-base' },
  { program: 'nginx', debianPackage: 'nginx-light' },
  { program: 'nft', debianPackage: 'nftables' },
  { program: 'openssl', debianPackage: 'openssl' },
  { program: 'tinyproxy', debianPackage: 'tinyproxy' },
];

/** The fake workspace: East US, this workspace id. */
export const WORKSPACE_ID = '3c6f0e2a-9b1d-4e57-a8c2-5f0d7e1b9a64';
export const REGION = 'eastus';

/** Host names the DNS server knows, and what each is for. */
export const HOSTS = {
  /** CNAME into privatelink.api.azureml.ms, A 10.20.0.10. */
  workspace: `${WORKSPACE_ID}.workspace.${REGION}.api.azureml.ms`,
  workspacePrivatelink: `${WORKSPACE_ID}.workspace.${REGION}.privatelink.api.azureml.ms`,
  /** CNAME into privatelink.notebooks.azure.net, A 10.20.0.10 (WebSocket). */
  notebooks: `ml-contoso-${REGION}-${WORKSPACE_ID}.${REGION}.notebooks.azure.net`,
  notebooksPrivatelink: `ml-contoso-${REGION}-${WORKSPACE_ID}.${REGION}.privatelink.notebooks.azure.net`,
  /** A 10.20.0.10: the regional API that answers registry discovery. */
  regional: `${REGION}.api.azureml.ms`,
  /** No record in a zone the server is authoritative for: NXDOMAIN. */
  missing: `${WORKSPACE_ID}.workspace.${REGION}.cert.api.azureml.ms`,
  /** Unlinked privatelink zone: the chain ends at the public address 198.51.100.20. */
  blob: 'contosomlsa.blob.core.windows.net',
  blobPrivatelink: 'contosomlsa.privatelink.blob.core.windows.net',
  blobPublic: 'blob.bl5prdstr09a.store.core.windows.net',
  /** A second account under the same unlinked zone: its chain ends at the same public address (one cause, two names). */
  blob2: 'contosomlsb.blob.core.windows.net',
  blob2Privatelink: 'contosomlsb.privatelink.blob.core.windows.net',
  /** CNAME into privatelink.file, A 10.20.0.12 (445 open, 443 reset). */
  file: 'contosomlsa.file.core.windows.net',
  filePrivatelink: 'contosomlsa.privatelink.file.core.windows.net',
  /** CNAME into privatelink.azurecr.io, A 10.20.0.11 (every TCP packet dropped). */
  registry: 'contosoacr.azurecr.io',
  registryPrivatelink: 'contosoacr.privatelink.azurecr.io',
  /** A 198.51.100.20: a public name here, allowed by the filtering proxy (CONNECT to 443 only). */
  publicRegional: 'westus.api.azureml.ms',
  /** A 10.20.0.13 (UDP rejected / no listener). */
  tundra: `${REGION}.tundra.azureml.ms`,
} as const;

/** The registry whose discovery document nginx serves. */
export const REGISTRY = 'contoso-registry';
export const REGISTRY_ID = 'f1e2d3c4-0000-4000-8000-00000000e2e0';
/** The FQDN discovery returns for the registry (CNAME into privatelink.api.azureml.ms, A 10.20.0.10), and its private name. */
export const REGISTRY_HOSTS = {
  fqdn: `${REGISTRY_ID}.registry.${REGION}.api.azureml.ms`,
  privatelink: `${REGISTRY_ID}.registry.${REGION}.privatelink.api.azureml.ms`,
} as const;
export const DISCOVERY_PATH = `/registrymanagement/v1.0/registries/${REGISTRY}/discovery`;

export const ADDR = {
  client: '10.20.0.2',
  dns: '10.20.0.53',
  web: '10.20.0.10',
  dropped: '10.20.0.11',
  file: '10.20.0.12',
  udp: '10.20.0.13',
  public: '198.51.100.20',
  proxy: '10.20.0.30',
} as const;

/** Forward proxies (tinyproxy) in the service namespace. */
export const PROXY = {
  /** Allows CONNECT to the workspace, registry and public regional hosts on 443 only; denies everything else (403). */
  filtering: `http://${ADDR.proxy}:3128`,
  /** Wants Basic credentials (407). */
  auth: `http://${ADDR.proxy}:3129`,
  /** Nothing listens here (proxy_unreachable). */
  closed: `http://${ADDR.proxy}:3130`,
} as const;

/** Where the WebSocket backend listens inside the service namespace (nginx proxies to it). */
const WS_BACKEND_PORT = 8081;

/** A running lab: its namespaces, the CA file to pass with --ca-file, and how to stop it. */
export interface WorkspaceLab {
  pair: NamespacePair;
  /** PEM file of the test CA that issued nginx's certificate. */
  caFile: string;
  /** --dns-server value. */
  dnsServer: string;
  /** Runs `node dist/src/cli.js ...args` inside the client namespace, `env` added. Never rejects. */
  runAmlprobe(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Stops every server, deletes both namespaces and the temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

function dnsmasqConfig(dir: string): string {
  const host = (name: string, address: string): string => `host-record=${name},${address}`;
  const cname = (alias: string, target: string): string => `cname=${alias},${target}`;
  return [
    'port=53',
    `listen-address=${ADDR.dns}`,
    'bind-interfaces',
    'no-resolv',
    'no-hosts',
    'no-poll',
    'no-negcache',
    'user=root',
    `pid-file=${join(dir, 'dnsmasq.pid')}`,
    // Authoritative-like: a name under these zones without a record is NXDOMAIN, never forwarded.
    'local=/azureml.ms/',
    'local=/azure.net/',
    'local=/windows.net/',
    'local=/azurecr.io/',
    host(HOSTS.workspacePrivatelink, ADDR.web),
    cname(HOSTS.workspace, HOSTS.workspacePrivatelink),
    host(HOSTS.notebooksPrivatelink, ADDR.web),
    cname(HOSTS.notebooks, HOSTS.notebooksPrivatelink),
    host(HOSTS.regional, ADDR.web),
    host(HOSTS.blobPublic, ADDR.public),
    cname(HOSTS.blobPrivatelink, HOSTS.blobPublic),
    cname(HOSTS.blob, HOSTS.blobPrivatelink),
    cname(HOSTS.blob2Privatelink, HOSTS.blobPublic),
    cname(HOSTS.blob2, HOSTS.blob2Privatelink),
    host(HOSTS.filePrivatelink, ADDR.file),
    cname(HOSTS.file, HOSTS.filePrivatelink),
    host(HOSTS.registryPrivatelink, ADDR.dropped),
    cname(HOSTS.registry, HOSTS.registryPrivatelink),
    host(HOSTS.tundra, ADDR.udp),
    host(REGISTRY_HOSTS.privatelink, ADDR.web),
    cname(REGISTRY_HOSTS.fqdn, REGISTRY_HOSTS.privatelink),
    host(HOSTS.publicRegional, ADDR.public),
    '',
  ].join('\n');
}

function nginxConfig(dir: string): string {
  // The documented shape: registryFqdns keyed by region, each {uri} (src/azure/registry-discovery.ts).
  const discoveryBody = JSON.stringify({
    registryName: REGISTRY,
    primaryRegion: REGION,
    regions: [REGION],
    registryId: REGISTRY_ID,
    registryFqdns: { [REGION]: { uri: `https://${REGISTRY_HOSTS.fqdn}` } },
  });
  return nginxWith(dir, `  server {
    listen ${ADDR.web}:443 ssl;
    listen ${ADDR.web}:80;
    server_name _;
    ssl_certificate ${dir}/leaf.pem;
    ssl_certificate_key ${dir}/leaf.key;
    location = ${DISCOVERY_PATH} {
      default_type application/json;
      return 200 '${discoveryBody}';
    }
    location /ws {
      proxy_pass http://127.0.0.1:${WS_BACKEND_PORT};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $host;
    }
    location / {
      default_type text/plain;
      return 200 'amlprobe e2e nginx\\n';
    }
  }`);
}

/** tinyproxy's configuration; `extra` adds the filter or the credentials. */
function tinyproxyConfig(port: number, extra: string[]): string {
  return [
    `Port ${port}`,
    `Listen ${ADDR.proxy}`,
    'Timeout 10',
    'MaxClients 20',
    'LogLevel Error',
    'User nobody',
    'Group nogroup',
    'ConnectPort 443',
    ...extra,
    '',
  ].join('\n');
}

/** The filtering proxy's allow-list (extended regular expressions on the CONNECT host). */
function proxyAllowList(): string {
  const escape = (host: string): string => host.replace(/[.]/g, '\\.');
  return [`^${escape(HOSTS.workspace)}$`, `^${escape(HOSTS.registry)}$`, `^${escape(HOSTS.publicRegional)}$`, ''].join('\n');
}

const NFT_RULES = `
table inet amlprobe_e2e {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr ${ADDR.dropped} meta l4proto tcp drop
    ip daddr ${ADDR.file} tcp dport 443 reject with tcp reset
    ip daddr ${ADDR.udp} udp dport 5831 reject with icmpx type port-unreachable
  }
}
`;

/** Checks prerequisites, then builds the namespaces and starts every server. Cleans up on failure. */
export async function startWorkspaceLab(): Promise<WorkspaceLab> {
  assertPrerequisites(REQUIREMENTS);
  const dir = await mkdtemp(join(tmpdir(), 'amlprobe-e2e-'));
  const ca = await createTestCa('amlprobe e2e Test CA');
  let pair: NamespacePair | undefined;
  const stop = async (): Promise<void> => {
    await pair?.destroy();
    await ca.cleanup();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const leaf = await ca.issue({ names: [HOSTS.regional, HOSTS.workspace, HOSTS.notebooks, REGISTRY_HOSTS.fqdn, ADDR.web] }); // the first is the CN: at most 64 characters
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, ca.caCert);
    await writeFile(join(dir, 'leaf.pem'), leaf.cert);
    await writeFile(join(dir, 'leaf.key'), leaf.key, { mode: 0o600 });
    await writeFile(join(dir, 'dnsmasq.conf'), dnsmasqConfig(dir));
    await writeFile(join(dir, 'nginx.conf'), nginxConfig(dir));
    await writeFile(join(dir, 'rules.nft'), NFT_RULES);
    await writeFile(join(dir, 'proxy-allow.txt'), proxyAllowList());
    await writeFile(join(dir, 'tinyproxy-filter.conf'), tinyproxyConfig(3128, [
      `Filter "${join(dir, 'proxy-allow.txt')}"`, 'FilterType ere', 'FilterDefaultDeny Yes',
    ]));
    await writeFile(join(dir, 'tinyproxy-auth.conf'), tinyproxyConfig(3129, ['BasicAuth amlprobe s3cret']));
    // tinyproxy drops to nobody before it reads its filter file.
    await chmod(dir, 0o755);

    pair = await createNamespacePair({
      clientAddress: `${ADDR.client}/24`,
      serviceAddresses: [`${ADDR.dns}/24`, `${ADDR.web}/24`, `${ADDR.dropped}/24`, `${ADDR.file}/24`, `${ADDR.udp}/24`, `${ADDR.proxy}/24`, `${ADDR.public}/24`],
      clientRoutes: ['198.51.100.0/24'],
      // tinyproxy resolves targets with getaddrinfo: in the service namespace that must be dnsmasq,
      // never the host's resolver (ip netns exec bind-mounts this file over /etc/resolv.conf).
      serviceResolvConf: `nameserver ${ADDR.dns}\n`,
    });
    const svc = pair.service;
    await pair.exec(svc, findProgram('nft') ?? 'nft', ['-f', join(dir, 'rules.nft')]);

    const dnsmasq = pair.spawnDaemon('dnsmasq', svc, findProgram('dnsmasq') ?? 'dnsmasq', [
      '--keep-in-foreground', '--log-facility=-', `--conf-file=${join(dir, 'dnsmasq.conf')}`,
    ]);
    const backendJs = join(dirname(fileURLToPath(import.meta.url)), 'backend.js');
    const backend = pair.spawnDaemon('backend.js', svc, process.execPath, [backendJs, String(WS_BACKEND_PORT), ADDR.file]);
    const nginx = pair.spawnDaemon('nginx', svc, findProgram('nginx') ?? 'nginx', ['-p', dir, '-e', 'stderr', '-c', join(dir, 'nginx.conf')]);

    const tinyproxy = findProgram('tinyproxy') ?? 'tinyproxy';
    const filtering = pair.spawnDaemon('tinyproxy (filtering)', svc, tinyproxy, ['-d', '-c', join(dir, 'tinyproxy-filter.conf')]);
    const auth = pair.spawnDaemon('tinyproxy (auth)', svc, tinyproxy, ['-d', '-c', join(dir, 'tinyproxy-auth.conf')]);

    await pair.waitForListener(svc, 'udp', ADDR.dns, 53, dnsmasq);
    await pair.waitForListener(svc, 'tcp', ADDR.dns, 53, dnsmasq);
    await pair.waitForListener(svc, 'tcp', '127.0.0.1', WS_BACKEND_PORT, backend);
    await pair.waitForListener(svc, 'tcp', ADDR.file, 445, backend);
    await pair.waitForListener(svc, 'tcp', ADDR.web, 443, nginx);
    await pair.waitForListener(svc, 'tcp', ADDR.web, 80, nginx);
    await pair.waitForListener(svc, 'tcp', ADDR.proxy, 3128, filtering);
    await pair.waitForListener(svc, 'tcp', ADDR.proxy, 3129, auth);

    const client = pair.client;
    return {
      pair,
      caFile,
      dnsServer: ADDR.dns,
      runAmlprobe: (args, env) => runInNamespace(client, args, env),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `ip netns exec NS node dist/src/cli.js ...args`, with the CLI tests' environment. */
function runInNamespace(ns: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  if (!args.includes('--no-system-resolver')) {
    throw new Error(`runAmlprobe: pass --no-system-resolver (args: ${args.join(' ')})`);
  }
  const started = performance.now();
  const env = cliEnv({ NODE_EXTRA_CA_CERTS: undefined, HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined, ...extraEnv });
  return new Promise((resolve) => {
    execFile(
      IP,
      ['netns', 'exec', ns, process.execPath, CLI_PATH, ...args],
      { env, timeout: 20_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
      },
    );
  });
}
