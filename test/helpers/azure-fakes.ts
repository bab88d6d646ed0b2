// Loopback fakes of the Azure control-plane services amlprobe asks about the workspace: the registry
// discovery endpoint (HTTPS, certificate from a throw-away test CA), IMDS (plain HTTP, checks the
// Metadata header) and a managed-identity token endpoint (the App Service protocol that
// @azure/identity speaks when IDENTITY_ENDPOINT and IDENTITY_HEADER are set). Each listens on
// 127.0.0.1 port 0 and records what it received.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer } from './http-servers.js';
import type { TestServer } from './http-servers.js';
import { createTestCa } from './test-ca.js';

/** A registry GUID the discovery fake answers with. */
export const REGISTRY_GUID = '2f1c9a7e-1b2c-4d3e-8f90-a1b2c3d4e5f6';

/** A discovery answer shaped as the reference yaml documents it (registryFqdns keyed by region, {uri}). */
export function documentedAnswer(name: string): Record<string, unknown> {
  return {
    registryName: name,
    tenantId: '00000000-0000-0000-0000-000000000001',
    primaryRegion: 'eastus',
    regions: ['eastus', 'westeurope'],
    subscriptionId: '00000000-0000-0000-0000-000000000002',
    resourceGroup: 'rg-registries',
    primaryRegionResourceProviderUri: 'https://cert-eastus.experiments.azureml.net/',
    registryFqdns: {
      eastus: { uri: `https://${REGISTRY_GUID}.registry.eastus.api.azureml.ms` },
      westeurope: { uri: `https://${REGISTRY_GUID}.registry.westeurope.api.azureml.ms` },
    },
  };
}

/** A request the fakes saw. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/** A running fake with its base URL and what it saw. */
export interface Fake {
  url: string;
  requests: SeenRequest[];
  server: TestServer;
  close(): Promise<void>;
}

/** A discovery fake plus the CA file that makes its certificate trusted. */
export interface DiscoveryFake extends Fake {
  caFile: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** An HTTPS discovery fake for 127.0.0.1 signed by a fresh test CA; `handler` decides every answer. */
export async function startDiscoveryFake(handler: Handler): Promise<DiscoveryFake> {
  const ca = await createTestCa('amlprobe discovery test CA');
  const leaf = await ca.issue({ names: ['127.0.0.1', 'localhost'] });
  const dir = await mkdtemp(join(tmpdir(), 'amlprobe-discovery-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, ca.caCert);
  const requests: SeenRequest[] = [];
  const server = await startHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  }, leaf);
  return {
    url: `https://127.0.0.1:${server.port}`,
    requests,
    server,
    caFile,
    async close() {
      await server.close();
      await ca.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A plain-HTTP fake (IMDS, managed-identity endpoint). */
export async function startPlainFake(handler: Handler): Promise<Fake> {
  const requests: SeenRequest[] = [];
  const server = await startHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, server, close: () => server.close() };
}

/** An IMDS fake: answers the documented instance document only when the Metadata header is "true". */
export async function startImdsFake(compute: Record<string, unknown>): Promise<Fake> {
  return startPlainFake((req, res) => {
    if (req.headers.metadata !== 'true') return sendJson(res, 400, { error: 'Bad request. Required metadata header not specified' });
    if (!(req.url ?? '').startsWith('/metadata/instance?api-version=')) return sendJson(res, 404, { error: 'not found' });
    sendJson(res, 200, { compute, network: { interface: [] } });
  });
}
