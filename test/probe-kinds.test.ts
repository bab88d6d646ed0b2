// The probe-kind registry (src/checks/kinds.ts) is the one list the engine and the reports read:
// every layer has exactly one kind, every matrix column and reason cell comes from a kind or the
// shared table, and a made-up kind added to the list is probed by the engine (against real
// loopback servers) and shows in every report without a line of report code changing.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROBE_KINDS, layersOf, matrixColumns, schemes } from '../src/checks/kinds.js';
import type { ProbeKind } from '../src/checks/descriptor.js';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import type { Endpoint, Layer, Protocol } from '../src/model/endpoint.js';
import type { Reason } from '../src/model/reason.js';
import type { LayerResult } from '../src/model/result.js';
import { packageRoot } from '../src/package-root.js';
import { TARGET_SCHEMES } from '../src/plan/targets.js';
import { cellText, hasCellText } from '../src/report/cell-text.js';
import { renderHtml } from '../src/report/html.js';
import { renderJson } from '../src/report/json.js';
import { renderJunit } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderPrometheus } from '../src/report/prometheus.js';
import { helpForTopics } from '../src/cli/help.js';
import { renderTable } from '../src/report/table.js';
import { sampleReport } from './helpers/report-fixture.js';
import { testSettings } from './helpers/settings.js';

const modelSource = (file: string): string => readFileSync(join(packageRoot(), 'src', 'model', file), 'utf8');

/** The keys of `export interface <name> { ... }` in a model file: the names of the layers. */
function interfaceKeys(source: string, name: string): string[] {
  const start = source.indexOf(`export interface ${name} {`);
  assert.notEqual(start, -1, `interface ${name} not found`);
  const body = source.slice(start, source.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1] ?? '');
}

/** Every kind file of src/checks, read as one text: kinds add layers and reasons by declaration merging. */
const checksSource = (): string => {
  const dir = join(packageRoot(), 'src', 'checks');
  return readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
};

/** The members a kind file declares into `interface <name> { ... }` (one line or several). */
function mergedKeys(name: string): string[] {
  const blocks = [...checksSource().matchAll(new RegExp(`interface ${name} \\{([^}]*)\\}`, 'g'))];
  return blocks.flatMap((block) => [...(block[1] ?? '').replace(/\/\/.*$/gm, '').matchAll(/(\w+)\??:/g)].map((m) => m[1] ?? ''));
}

/** The string literals of `export type Reason = ...;` (comments removed first), and the codes kinds add. */
function reasonCodes(): string[] {
  const match = /export type Reason\s*=([\s\S]*?);/.exec(modelSource('reason.ts').replace(/\/\/.*$/gm, ''));
  return [...[...(match?.[1] ?? '').matchAll(/'([a-z0-9_]+)'/g)].map((m) => m[1] ?? ''), ...mergedKeys('KindReasons')];
}

