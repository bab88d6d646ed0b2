// The one table of command-line options: how each parses (node:util parseArgs reads this table as
// it is), which commands read it, and its help. args.ts refuses an option its command does not
// read, help.ts prints each command's options from here, so the two cannot drift apart.

/** The subcommands amlprobe knows. */
export type Command = 'run' | 'check' | 'catalog' | 'lab' | 'serve' | 'healthcheck' | 'diff' | 'init' | 'completion' | 'help' | 'version';

export const COMMANDS: readonly Command[] = ['run', 'check', 'catalog', 'lab', 'serve', 'healthcheck', 'diff', 'init', 'completion', 'help', 'version'];

/** The commands that read options (help and version accept any and read none). */
export type OptionReader = Exclude<Command, 'help' | 'version'>;

export const OPTION_READERS: readonly OptionReader[] = ['run', 'serve', 'healthcheck', 'check', 'catalog', 'lab', 'diff', 'init', 'completion'];

/** Where an option is listed in a command's help. */
export type OptionSection = 'probe' | 'profile' | 'learning' | 'serve' | 'lab' | 'output' | 'global';

/** One option: its parseArgs shape, the commands that read it, and its help. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's name in the help, e.g. FILE (string options). */
  value?: string;
  /** A value to show in "needs a value, e.g. --timeout 3s". */
  example?: string;
  /** The commands whose code reads it; every other command refuses it (exit 2), see `global`. */
  readBy: readonly OptionReader[];
  /** Accepted by every command, whether it reads it or not (only help, version and no-color). */
  global?: boolean;
  section: OptionSection;
  /** Its help text, wrapped by help.ts. */
  help: string;
  /** Its wording in the overview (amlprobe --help), where `help` is one command's. */
  summary?: string;
  /** A command's own wording, where the option means more (or less) there. */
  helpFor?: Partial<Record<OptionReader, string>>;
  /** Known only to be refused; never shown. */
  hidden?: boolean;
}

/** `run` and the two commands that probe its plan. */
const PLAN: readonly OptionReader[] = ['run', 'serve', 'healthcheck'];
/** Commands that build run settings from flags (lab reads only its timing flags). */
const SETTINGS: readonly OptionReader[] = [...PLAN, 'check'];
/** Commands that fill the catalog for a workspace profile. */
const PROFILE: readonly OptionReader[] = [...PLAN, 'catalog'];
/** Commands that write a report with --format/--output (serve and healthcheck refuse those themselves). */
const REPORTS: readonly OptionReader[] = ['run', 'check', 'catalog', 'lab', 'diff'];

const REPEATABLE_OUTPUT =
  'write the report to FILE (atomically) instead of stdout; repeatable (one probe, several reports): each file\'s format comes from its extension, .json .html .md .xml (junit) .txt (table); --format names it for a single file without one. "wrote FILE" on stderr per file. A regular file is replaced atomically; a symbolic link is followed; a device, FIFO or socket is written through (never replaced); a directory is refused';
const RUN_FORMAT_HELP =
  'table (default), json, html (one self-contained page: colour grid, filters, evidence), junit (JUnit XML for CI: a testsuite per scenario, a testcase per endpoint and layer, the reason code as the failure type) or markdown (a report to paste into a ticket, with "What to fix")';

