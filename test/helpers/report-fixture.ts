// Hand-built reports for the output-format tests. Reports are pure data and their renderers know
// nothing of sockets, so building the input by hand is the honest way to test formatting: every
// status, the common reasons, labels, optional endpoints, --all-addresses rows, remediation text.

import { REPORT_SCHEMA_VERSION } from '../../src/model/report.js';
import type { DnsData } from '../../src/model/evidence.js';
import type { EndpointResult, LayerResult, Summary } from '../../src/model/result.js';
import type { RunSettings } from '../../src/model/settings.js';
import type { Report } from '../../src/model/report.js';
import { testSettings } from './settings.js';

/** Settings as the CLI would build them. */
export const SETTINGS: RunSettings = testSettings({
  timeoutMs: 5000,
  deadlineMs: 30000,
  concurrency: 16,
  dnsServers: ['10.0.0.4'],
  systemResolver: true,
});

function skipped(layer: LayerResult['layer']): LayerResult {
  return { layer, status: 'skip', reason: 'skipped', ms: 0, message: 'skipped: an earlier layer failed' };
}

function dnsPass(name: string, address: string, isPrivate = true): LayerResult {
  const data: DnsData = {
    name,
    authority: 'system',
    system: { reason: 'ok', message: 'resolved', addresses: [address], ms: 3 },
    addresses: [{ address, family: 4, private: isPrivate, range: isPrivate ? '10.0.0.0/8' : null }],
  };
  return { layer: 'dns', status: 'pass', reason: 'ok', ms: 3, message: `resolved to ${address}`, data };
}

const WS_ID = '7d0c0a8e-1111-2222-3333-444455556666';
const API_HOST = `${WS_ID}.workspace.eastus.api.azureml.ms`;

/** A result with sensible defaults for the fields a case does not care about. */
function result(partial: Partial<EndpointResult> & Pick<EndpointResult, 'id' | 'host' | 'protocol' | 'status'>): EndpointResult {
  return {
    port: 443,
    path: '/',
    required: true,
    address: null,
    layer: null,
    reason: 'ok',
    message: '',
    ms: 0,
    checks: [],
    ...partial,
  };
}

