// The text of `amlprobe --help`. Kept in one place so that every flag is documented once.

import { VERSION } from '../version.js';

/** The full help text. */
export function helpText(): string {
  return `amlprobe ${VERSION}: network connectivity probe for Azure Machine Learning workspaces behind a VNet

Usage:
  amlprobe [run] [options]            probe the documented endpoints of the workspace (the catalog)
                                      and any endpoints listed in --config
  amlprobe check TARGET... [options]  probe the given targets (with --private-endpoints-json, also
                                      every private endpoint name in the files; targets optional)
  amlprobe catalog [options]          print what would be probed, without sending a packet
  amlprobe lab [options]              try amlprobe on a simulated workspace with planted faults
  amlprobe serve [options]            probe the plan of run on a schedule; serve /metrics (Prometheus),
                                      /healthz, /report.json over HTTP
  amlprobe healthcheck [options]      one silent run for Docker HEALTHCHECK / Kubernetes exec probes:
                                      exit 0, or 1 with one line naming the failing required endpoints
  amlprobe diff OLD.json NEW.json     what changed between two JSON reports (new failures, fixed,
                                      reason and DNS answer changes, endpoints added or removed);
                                      --format table (default), json or markdown; exit 1 when a
                                      required endpoint fails in NEW and did not in OLD, else 0
  amlprobe -V, --version | -h, --help

Targets (check):
  dns://NAME                 resolve only
  tcp://HOST:PORT, HOST:PORT TCP connect
  udp://HOST:PORT            send a datagram, wait for a reply or an ICMP port unreachable
  tls://HOST:PORT            TCP + TLS handshake, certificate verified
  http://HOST[:PORT][/PATH]  TCP + HTTP request (https:// adds TLS)
  ws://HOST[:PORT][/PATH]    TCP + WebSocket upgrade (wss:// adds TLS)
  smb://HOST[:PORT]          TCP + SMB2 NEGOTIATE (port 445): dialect and signing (Azure Files)
  IPv6 literals go in brackets: tcp://[fd00::5]:443

Probe options:
  -c, --config FILE          YAML config (endpoints, expectations, settings, workspace profile);
                             see config/example.yaml and config/amlprobe.schema.json ('check'
                             takes its settings, CA files and private-endpoint files only)
  -t, --timeout DURATION     per-layer timeout, e.g. 3s or 800ms (default 3s); units ms, s, m are
                             required (a number alone is refused: 3s? 3000ms?); a DNS query's
                             starts when it is sent, not while it waits its turn
      --deadline DURATION    the whole command, from its start (default 5 x timeout): the steps
                             before the first probe (IMDS, discovery, DNS pre-flight) get a third
                             of it at most, probing ends by it (+250 ms to collect the endpoints
                             it cut short, reported as 'deadline'); the report is written after
      --concurrency N        endpoints probed at once (default 512; lowered to fit the open-files
                             limit, ulimit -n, with a note)
      --dns-server IP[:PORT] ask this DNS server directly (repeatable); its answers then decide
                             where to connect. Default: the nameservers of /etc/resolv.conf
                             (Windows: the network adapters' DNS servers), recorded beside
                             the system resolver's answer. A server this machine has no
                             route to is reported per name (dns_unreachable), not refused
      --no-system-resolver   do not ask the system resolver (getaddrinfo, /etc/hosts)
      --azure-dns            also ask Azure-provided DNS (168.63.129.16), to compare: names a
                             custom DNS server that does not forward privatelink zones, or a
                             privatelink zone not linked to the VNet (run from inside Azure)
      --azure-dns-address IP[:PORT]  the same, asking this address instead of 168.63.129.16
      --no-azure-dns         do not ask Azure DNS even though amlprobe found it runs in Azure
                             ('run' switches it on by itself when IMDS answers or on a compute
                             instance; if it does not answer, the run goes on without it)
      --private-cidr CIDR    count this range as private too (repeatable); RFC 1918, RFC 6598
                             and IPv6 ULA always are
      --expect-private       every name must resolve to a private address (private endpoints)
      --all-addresses        probe every address a name resolves to, not only the first
      --ca-file FILE         trust this CA bundle too (repeatable), besides the system CAs
                             and NODE_EXTRA_CA_CERTS
      --proxy URL            tunnel http(s)/ws(s)/tls endpoints through this HTTP proxy
                             (http://[user:pass@]host:port, CONNECT); default: https_proxy /
                             http_proxy / no_proxy from the environment
      --no-proxy             connect directly, ignoring the proxy variables

Workspace profile (fills the catalog's host names; also from the config's workspace: section
or AMLPROBE_* environment variables):
      --cloud NAME           public (default), china or usgov
      --region NAME          e.g. eastus, westeurope
      --workspace-name NAME  --workspace-id GUID
      --storage-account NAME (repeatable)   --key-vault NAME   --container-registry NAME
      --compute-instance NAME               --registry NAME[@REGION] (repeatable)
      --private-endpoints, --no-private-endpoints
                             the workspace is (or is not) reached through private endpoints
      --workspace-json FILE  read the profile from 'az ml workspace show -o json' output (region,
                             name, ID, storage, key vault, registry, cloud, public access);
                             flags and config keys win over it
      --private-endpoints-json FILE
                             'az network private-endpoint show|list -o json' output (repeatable;
                             also dns-zone-group list, nic show): each private FQDN must resolve to
                             exactly its endpoint's address; names no row covers get a DNS check
      --scenario NAME        only these catalog scenarios (repeatable); see 'amlprobe catalog'

Learned by amlprobe itself (shown as "Sources:" at the top of the report):
  On a compute instance: its name, workspace and region from /mnt/azmnt/.nbvm and CI_* variables.
  No region given: asks IMDS (169.254.169.254, 1 s; AMLPROBE_IMDS_URL=off disables).
      --no-imds              never ask IMDS
  A --registry without ID: GETs its discovery URL with an access token for the registry ID
  (AMLPROBE_DISCOVERY_URL replaces the host). Token from AMLPROBE_TOKEN, AMLPROBE_TOKEN_FILE or
  --token-file, else Azure CLI login / managed identity / AZURE_* service principal.
      --token-file FILE      read the access token from FILE (--token is refused: it would show in
                             ps and shell history)
      --no-discovery         never call registry discovery

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

Serve and healthcheck (same probe options and --config as run; endpoints come only from them,
never from a request):
      --interval DURATION    serve: time between the starts of two runs (default 60s); a slower run
                             delays the next, runs never overlap
      --listen HOST:PORT     serve: where to listen (default 127.0.0.1:9464; 0.0.0.0:9464 for a
                             container). /healthz is 200 when every required endpoint passed, else 503
  healthcheck: deadline 10s unless --deadline is given, learning the workspace included;
  prints nothing when healthy.
      --serve-state FILE     serve: rewrite FILE (atomically) after each run (default: the
                             AMLPROBE_SERVE_STATE variable, which the container image sets).
                             healthcheck: probe nothing, read FILE: exit 0 when serve's last run
                             is recent and no required endpoint failed, else 1; no FILE (no serve
                             here: a one-shot run or lab container) is exit 0

Output:
  -f, --format FORMAT        table (default) or json; catalog also: csv, markdown
                             html: one self-contained page (colour grid, filters, evidence)
                             junit: JUnit XML for CI (a testsuite per scenario, a testcase per
                             endpoint and layer, the reason code as the failure type)
                             markdown: a report to paste into a ticket, with "What to fix"
  -o, --output FILE          write the report to FILE (atomically) instead of stdout; repeatable
                             for run, check and lab (one probe, several reports): each file's
                             format comes from its extension, .json .html .md .xml (junit) .txt
                             (table); --format names it for a single file without one. "wrote
                             FILE" on stderr per file. A regular file is replaced atomically;
                             a symbolic link is followed; a device, FIFO or socket is written
                             through (never replaced); a directory is refused
      --compact              with JSON (run, check): the report on one line, for line-based
                             log collectors
      --no-color             no colour (also NO_COLOR=1; colour is off when not a terminal)

Exit codes:
  0  every required endpoint passed (warnings allowed)
  1  at least one required endpoint failed
  2  usage or configuration error: the message says what, where and how to fix it (a flag the
     command does not read, e.g. check --scenario or catalog --timeout, is one; so is an input
     file over its size cap: config 4 MiB, CA file 16 MiB, workspace JSON 4 MiB, private-endpoint
     JSON 64 MiB, token file 1 MiB, diff report 256 MiB)
  3  a bug in amlprobe: one line asking for a bug report (AMLPROBE_DEBUG=1 adds the stack)

Every reason code is explained in docs/verdicts.md.
`;
}
