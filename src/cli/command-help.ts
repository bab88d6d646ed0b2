// The prose of the help that belongs to one command (what it does, what it takes besides options,
// what its exit code means) and the headings of the option sections. The options themselves and
// their help come from the one table in options.ts; help.ts puts the two together.

import { PROBE_KINDS } from '../checks/kinds.js';
import type { OptionReader, OptionSection } from './options.js';

/** The Targets lines of check's help: one per probe kind, from the kind itself (src/checks/kinds.ts), read when shown. */
const targetLines = (): string => PROBE_KINDS.map((kind) => `  ${kind.help.target.padEnd(26)} ${kind.help.does}`).join('\n');

/** One command's help besides its options. */
export interface CommandHelp {
  /** How it is called, e.g. "amlprobe check TARGET... [options]". */
  usage: string;
  /** One sentence: what it does (the overview lists it beside the usage). */
  summary: string;
  /** Paragraphs shown before its options, each line as printed. */
  about?: string;
  /** Its exit codes 0 and 1 (2 and 3 mean the same for every command). */
  exit: string;
}

const PROBE_EXIT = `  0  every required endpoint passed (warnings allowed)
  1  at least one required endpoint failed`;

export const COMMAND_HELP: Record<OptionReader, CommandHelp> = {
  run: {
    usage: 'amlprobe [run] [options]',
    summary: 'probe the documented endpoints of the workspace (the catalog) and any endpoints listed in --config',
    exit: PROBE_EXIT,
  },
  check: {
    usage: 'amlprobe check TARGET... [options]',
    summary: 'probe the given targets (with --private-endpoints-json, also every private endpoint name in the files; targets optional)',
    get about(): string {
      return `Targets:
${targetLines()}
  IPv6 literals go in brackets: tcp://[fd00::5]:443
Every target is required; --expect-private applies to all of them.`;
    },
    exit: PROBE_EXIT,
  },
  catalog: {
    usage: 'amlprobe catalog [options]',
    summary: 'print what would be probed, without sending a packet',
    about: `The list a firewall administrator needs: hosts, ports, service tags and rules, expanded for the
workspace profile. Without --scenario it lists every scenario.`,
    exit: '  0  the list was written',
  },
  lab: {
    usage: 'amlprobe lab [options]',
    summary: 'try amlprobe on a simulated workspace with planted faults',
    about: `Start here if you have no secured workspace at hand. A fake workspace (contoso-ml, East US,
private endpoints) is simulated inside amlprobe on 127.0.0.1: its own DNS, TLS, HTTP, TCP and UDP
servers; nothing leaves this machine. The normal catalog and engine probe it and print the normal
report, then each planted fault (privatelink zone not linked, missing record, DNS over TCP
blocked, dropped traffic, refused port, closed UDP port, TLS inspection, a proxy that denies, a
proxy that cannot reach, a private name sent to the proxy, a resource firewall), whether
amlprobe caught it and what to fix in Azure. Takes a few seconds.`,
    exit: `  0  every planted fault was reported with its expected reason and every other endpoint passed
  1  otherwise (the lab checks amlprobe itself)`,
  },
  serve: {
    usage: 'amlprobe serve [options]',
    summary: 'probe the plan of run on a schedule; serve /metrics (Prometheus), /healthz, /report.json over HTTP',
    about: `The same probe options, workspace profile and --config as run; endpoints come only from them,
never from a request. No --format or --output: fetch /report.json or /metrics instead.`,
    exit: '  0  stopped by SIGTERM or SIGINT',
  },
  healthcheck: {
    usage: 'amlprobe healthcheck [options]',
    summary: 'one silent run for Docker HEALTHCHECK / Kubernetes exec probes: exit 0, or 1 with one line naming the failing required endpoints',
    about: `The same probe options, workspace profile and --config as run. Deadline 10s unless --deadline is
given, learning the workspace included; prints nothing when healthy.`,
    exit: PROBE_EXIT,
  },
  diff: {
    usage: 'amlprobe diff OLD.json NEW.json [options]',
    summary: 'what changed between two JSON reports (new failures, fixed, reason and DNS answer changes, endpoints added or removed)',
    about: "Write the reports with 'amlprobe --format json --output FILE'.",
    exit: `  0  no required endpoint fails in NEW that did not in OLD
  1  a required endpoint fails in NEW and did not in OLD`,
  },
  init: {
    usage: 'amlprobe init [FILE] [options]',
    summary: 'write a commented starter config (default ./amlprobe.yaml), filled with what amlprobe can learn here',
    about: `Fills the workspace profile from --workspace-json and, on a compute instance, from its markers
(/mnt/azmnt/.nbvm, CI_* variables); everything else is commented out, ready to edit. The first line
points editors (yaml-language-server) at the config schema by absolute path, so completion keeps
working wherever the file is copied on this machine. Never replaces a file without --force; FILE -
writes to stdout. Every command that reads --config then finds ./amlprobe.yaml by itself.`,
    exit: '  0  the file was written',
  },
  completion: {
    usage: 'amlprobe completion bash|zsh',
    summary: "print a shell completion script: source <(amlprobe completion bash), or add that line to ~/.bashrc",
    about: `Generated from the commands and the table of options, so every flag of this version completes.
zsh: source <(amlprobe completion zsh) in ~/.zshrc (after compinit).`,
    exit: '  0  the script was printed',
  },
};

/** Exit codes 2 and 3, the same for every command. */
export const COMMON_EXIT = `  2  usage or configuration error: the message says what, where and how to fix it (a flag the
     command does not read, e.g. check --scenario or catalog --timeout, is one; so is an input
     file over its size cap: config 4 MiB, CA file 16 MiB, workspace JSON 4 MiB, private-endpoint
     JSON 64 MiB, token file 1 MiB, diff report 256 MiB)
  3  a bug in amlprobe: one line asking for a bug report (AMLPROBE_DEBUG=1 adds the stack)`;

/** The heading of each section of options, and the prose that opens it. */
export const SECTION_HELP: Record<OptionSection, { title: string; about?: string }> = {
  probe: { title: 'Probe options:' },
  profile: {
    title: "Workspace profile (fills the catalog's host names; also from the config's workspace: section\nor AMLPROBE_* environment variables):",
  },
  learning: {
    title: 'Learned by amlprobe itself (shown as "Sources:" at the top of the report):',
    about: `  On a compute instance: its name, workspace and region from /mnt/azmnt/.nbvm and CI_* variables.
  No region given, or one read from --workspace-json or the instance: asks IMDS (169.254.169.254,
  1 s; AMLPROBE_IMDS_URL=off disables) where this machine runs; a different region is a note, never
  the workspace's. The region tells the cloud (chinaeast2: china); an unknown region is refused.
  A --registry without ID: GETs its discovery URL with an access token for the registry ID and
  regions, then probes each region's registry FQDN on 443 (AMLPROBE_DISCOVERY_URL replaces the host). Token from AMLPROBE_TOKEN, AMLPROBE_TOKEN_FILE or
  --token-file, else Azure CLI login / managed identity / AZURE_* service principal.`,
  },
  serve: { title: 'Serve options:' },
  lab: { title: 'Lab options:' },
  output: { title: 'Output:' },
  global: { title: 'Every command:' },
};