/** One result for every status and the common reasons. */
export function sampleResults(): EndpointResult[] {
  return [
    result({
      id: 'aml-api', host: API_HOST, protocol: 'https', path: '/', status: 'pass', address: '10.1.0.5',
      reason: 'ok', message: 'HTTP 200', ms: 140, label: 'workspace API',
      checks: [
        dnsPass(API_HOST, '10.1.0.5'),
        { layer: 'tcp', status: 'pass', reason: 'ok', ms: 12, message: 'connected', data: { address: '10.1.0.5', port: 443 } },
        { layer: 'tls', status: 'pass', reason: 'ok', ms: 30, message: 'verified', data: { protocol: 'TLSv1.3', authorized: true } },
        { layer: 'http', status: 'pass', reason: 'ok', ms: 95, message: 'HTTP 200', data: { url: `https://${API_HOST}/`, status: 200 } },
      ],
    }),
    result({
      id: 'notebooks', host: 'ml-ws-eastus-7d0c0a8e.eastus.notebooks.azure.net', protocol: 'https', status: 'fail',
      layer: 'dns', reason: 'nxdomain', message: 'name does not exist', ms: 20,
      meta: {
        remediation: 'Link privatelink.notebooks.azure.net to this VNet.',
        sources: ['000_419b64f19bf3dfc6.txt', 'dns2026'],
      },
      checks: [
        {
          layer: 'dns', status: 'fail', reason: 'nxdomain', ms: 20, message: 'name does not exist (NXDOMAIN)',
          detail: 'The system resolver and 10.0.0.4 both answered NXDOMAIN.',
          data: {
            name: 'ml-ws-eastus-7d0c0a8e.eastus.notebooks.azure.net', authority: 'system', addresses: [],
            system: { reason: 'nxdomain', message: 'not found', code: 'ENOTFOUND', addresses: [], ms: 5 },
            direct: [{
              server: '10.0.0.4:53', transport: 'udp', rcode: 'NXDOMAIN', reason: 'nxdomain', message: 'NXDOMAIN',
              cname: [], addresses: [], ms: 4,
            }],
          },
        },
        skipped('tcp'), skipped('tls'), skipped('http'),
      ],
    }),
    result({
      id: 'storage-blob', host: 'mystorage.blob.core.windows.net', protocol: 'https', status: 'fail', required: false,
      layer: 'dns', reason: 'public_ip', message: 'resolves to a public address', ms: 9,
      checks: [
        {
          layer: 'dns', status: 'fail', reason: 'public_ip', ms: 9, message: 'resolves to public address 20.60.1.2',
          data: {
            name: 'mystorage.blob.core.windows.net', authority: 'system',
            system: { reason: 'ok', message: 'resolved', addresses: ['20.60.1.2'], ms: 4 },
            direct: [{
              server: '10.0.0.4:53', transport: 'udp', rcode: 'NOERROR', reason: 'ok', message: 'resolved', ms: 4,
              cname: [{ name: 'mystorage.blob.core.windows.net', type: 'CNAME', ttl: 60, data: 'mystorage.privatelink.blob.core.windows.net' }],
              addresses: [{ name: 'blob.bl1prdstr01a.store.core.windows.net', type: 'A', ttl: 60, data: '20.60.1.2' }],
            }],
            addresses: [{ address: '20.60.1.2', family: 4, private: false, range: null }],
          },
        },
        skipped('tcp'), skipped('tls'), skipped('http'),
      ],
    }),
    result({
      id: 'aml-intellisense', host: API_HOST, port: 18881, protocol: 'tcp', status: 'fail', address: '10.1.0.5',
      layer: 'tcp', reason: 'tcp_refused', message: 'connection refused', ms: 2,
      meta: { remediation: 'Allow outbound TCP 18881 to the AzureMachineLearning service tag.' },
      checks: [
        dnsPass(API_HOST, '10.1.0.5'),
        { layer: 'tcp', status: 'fail', reason: 'tcp_refused', ms: 2, message: 'connection refused by 10.1.0.5:18881', data: { address: '10.1.0.5', port: 18881, code: 'ECONNREFUSED' } },
      ],
    }),
    result({
      id: 'tundra', host: 'eastus.tundra.azureml.ms', port: 5831, protocol: 'udp', status: 'warn', address: '20.42.0.1',
      layer: 'udp', reason: 'udp_open_or_filtered', message: 'no reply', ms: 800,
      checks: [
        dnsPass('eastus.tundra.azureml.ms', '20.42.0.1', false),
        { layer: 'udp', status: 'warn', reason: 'udp_open_or_filtered', ms: 800, message: 'no reply within 800 ms (open or filtered)', data: { address: '20.42.0.1', port: 5831, sentBytes: 9 } },
      ],
    }),
    result({
      id: 'login', host: 'login.microsoftonline.com', protocol: 'https', status: 'fail', address: '20.190.1.1',
      layer: 'tls', reason: 'tls_untrusted', message: 'certificate not trusted', ms: 40,
      checks: [
        dnsPass('login.microsoftonline.com', '20.190.1.1', false),
        { layer: 'tcp', status: 'pass', reason: 'ok', ms: 8, message: 'connected' },
        {
          layer: 'tls', status: 'fail', reason: 'tls_untrusted', ms: 30, message: 'certificate chain not trusted',
          data: {
            servername: 'login.microsoftonline.com', authorized: false, verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
            chain: [{
              subject: 'CN=login.microsoftonline.com', issuer: 'CN=Contoso Inspection CA, O=Contoso',
              subjectAltNames: ['DNS:login.microsoftonline.com'], validFrom: '2025-01-01T00:00:00Z', validTo: '2026-01-01T00:00:00Z',
              fingerprint256: 'AB:CD:EF',
            }],
          },
        },
        skipped('http'),
      ],
    }),
    result({
      id: 'ci-ws', host: 'ci1.eastus.instances.azureml.ms', protocol: 'wss', path: '/ws', status: 'pass', address: '10.1.0.5',
      reason: 'ws_upgraded', message: 'upgraded', ms: 60,
      checks: [
        dnsPass('ci1.eastus.instances.azureml.ms', '10.1.0.5'),
        { layer: 'tcp', status: 'pass', reason: 'ok', ms: 5, message: 'connected' },
        { layer: 'tls', status: 'pass', reason: 'ok', ms: 20, message: 'verified', data: { protocol: 'TLSv1.2' } },
        { layer: 'websocket', status: 'pass', reason: 'ws_upgraded', ms: 30, message: 'upgraded', data: { url: 'wss://ci1/ws', status: 101 } },
      ],
    }),
    result({
      id: 'storage-file', host: '{storageAccount}.file.core.windows.net', port: 445, protocol: 'tcp', status: 'skip',
      reason: 'needs_input', message: 'needs a concrete host name: set --storage-account',
      label: '*.file.core.windows.net',
    }),
    result({
      id: 'inbound-44224', host: 'AzureMachineLearning', port: 44224, protocol: 'tcp', status: 'skip',
      reason: 'informational', message: 'inbound from AzureMachineLearning on TCP 44224: not probed',
      label: 'inbound AzureMachineLearning TCP 44224',
      meta: { note: 'verify: NSG effective rules on the compute subnet allow it' },
    }),
    result({
      id: 'mcr', host: 'mcr.microsoft.com', protocol: 'https', status: 'fail', address: '204.79.197.219',
      layer: 'http', reason: 'deadline', message: 'the run deadline struck', ms: 30000,
      checks: [
        dnsPass('mcr.microsoft.com', '204.79.197.219', false),
        { layer: 'tcp', status: 'pass', reason: 'ok', ms: 9, message: 'connected' },
        { layer: 'tls', status: 'pass', reason: 'ok', ms: 30, message: 'verified', data: { protocol: 'TLSv1.3' } },
        { layer: 'http', status: 'fail', reason: 'deadline', ms: 29000, message: 'the run deadline struck during the request' },
      ],
    }),
    result({
      id: 'acr', host: 'myacr.azurecr.io', protocol: 'https', status: 'pass', address: '10.1.0.8',
      reason: 'ok', message: 'HTTP 401', ms: 50,
      checks: [
        dnsPass('myacr.azurecr.io', '10.1.0.8'),
        { layer: 'tcp', status: 'pass', reason: 'ok', ms: 4, message: 'connected' },
        { layer: 'tls', status: 'pass', reason: 'ok', ms: 20, message: 'verified', data: { protocol: 'TLSv1.3' } },
        { layer: 'http', status: 'pass', reason: 'ok', ms: 20, message: 'HTTP 401', data: { url: 'https://myacr.azurecr.io/', status: 401 } },
      ],
    }),
    result({
      id: 'acr', host: 'myacr.azurecr.io', protocol: 'https', status: 'fail', address: '10.1.0.9',
      layer: 'http', reason: 'http_status', message: 'HTTP 503', ms: 50,
      checks: [
        dnsPass('myacr.azurecr.io', '10.1.0.9'),
        { layer: 'tcp', status: 'pass', reason: 'ok', ms: 4, message: 'connected' },
        { layer: 'tls', status: 'pass', reason: 'ok', ms: 20, message: 'verified', data: { protocol: 'TLSv1.3' } },
        {
          layer: 'http', status: 'fail', reason: 'http_status', ms: 20, message: 'HTTP 503, expected 200 or 401',
          data: { url: 'https://myacr.azurecr.io/', status: 503, headers: { via: '1.1 squid', server: 'squid' } },
        },
      ],
    }),
    result({
      id: 'api-zone', host: API_HOST, port: 0, protocol: 'dns', status: 'warn', layer: 'dns',
      reason: 'resolver_mismatch', message: 'resolvers disagree', ms: 6,
      checks: [{ layer: 'dns', status: 'warn', reason: 'resolver_mismatch', ms: 6, message: 'system resolver and 10.0.0.4 disagree' }],
    }),
  ];
}

/** Counts by status, written out independently of the code under test. */
function countResults(results: EndpointResult[]): Summary {
  const count = (s: EndpointResult['status']): number => results.filter((r) => r.status === s).length;
  return {
    total: results.length, pass: count('pass'), fail: count('fail'), warn: count('warn'), skip: count('skip'),
    requiredFailed: results.filter((r) => r.required && r.status === 'fail').length,
  };
}

/** A whole report around `results` (the sample ones by default). */
export function sampleReport(results: EndpointResult[] = sampleResults(), overrides: Partial<Report> = {}): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'amlprobe', version: '0.1.0' },
    startedAt: '2026-05-01T10:00:00.000Z',
    durationMs: 2300,
    deadlineHit: false,
    settings: SETTINGS,
    summary: countResults(results),
    results,
    ...overrides,
  };
}