/** Every option, once. */
export const OPTIONS = {
  help: { type: 'boolean', short: 'h', readBy: [], global: true, section: 'global', help: 'this help; with a command (or amlprobe help COMMAND), that command\'s options only' },
  version: { type: 'boolean', short: 'V', readBy: [], global: true, section: 'global', help: 'print the version' },
  format: {
    type: 'string', example: 'json', short: 'f', value: 'FORMAT', readBy: REPORTS, section: 'output', help: RUN_FORMAT_HELP,
    summary: 'the format of the report: table (default), json, html, junit or markdown for run, check and lab; each command\'s help lists its own',
    helpFor: { catalog: 'table (default), json, csv or markdown', diff: 'table (default), json or markdown' },
  },
  output: {
    type: 'string', example: 'report.json', short: 'o', multiple: true, value: 'FILE', readBy: REPORTS, section: 'output', help: REPEATABLE_OUTPUT,
    summary: 'write the report to FILE (atomically) instead of stdout; repeatable for run, check and lab (each file\'s format from its extension)',
    helpFor: {
      catalog: 'write the list to FILE (atomically) instead of stdout; a device, FIFO or socket is written through, a directory is refused',
      diff: 'write the comparison to FILE (atomically) instead of stdout; a device, FIFO or socket is written through, a directory is refused',
    },
  },
  config: {
    type: 'string', example: 'amlprobe.yaml', short: 'c', value: 'FILE', readBy: [...SETTINGS, 'catalog'], section: 'probe',
    help: "YAML config (endpoints, expectations, settings, workspace profile); see config/example.yaml and config/amlprobe.schema.json. Without --config: ./amlprobe.yaml when there is one, else the file AMLPROBE_CONFIG names (named on stderr); 'amlprobe init' writes a starter",
    helpFor: {
      check: 'YAML config: \'check\' takes its settings, CA files and private-endpoint files only (not its endpoints or workspace profile); see config/example.yaml',
      catalog: 'YAML config: its workspace profile and scenarios fill the catalog; see config/example.yaml',
    },
  },
  timeout: {
    type: 'string', example: '3s', short: 't', value: 'DURATION', readBy: [...SETTINGS, 'lab'], section: 'probe',
    help: "per-layer timeout, e.g. 3s or 800ms (default 3s); units ms, s, m are required (a number alone is refused: 3s? 3000ms?); a DNS query's starts when it is sent, not while it waits its turn",
  },
  deadline: {
    type: 'string', example: '30s', value: 'DURATION', readBy: [...SETTINGS, 'lab'], section: 'probe',
    help: "the whole command, from its start (default 5 x timeout): the steps before the first probe (IMDS, discovery, DNS pre-flight) get a third of it at most, probing ends by it (+250 ms to collect the endpoints it cut short, reported as 'deadline'); the report is written after",
    helpFor: {
      healthcheck: 'the whole healthcheck, learning the workspace included (default 10s; a longer one in the config is cut to 10s)',
      lab: 'the whole lab run, from its start (default 5 x timeout)',
    },
  },
  concurrency: {
    type: 'string', example: '64', value: 'N', readBy: [...SETTINGS, 'lab'], section: 'probe',
    help: 'endpoints probed at once (default: as many as the open-files limit, ulimit -n, allows; a larger value is lowered to fit it, with a note)',
    helpFor: { lab: 'endpoints probed at once (default 8 here)' },
  },
  'dns-server': {
    type: 'string', example: '10.0.0.4', multiple: true, value: 'IP[:PORT]', readBy: SETTINGS, section: 'probe',
    help: "ask this DNS server directly (repeatable); its answers then decide where to connect. Default: the nameservers of /etc/resolv.conf (Windows: the network adapters' DNS servers), recorded beside the system resolver's answer. A server this machine has no route to is reported per name (dns_unreachable), not refused",
  },
  'no-system-resolver': { type: 'boolean', readBy: SETTINGS, section: 'probe', help: 'do not ask the system resolver (getaddrinfo, /etc/hosts)' },
  'azure-dns': {
    type: 'boolean', readBy: SETTINGS, section: 'probe',
    help: 'also ask Azure-provided DNS (168.63.129.16), to compare: names a custom DNS server that does not forward privatelink zones, or a privatelink zone not linked to the VNet (run from inside Azure)',
  },
  'azure-dns-address': { type: 'string', example: '168.63.129.16', value: 'IP[:PORT]', readBy: SETTINGS, section: 'probe', help: 'the same, asking this address instead of 168.63.129.16' },
  'no-azure-dns': {
    type: 'boolean', readBy: PLAN, section: 'probe',
    help: "do not ask Azure DNS even though amlprobe found it runs in Azure ('run' switches it on by itself when IMDS answers or on a compute instance; if it does not answer, the run goes on without it)",
  },
  'private-cidr': {
    type: 'string', example: '172.30.0.0/16', multiple: true, value: 'CIDR', readBy: SETTINGS, section: 'probe',
    help: 'count this range as private too (repeatable); RFC 1918, RFC 6598 and IPv6 ULA always are',
  },
  'expect-private': { type: 'boolean', readBy: SETTINGS, section: 'probe', help: 'every name must resolve to a private address (private endpoints)' },
  'expect-blocked': {
    type: 'string', example: 'https://pypi.org', multiple: true, value: 'TARGET', readBy: ['check'], section: 'probe',
    help: 'also probe TARGET, which must NOT be reachable (repeatable; an exfiltration path that must stay closed): NXDOMAIN, a refused, dropped or reset connection or a firewall or proxy denial passes as blocked_as_expected, naming the layer; a connection that gets through fails as unexpectedly_open',
  },
  'all-addresses': { type: 'boolean', readBy: SETTINGS, section: 'probe', help: 'probe every address a name resolves to, not only the first' },
  'ca-file': {
    type: 'string', example: 'corporate-root.pem', multiple: true, value: 'FILE', readBy: SETTINGS, section: 'probe',
    help: 'trust this CA bundle too (repeatable), besides the system CAs and NODE_EXTRA_CA_CERTS; a Microsoft endpoint that verifies only through such a CA warns tls_inspected',
  },
  proxy: {
    type: 'string', example: 'http://proxy.corp:3128', value: 'URL', readBy: SETTINGS, section: 'probe',
    help: 'tunnel http(s)/ws(s)/tls and tcp:// endpoints through this HTTP proxy (http://[user:pass@]host:port, CONNECT); default: https_proxy / http_proxy / no_proxy from the environment (never for tcp://)',
  },
  'no-proxy': { type: 'boolean', readBy: SETTINGS, section: 'probe', help: 'connect directly, ignoring the proxy variables' },
  'private-endpoints-json': {
    type: 'string', example: 'private-endpoints.json', multiple: true, value: 'FILE', readBy: SETTINGS, section: 'probe',
    help: "'az network private-endpoint show|list -o json' output (repeatable; also dns-zone-group list, nic show): each private FQDN must resolve to exactly its endpoint's address; names no row covers get a DNS check",
    helpFor: {
      check: "'az network private-endpoint show|list -o json' output (repeatable; also dns-zone-group list, nic show): each target that is a private FQDN must resolve to exactly its endpoint's address, and every other private name in the files gets a DNS check (targets are then optional)",
    },
  },
  'private-dependency': {
    type: 'string', example: 'storage', multiple: true, value: 'KIND|HOST', readBy: SETTINGS, section: 'probe',
    help: 'this dependency is behind a private endpoint, so its names must resolve privately (repeatable, or comma-separated): storage, blob, file, queue, table, dfs, keyvault, acr, a host name or *.suffix. Without it a name still fails when its CNAME enters its privatelink zone and ends public',
  },
  'public-dependency': {
    type: 'string', example: 'storage', multiple: true, value: 'KIND|HOST', readBy: SETTINGS, section: 'probe',
    help: 'this client reaches this dependency by its public endpoint (a service endpoint or an allowed public IP) although it has a private endpoint elsewhere, so a public answer passes even when its CNAME enters its privatelink zone; same values as --private-dependency; wins over --expect-private',
  },
  scenario: { type: 'string', example: 'studio', multiple: true, value: 'NAME', readBy: [...PLAN, 'catalog'], section: 'profile', help: "only these catalog scenarios (repeatable); see 'amlprobe catalog'" },
  cloud: { type: 'string', example: 'public', value: 'NAME', readBy: PROFILE, section: 'profile', help: 'public (default), china or usgov' },
  region: { type: 'string', example: 'eastus', value: 'NAME', readBy: PROFILE, section: 'profile', help: 'e.g. eastus, westeurope' },
  'workspace-name': { type: 'string', value: 'NAME', readBy: PROFILE, section: 'profile', help: "the workspace's name" },
  'workspace-id': { type: 'string', value: 'GUID', readBy: PROFILE, section: 'profile', help: "the workspace's ID (a GUID)" },
  'storage-account': { type: 'string', multiple: true, value: 'NAME', readBy: PROFILE, section: 'profile', help: 'a storage account of the workspace (repeatable)' },
  'key-vault': { type: 'string', value: 'NAME', readBy: PROFILE, section: 'profile', help: "the workspace's key vault" },
  'container-registry': { type: 'string', value: 'NAME', readBy: PROFILE, section: 'profile', help: "the workspace's container registry" },
  'compute-instance': { type: 'string', value: 'NAME', readBy: PROFILE, section: 'profile', help: 'the compute instance (adds the VS Code remote scenario)' },
  registry: { type: 'string', multiple: true, value: 'NAME[@REGION]', readBy: PROFILE, section: 'profile', help: 'an Azure ML registry (repeatable)' },
  'registry-storage-account': {
    type: 'string', multiple: true, value: '[REGISTRY=]NAME', readBy: PROFILE, section: 'profile',
    help: "a registry's own storage account, probed on 443 (REGISTRY= when several registries are given)",
  },
  'registry-acr': {
    type: 'string', multiple: true, value: '[REGISTRY=]NAME', readBy: PROFILE, section: 'profile',
    help: "a registry's own container registry, probed on 443 (REGISTRY= when several registries are given)",
  },
  'private-endpoints': { type: 'boolean', readBy: PROFILE, section: 'profile', help: 'the workspace is reached through private endpoints' },
  'no-private-endpoints': { type: 'boolean', readBy: PROFILE, section: 'profile', help: 'the workspace is not reached through private endpoints' },
  'managed-network': {
    type: 'string', example: 'allow-only-approved-outbound', value: 'MODE', readBy: [...PROFILE, 'lab'], section: 'profile',
    help: "the workspace's managed virtual network isolation mode: disabled, allow-internet-outbound or allow-only-approved-outbound (also read from --workspace-json). A managed mode probes the managed-network scenario instead of the compute-VNet one; approved-only adds canaries that must stay blocked (blocked_as_expected / unexpectedly_open) and the workspace's FQDN rules as rows that must answer",
    helpFor: { lab: 'simulate a managed virtual network in this mode (allow-only-approved-outbound: approved rows answer, canaries are dropped, one exfiltration path is planted open and must be caught)' },
  },
  'workspace-json': {
    type: 'string', example: 'workspace.json', value: 'FILE', readBy: [...PROFILE, 'init'], section: 'profile',
    help: "read the profile from 'az ml workspace show -o json' output (region, name, ID, storage, key vault, registry, cloud, public access); flags and config keys win over it",
    helpFor: { init: "fill the starter config's workspace profile from 'az ml workspace show -o json' output" },
  },
  // Known only so that it can be refused without echoing its value (see refuseTokenFlag in args.ts).
  token: { type: 'string', readBy: [], section: 'learning', help: 'refused: a token on the command line shows in ps and shell history', hidden: true },
  'token-file': {
    type: 'string', example: '~/.amlprobe-token', value: 'FILE', readBy: PLAN, section: 'learning',
    help: 'read the access token from FILE (--token is refused: it would show in ps and shell history)',
  },
  'no-imds': { type: 'boolean', readBy: PLAN, section: 'learning', help: 'never ask IMDS' },
  'no-discovery': { type: 'boolean', readBy: PLAN, section: 'learning', help: 'never call registry discovery' },
  'no-faults': { type: 'boolean', readBy: ['lab'], section: 'lab', help: 'a healthy lab: every endpoint passes' },
  interval: {
    type: 'string', example: '60s', value: 'DURATION', readBy: ['serve'], section: 'serve',
    help: 'time between the starts of two runs (default 60s); a slower run delays the next, runs never overlap',
  },
  listen: {
    type: 'string', example: '127.0.0.1:9464', value: 'HOST:PORT', readBy: ['serve'], section: 'serve',
    help: 'where to listen (default 127.0.0.1:9464; 0.0.0.0:9464 for a container). /healthz is 200 when every required endpoint passed, else 503',
  },
  'serve-state': {
    type: 'string', value: 'FILE', readBy: ['serve', 'healthcheck'], section: 'serve', help: '',
    helpFor: {
      serve: 'rewrite FILE (atomically) after each run (default: the AMLPROBE_SERVE_STATE variable, which the container image sets)',
      healthcheck: "probe nothing, read FILE (written by 'amlprobe serve --serve-state'): exit 0 when serve's last run is recent and no required endpoint failed, else 1; no FILE (no serve here: a one-shot run or lab container) is exit 0",
    },
  },
  compact: { type: 'boolean', readBy: ['run', 'check'], section: 'output', help: 'with JSON: the report on one line, for line-based log collectors' },
  'show-commands': {
    type: 'boolean', readBy: ['run', 'check', 'lab'], section: 'output',
    help: 'under each failed row of the table and Markdown reports, the standard commands that reproduce it with the same server, address, name and proxy (dig, nc, openssl s_client, curl), quoted for the shell; the JSON report always has them (reproduce), the HTML report in each row\'s evidence',
  },
  quiet: {
    type: 'boolean', short: 'q', readBy: ['run', 'check'], section: 'output',
    help: 'print only the verdict line (the exit code says the rest); no progress or notes on stderr. --output files are still written whole',
  },
  verbose: {
    type: 'boolean', short: 'v', readBy: ['run', 'check'], section: 'output',
    help: "table: under every row, passed ones too, each layer's time and each resolver's answer",
  },
  force: { type: 'boolean', readBy: ['init'], section: 'output', help: 'replace FILE when it exists (without it, init never overwrites a file)' },
  'no-color': {
    type: 'boolean', readBy: ['run', 'check', 'lab'], global: true, section: 'output',
    help: 'no colour (also NO_COLOR=1; colour is off when not a terminal)',
  },
} as const satisfies Record<string, OptionSpec>;

/** An option's long name. */
export type OptionName = keyof typeof OPTIONS;

export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

/** The option's spec, widened for code that reads any field. */
export function optionSpec(name: OptionName): OptionSpec {
  return OPTIONS[name];
}

/** The options a command's code reads, in table order. */
export function optionsReadBy(command: OptionReader): OptionName[] {
  return OPTION_NAMES.filter((name) => optionSpec(name).readBy.includes(command));
}

/**
 * Options a command refuses by itself, with a sentence saying what to use instead (serve and
 * healthcheck write no report file): the parser lets them through to it.
 */
export const REFUSED_BY_COMMAND: Partial<Record<OptionReader, readonly OptionName[]>> = {
  serve: ['format', 'output'],
  healthcheck: ['format', 'output'],
};

/** The options the parser lets through to a command: those it reads, refuses itself, or every command accepts. */
export function optionsAcceptedBy(command: OptionReader): ReadonlySet<OptionName> {
  return new Set(OPTION_NAMES.filter((name) => optionSpec(name).readBy.includes(command) || optionSpec(name).global === true || REFUSED_BY_COMMAND[command]?.includes(name)));
}