describe('probe kind registry', () => {
  it('has exactly one kind per layer of LayerEvidence, and every scheme runs registered layers ending in its own', () => {
    const layers = [...interfaceKeys(modelSource('evidence.ts'), 'LayerEvidence'), ...mergedKeys('LayerEvidence')];
    assert.ok(layers.length >= 6, `only ${layers.length} layers parsed`);
    assert.deepEqual(PROBE_KINDS.map((k) => k.layer).sort(), [...layers].sort());
    for (const kind of PROBE_KINDS) {
      for (const [scheme, syntax] of Object.entries(kind.schemes)) {
        assert.equal(syntax.layers[0], 'dns', `${scheme} starts with dns`);
        assert.equal(syntax.layers.at(-1), kind.layer, `${scheme} ends with its kind's layer`);
        for (const layer of syntax.layers) assert.ok(layers.includes(layer), `${scheme}: ${layer} is registered`);
      }
    }
    assert.deepEqual(TARGET_SCHEMES, schemes().map(([scheme]) => scheme));
    assert.deepEqual(TARGET_SCHEMES, ['dns', 'tcp', 'udp', 'tls', 'http', 'https', 'ws', 'wss', 'smb']);
    assert.deepEqual(layersOf('smb'), ['dns', 'tcp', 'smb']);
    assert.deepEqual(layersOf('wss'), ['dns', 'tcp', 'tls', 'websocket']);
  });

  it('gives every reason code one cell text: its kind\'s, or the shared table\'s', () => {
    const owners = new Map<string, string[]>();
    for (const kind of PROBE_KINDS) for (const code of Object.keys(kind.cells)) owners.set(code, [...(owners.get(code) ?? []), kind.layer]);
    for (const [code, kinds] of owners) assert.equal(kinds.length, 1, `${code} is owned by ${kinds.join(' and ')}`);
    const codes = reasonCodes();
    assert.ok(codes.length >= 50, `only ${codes.length} codes parsed`);
    for (const code of codes) assert.ok(hasCellText(code as Reason), `${code} has no cell text`);
    assert.equal(hasCellText('no_such_code' as Reason), false);
    // A pass asks the layer's kind: the DNS kind names the address.
    const dns: LayerResult = { layer: 'dns', status: 'pass', reason: 'ok', ms: 3, message: '', data: { name: 'a', authority: 'system', addresses: [{ address: '10.0.0.5', family: 4, private: true, range: '10.0.0.0/8' }] } };
    assert.equal(cellText(dns), '10.0.0.5 (private)');
  });

  it('takes every matrix column from a kind, in registry order', () => {
    const titles = matrixColumns().map((c) => c.title);
    assert.deepEqual(titles, ['DNS', 'CONNECT', 'TLS', 'APP']);
    const header = renderTable(sampleReport(), { colour: false, width: 200, ascii: true }).split('\n').find((line) => line.includes('ENDPOINT')) ?? '';
    // After the ID and ENDPOINT columns.
    const shown = header.trim().split(/\s+/).slice(2);
    assert.deepEqual(shown, titles);
    for (const title of shown) assert.ok(PROBE_KINDS.some((k) => k.column.title === title), title);
  });
});

// A made-up kind: after a TCP connection, send a line and expect it back.
interface EchoData {
  bytes: number;
  extra: string;
  peer: string;
}

const ECHO = 'echo' as Layer;
const ECHO_SCHEME = 'echo' as Protocol;
const SILENT = 'echo_silent' as Reason;

const echoKind: ProbeKind = {
  layer: ECHO,
  schemes: { [ECHO_SCHEME]: { layers: ['dns', 'tcp', ECHO], defaultPort: 7 } },
  column: { key: 'echo', title: 'ECHO', markdownTitle: 'echo' },
  help: { target: 'echo://HOST[:PORT]', does: 'TCP + a line sent and echoed' },
  stopped: {
    timeout: (_endpoint, _state, timeoutMs) => ({ reason: SILENT, message: `no echo within ${timeoutMs} ms` }),
    deadline: () => 'the run deadline struck while waiting for the echo',
  },
  load: async () => async (endpoint, state) => {
    const socket = state.socket as Socket;
    // Deliberately not alphabetical: the JSON report must follow the kind's order, not sort.
    const data = { bytes: 0, extra: 'x', peer: `${state.address}:${endpoint.port}` } satisfies EchoData;
    // Its own verdict on a short silence, before the layer timeout (which would end in the kind's
    // `stopped` words, written by the engine).
    const heard = await new Promise<number | undefined>((resolve) => {
      const silence = setTimeout(() => resolve(undefined), 150);
      socket.once('data', (chunk: Buffer) => {
        clearTimeout(silence);
        resolve(chunk.length);
      });
      socket.write('amlprobe\n');
    });
    const result = (status: LayerResult['status'], reason: Reason, message: string): LayerResult => ({
      layer: ECHO, status, reason, ms: 0, message, data: data as unknown as LayerResult['data'],
    });
    if (heard === undefined) return result('fail', SILENT, 'no echo came back');
    data.bytes = heard;
    return result('pass', 'ok', `echoed ${heard} bytes`);
  },
  json: { order: ['peer', 'bytes'] },
  okCell: (_check, data) => `echoed ${(data as unknown as EchoData).bytes} B`,
  cells: { [SILENT]: () => 'silent' },
  facts: (data) => [{ label: 'echo peer', text: (data as unknown as EchoData).peer, key: 'never-in-the-message' }],
  panel: (data) => [{ facts: [['echo peer', { code: (data as unknown as EchoData).peer }]] }],
};

async function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

