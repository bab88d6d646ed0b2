// A simulated Azure ML workspace network for the full-catalog test: a DNS zone answering every
// expanded catalog name (private names through their privatelink CNAME chain to a 10.x address,
// public names with a 198.51.100.x documentation address), and the loopback listeners that stand in
// for those addresses through settings.redirects. The documented addresses are never dialled: every
// (transport, address, port) the catalog needs gets a redirect, and runs use redirectOnly.

import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { redirectKey } from '../../src/net/redirect.js';
import { answerNegotiate } from '../../src/lab/lab-smb.js';
import type { Endpoint } from '../../src/model/endpoint.js';
import type { Zone } from './dns-server.js';
import { LOOPBACK, startTcpServer, startUdpServer, type Listener } from './listeners.js';

/** How one expanded host name is answered. */
export interface HostPlan {
  host: string;
  /** Some endpoint on this host expects a private address. */
  private: boolean;
  /** The address the fake DNS gives (never dialled: redirected to loopback). */
  address: string;
  /** The privatelink name the host is a CNAME to, when its row names a private DNS zone. */
  cname?: string;
}

/**
 * `<name>.workspace.eastus.api.azureml.ms` in zone `privatelink.api.azureml.ms` ->
 * `<name>.workspace.eastus.privatelink.api.azureml.ms`: how Azure public DNS points a private-endpoint
 * name into its privatelink zone. Undefined when the host already is a privatelink name or has no zone.
 */
export function privatelinkName(host: string, zone: string | undefined): string | undefined {
  if (zone === undefined || !zone.startsWith('privatelink.') || host.includes('.privatelink.')) return undefined;
  const base = zone.slice('privatelink.'.length);
  if (!host.endsWith(`.${base}`)) return undefined;
  return `${host.slice(0, -base.length)}${zone}`;
}

/** One distinct address per host, so a fault planted on one host touches no other row. */
export function planHosts(endpoints: readonly Endpoint[]): Map<string, HostPlan> {
  const plans = new Map<string, HostPlan>();
  for (const endpoint of endpoints) {
    const plan = plans.get(endpoint.host) ?? { host: endpoint.host, private: false, address: '' };
    plan.private ||= endpoint.expect.private === true;
    const cname = privatelinkName(endpoint.host, endpoint.meta?.privateDnsZone);
    if (cname !== undefined) plan.cname = cname;
    plans.set(endpoint.host, plan);
  }
  let privateCount = 0;
  let publicCount = 0;
  for (const plan of plans.values()) {
    // 10.1.0.0/24 like the documentation's examples; TEST-NET-2 (RFC 5737) for public names.
    plan.address = plan.private ? `10.1.0.${++privateCount + 3}` : `198.51.100.${++publicCount}`;
    if (privateCount > 250 || publicCount > 250) throw new Error('more names than the simulated /24 ranges hold');
    if (!plan.private) delete plan.cname;
  }
  // A name whose privatelink target is itself a catalog host (registry-fqdn's CNAME is
  // registry-private-fqdn's name) answers with that host's address, as Azure DNS does: one record.
  for (const plan of plans.values()) {
    const target = plan.cname === undefined ? undefined : plans.get(plan.cname);
    if (target !== undefined) plan.address = target.address;
  }
  return plans;
}

/** The DNS table: private names with a zone answer through their privatelink CNAME, others directly. */
export function workspaceZone(plans: Map<string, HostPlan>): Zone {
  const zone: Zone = {};
  for (const plan of plans.values()) {
    const records = { kind: 'records' as const, a: [plan.address] };
    if (plan.cname === undefined) {
      zone[plan.host] = records;
    } else {
      zone[plan.host] = { kind: 'cname', target: plan.cname };
      zone[plan.cname] = records;
    }
  }
  return zone;
}

/** Loopback ports standing in for the services. */
export interface ServicePorts {
  /** HTTPS + WebSocket server: https, wss and tls rows. */
  web: number;
  /** Plain TCP listener: tcp rows (445, 80, 8787, 18881, ...). */
  tcp: number;
  /** UDP responder: udp rows (5831). */
  udp: number;
  /** SMB2 NEGOTIATE responder: smb rows (Azure Files, 445). */
  smb: number;
}

/**
 * A redirect for every (transport, address, port) the endpoints dial. A port shared by a tcp row and
 * a TLS row goes to the web server: a bare connect succeeds there as well.
 */
export function redirectsFor(endpoints: readonly Endpoint[], plans: Map<string, HostPlan>, ports: ServicePorts): Record<string, string> {
  const redirects: Record<string, string> = {};
  for (const endpoint of endpoints) {
    if (endpoint.protocol === 'dns') continue;
    const plan = plans.get(endpoint.host);
    if (plan === undefined) throw new Error(`no address planned for ${endpoint.host}`);
    const transport = endpoint.protocol === 'udp' ? 'udp' : 'tcp';
    const key = redirectKey(transport, plan.address, endpoint.port);
    const port = endpoint.protocol === 'udp' ? ports.udp : endpoint.protocol === 'tcp' ? ports.tcp : endpoint.protocol === 'smb' ? ports.smb : ports.web;
    if (endpoint.protocol === 'tcp' && redirects[key] !== undefined) continue;
    redirects[key] = `${LOOPBACK}:${port}`;
  }
  return redirects;
}

/** The HTTPS + WebSocket stand-in: records the SNI, Host and path of what it served. */
export interface WebListener extends Listener {
  /** SNI of every completed TLS handshake. */
  servernames: Set<string>;
  /** "host/path" of every HTTP request. */
  requests: Set<string>;
  /** "host/path" of every WebSocket upgrade accepted. */
  upgrades: Set<string>;
}

/** An HTTPS server answering 200 to any GET and accepting any WebSocket upgrade, presenting `cert`. */
export async function startWebListener(cert: { key: string; cert: string }): Promise<WebListener> {
  const servernames = new Set<string>();
  const requests = new Set<string>();
  const upgrades = new Set<string>();
  const sockets = new Set<Socket>();
  const server = createHttpsServer({ ...cert, ALPNProtocols: ['http/1.1'] }, (req, res) => {
    requests.add(`${req.headers.host ?? ''}${req.url ?? ''}`);
    res.end('ok');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const name = (socket as TLSSocket & { servername?: string | false }).servername;
    if (typeof name === 'string') servernames.add(name);
  });
  server.on('tlsClientError', () => undefined);
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    upgrades.add(`${req.headers.host ?? ''}${req.url ?? ''}`);
    ws.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('web listener has no port');
  return {
    port: address.port,
    servernames,
    requests,
    upgrades,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Every stand-in service of a simulated workspace. */
export interface WorkspaceServices {
  web: WebListener;
  tcp: Listener;
  udp: Listener;
  smb: Listener;
  ports: ServicePorts;
  close(): Promise<void>;
}

/** Starts the web, TCP and UDP stand-ins; the UDP responder echoes (an open port that answers). */
export async function startWorkspaceServices(cert: { key: string; cert: string }): Promise<WorkspaceServices> {
  const [web, tcp, udp, smb] = await Promise.all([startWebListener(cert), startTcpServer(), startUdpServer('echo'), startTcpServer((s) => answerNegotiate(s))]);
  return {
    web,
    tcp,
    udp,
    smb,
    ports: { web: web.port, tcp: tcp.port, udp: udp.port, smb: smb.port },
    close: async () => {
      await Promise.all([web.close(), tcp.close(), udp.close(), smb.close()]);
    },
  };
}
