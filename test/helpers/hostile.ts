// Hostile peers for the hostile-*.test.ts files: raw loopback servers that misbehave on purpose
// (stall, trickle, garbage, floods, resets, echoes), and one way to run an endpoint against them
// through the real engine, so every case checks both the verdict and that the run kept its deadline.

import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { runEndpoints } from '../../src/engine/run-endpoints.js';
import type { EngineOptions } from '../../src/engine/run-endpoints.js';
import type { Endpoint } from '../../src/model/endpoint.js';
import type { EndpointResult } from '../../src/model/result.js';
import type { RunSettings } from '../../src/model/settings.js';
import { testSettings } from './settings.js';

/** Layer timeout of the hostile cases: long enough for loopback, short enough for a quick suite. */
export const HOSTILE_TIMEOUT_MS = 600;
/** Run deadline of the hostile cases. */
export const HOSTILE_DEADLINE_MS = 2_000;
/**
 * What the engine promises past the deadline (its 250 ms fence, docs/architecture.md) plus slack
 * for a machine shared with other test runs: a case fails only on a real overrun, never on load.
 */
export const DEADLINE_MARGIN_MS = 250 + 1_000;

/** A raw peer on 127.0.0.1: `onSocket` decides everything it says. */
export interface RawPeer {
  port: number;
  close(): Promise<void>;
}

/** Starts a raw TCP peer; every accepted socket is destroyed on close, errors are swallowed. */
export async function rawPeer(onSocket: (socket: Socket) => void): Promise<RawPeer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `chunk` every `everyMs` until the socket closes (floods and trickles). */
export function repeatWrite(socket: Socket, chunk: string | Buffer, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed || socket.writableEnded) {
      clearInterval(timer);
      return;
    }
    socket.write(chunk);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

/** Writes `chunk` as fast as the socket drains, until it closes (a flood that does not wait on a timer). */
export function flood(socket: Socket, chunk: string | Buffer): void {
  const pump = (): void => {
    while (!socket.destroyed && socket.write(chunk));
  };
  socket.on('drain', pump);
  pump();
}

/** Calls `then` once the peer has read a request head (blank line), with what it read. */
export { afterRequestHead as afterHead } from './http-servers.js';

/** An endpoint on 127.0.0.1 (an IP literal: the DNS layer needs no server). */
export function hostileEndpoint(protocol: Endpoint['protocol'], port: number, extra: Partial<Endpoint> = {}): Endpoint {
  return { id: `${protocol}-${port}`, host: '127.0.0.1', port, protocol, path: '/', required: true, expect: {}, ...extra };
}

/** The settings of every hostile case, with `overrides`. */
export function hostileSettings(overrides: Partial<RunSettings> = {}): RunSettings {
  return testSettings({ timeoutMs: HOSTILE_TIMEOUT_MS, deadlineMs: HOSTILE_DEADLINE_MS, concurrency: 4, ...overrides });
}

/**
 * Runs `endpoint` through the engine and checks the run ended within its deadline (plus the stated
 * margin), by the engine's own clock and by the wall clock; returns the endpoint's result.
 */
export async function runHostile(endpoint: Endpoint, settings: RunSettings = hostileSettings(), options: EngineOptions = {}): Promise<EndpointResult> {
  const started = performance.now();
  const outcome = await runEndpoints([endpoint], settings, options);
  const wall = performance.now() - started;
  assert.ok(wall <= settings.deadlineMs + DEADLINE_MARGIN_MS, `the run took ${Math.round(wall)} ms against a ${settings.deadlineMs} ms deadline`);
  const [result] = outcome.results;
  assert.ok(result, 'no result');
  return result;
}

/** The deciding layer's reason, with the result in the failure message. */
export function assertReason(result: EndpointResult, reason: string, message?: RegExp): void {
  assert.equal(result.reason, reason, `${result.layer}: ${result.message} (${JSON.stringify(result.checks.map((c) => [c.layer, c.reason, c.message]))})`);
  if (message) assert.match(result.message, message);
}
