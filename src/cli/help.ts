// The text of `amlprobe --help`. Kept in one place so that every flag is documented once.

import { VERSION } from '../version.js';

/** The full help text. */
export function helpText(): string {
  return `amlprobe ${VERSION}: network connectivity probe for Azure Machine Learning workspaces behind a VNet

Usage:
  amlprobe [run] [options]            probe the documented endpoints of the workspace (the catalog)
                                      and any endpoints listed in --config
  amlprobe check TARGET... [options]  probe the given targets
  amlprobe catalog [options]          print what would be probed, without sending a packet
  amlprobe lab [options]              try amlprobe on a simulated workspace with planted faults
  amlprobe -V, --version | -h, --help

Targets (check):
  dns://NAME                 resolve only
  tcp://HOST:PORT, HOST:PORT TCP connect
  udp://HOST:PORT            send a datagram, wait for a reply or an ICMP port unreachable
  tls://HOST:PORT            TCP + TLS handshake, certificate verified
  http://HOST[:PORT][/PATH]  TCP + HTTP request (https:// adds TLS)
  ws://HOST[:PORT][/PATH]    TCP + WebSocket upgrade (wss:// adds TLS)
  IPv6 literals go in brackets: tcp://[fd00::5]:443

Probe options:
  -c, --config FILE          YAML config (endpoints, expectations, settings, workspace profile);
                             see config/example.yaml and config/amlprobe.schema.json
  -t, --timeout DURATION     per-layer timeout, e.g. 3s or 800ms (default 3s)
      --deadline DURATION    whole-run deadline, never exceeded (default 5 x timeout)
      --concurrency N        endpoints probed at once (default 256)
      --dns-server IP[:PORT] ask this DNS server directly (repeatable); its answers then decide
                             where to connect. Default: the nameservers of /etc/resolv.conf,
                             recorded beside the system resolver's answer
      --no-system-resolver   do not ask the system resolver (getaddrinfo, /etc/hosts)
      --private-cidr CIDR    count this range as private too (repeatable); RFC 1918, RFC 6598
                             and IPv6 ULA always are
      --expect-private       every name must resolve to a private address (private endpoints)
      --all-addresses        probe every address a name resolves to, not only the first
      --ca-file FILE         trust this CA bundle too (repeatable), besides the system CAs
                             and NODE_EXTRA_CA_CERTS

Workspace profile (fills the catalog's host names; also from the config's workspace: section
or AMLPROBE_* environment variables):
      --cloud NAME           public (default), china or usgov
      --region NAME          e.g. eastus, westeurope
      --workspace-name NAME  --workspace-id GUID
      --storage-account NAME (repeatable)   --key-vault NAME   --container-registry NAME
      --compute-instance NAME               --registry NAME[@REGION] (repeatable)
      --private-endpoints, --no-private-endpoints
                             the workspace is (or is not) reached through private endpoints
      --scenario NAME        only these catalog scenarios (repeatable); see 'amlprobe catalog'

Lab (amlprobe lab): start here if you have no secured workspace at hand. A fake workspace
(contoso-ml, East US, private endpoints) is simulated inside amlprobe on 127.0.0.1: its own DNS,
TLS, HTTP, TCP and UDP servers; nothing leaves this machine. The normal catalog and engine probe it
and print the normal report, then each planted fault (privatelink zone not linked, missing record,
dropped traffic, refused port, closed UDP port, TLS inspection), whether amlprobe caught it and
what to fix in Azure. Takes a few seconds.
      --no-faults            a healthy lab: every endpoint passes
  Also: --format, --output, --no-color, --timeout, --deadline, --concurrency (default 8 here).
  Exit code: the lab checks amlprobe itself: 0 when every planted fault was reported with its
  expected reason and every other endpoint passed, else 1.

Output:
  -f, --format FORMAT        table (default) or json; catalog also: csv, markdown
  -o, --output FILE          write the report to FILE (atomically) instead of stdout
      --no-color             no colour (also NO_COLOR=1; colour is off when not a terminal)

Exit codes:
  0  every required endpoint passed (warnings allowed)
  1  at least one required endpoint failed
  2  usage or configuration error: the message says what, where and how to fix it

Every reason code is explained in docs/verdicts.md.
`;
}