describe('a made-up probe kind added to the registry', () => {
  let echo: Awaited<ReturnType<typeof listen>>;
  let mute: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    echo = await listen((socket) => socket.pipe(socket));
    mute = await listen((socket) => socket.resume());
    (PROBE_KINDS as ProbeKind[]).push(echoKind);
  });
  after(async () => {
    const kinds = PROBE_KINDS as ProbeKind[];
    kinds.splice(kinds.indexOf(echoKind), 1);
    for (const listener of [echo, mute]) {
      for (const socket of listener.sockets) socket.destroy();
      await new Promise((resolve) => listener.server.close(resolve));
    }
  });

  const endpoint = (id: string, port: number): Endpoint => ({
    id, host: '127.0.0.1', port, protocol: ECHO_SCHEME, path: '', required: true, expect: {},
  });

  it('is probed by the engine and shows in the table, JSON, HTML, Markdown and JUnit reports', async () => {
    const outcome = await runEndpoints([endpoint('echoes', echo.port), endpoint('mute', mute.port)], testSettings({ timeoutMs: 1000 }));
    const [pass, fail] = outcome.results;
    assert.deepEqual(pass?.checks.map((c) => `${c.layer}:${c.reason}`), ['dns:ok', 'tcp:ok', 'echo:ok']);
    assert.equal(fail?.reason, SILENT);
    assert.equal(fail?.layer, ECHO);
    const report = sampleReport(outcome.results);

    const table = renderTable(report, { colour: false, width: 200, ascii: true });
    assert.match(table, /ENDPOINT\s+DNS\s+CONNECT\s+ECHO/);
    assert.match(helpForTopics(['check']), /^ {2}echo:\/\/HOST\[:PORT\] +TCP \+ a line sent and echoed$/m);
    assert.match(table, /echoed 9 B/);
    assert.match(table, /silent/);
    assert.match(table, new RegExp(`echo peer: 127\\.0\\.0\\.1:${mute.port}`));

    const json = JSON.parse(renderJson(report)) as { results: { checks: { layer: string; data?: object }[] }[] };
    const echoData = json.results[0]?.checks.find((c) => c.layer === 'echo')?.data ?? {};
    assert.deepEqual(Object.keys(echoData), ['peer', 'bytes', 'extra']);

    const html = renderHtml(report);
    assert.match(html, /<th>ECHO<\/th>/);
    assert.match(html, /data-col="echo" title="echo: no echo came back">silent</);
    assert.match(html, new RegExp(`<h4>ECHO</h4><dl class="facts"><dt>echo peer</dt><dd><code>127\\.0\\.0\\.1:${echo.port}</code>`));

    const markdown = renderMarkdown(report);
    assert.match(markdown, /^\| endpoint \| DNS \| connect \| TLS \| app \| echo \| verdict \|$/m);
    assert.match(markdown, /\| ✓ echoed 9 B \|/);

    assert.match(renderJunit(report), /<testcase classname="[^"]*mute[^"]*" name="echo"/);

    const metrics = renderPrometheus(report, { runsTotal: 1, lastRunEndedMs: 0 });
    assert.match(metrics, /^# HELP amlprobe_layer_success Whether one layer \(dns, tcp, udp, tls, http, websocket, smb, echo\) /m);
    assert.match(metrics, /^amlprobe_layer_success\{endpoint="mute",[^}]*layer="echo"\} 0$/m);
  });

  it('loads a kind\'s check before the layer\'s clock starts: slow-loading code is neither timed nor a timeout', async () => {
    const slowKind: ProbeKind = {
      ...echoKind,
      layer: 'slow' as Layer,
      schemes: { ['slow' as Protocol]: { layers: ['dns', 'tcp', 'slow' as Layer] } },
      load: async () => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        const check = await echoKind.load();
        return async (endpoint, state, ctx) => ({ ...(await check(endpoint, state, ctx)), layer: 'slow' as Layer });
      },
    };
    (PROBE_KINDS as ProbeKind[]).push(slowKind);
    try {
      const outcome = await runEndpoints([{ ...endpoint('slow', echo.port), protocol: 'slow' as Protocol }], testSettings({ timeoutMs: 200 }));
      const slow = outcome.results[0]?.checks.find((c) => (c.layer as string) === 'slow');
      assert.equal(slow?.reason, 'ok', JSON.stringify(outcome.results[0]));
      assert.ok((slow?.ms ?? Infinity) < 200, `${slow?.ms} ms`);
    } finally {
      const kinds = PROBE_KINDS as ProbeKind[];
      kinds.splice(kinds.indexOf(slowKind), 1);
    }
  });
});
