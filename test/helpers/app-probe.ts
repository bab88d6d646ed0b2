// What the HTTP and WebSocket layer tests share: one probe over a fresh socket that also proves
// the layer left nothing behind, the relaxed context most cases run under, and a test CA with a
// certificate for 'localhost' for the suites over TLS.

import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before } from 'node:test';
import { LayerSignal } from '../../src/abort.js';
import type { Endpoint } from '../../src/model/endpoint.js';
import type { LayerResult } from '../../src/model/result.js';
import type { Check } from '../../src/model/check.js';
import { openProbeSocket, testContext } from './http-servers.js';
import type { ClientTls, ContextOptions, ServerCert, TestServer } from './http-servers.js';
import { createTestCa } from './test-ca.js';
import type { TestCa } from './test-ca.js';

/** Generous defaults: the cases that test a timeout set their own short ones. */
export const RELAXED: ContextOptions = { timeoutMs: 3000, abortAfterMs: 3000 };

/**
 * Runs `check` once over a fresh probe socket to `server`, as the tcp (and tls) layers would hand
 * it over; asserts one connection, no abort listener left, the socket closed, and the layer's data.
 */
export async function probeOverSocket<Data>(
  check: Check,
  layer: 'http' | 'websocket',
  server: TestServer,
  endpoint: Endpoint,
  options: ContextOptions = RELAXED,
  tls?: ClientTls,
): Promise<LayerResult & { data: Data }> {
  const socket = await openProbeSocket(server.port, tls);
  const { ctx, dispose } = testContext(options);
  try {
    const result = await check(endpoint, { address: '127.0.0.1', socket }, ctx);
    assert.equal(server.connections, 1, 'exactly one TCP connection per probe');
    const left = ctx.signal instanceof LayerSignal ? ctx.signal.listenerCount() : getEventListeners(ctx.signal as AbortSignal, 'abort').length;
    assert.equal(left, 0, 'no abort listener left on ctx.signal');
    assert.equal(socket.destroyed, true, 'the connection is closed when the layer returns');
    assert.equal(result.layer, layer);
    assert.ok(result.ms >= 0);
    assert.ok(result.data, `the ${layer} layer's data is always present`);
    return result as LayerResult & { data: Data };
  } finally {
    dispose();
    socket.destroy();
  }
}

/** A server certificate for 'localhost' and the client side that trusts it. */
export interface LocalhostTls {
  /** The server's key and certificate (available once the suite's before() ran). */
  cert(): ServerCert;
  /** What the probe socket needs to verify it. */
  client(): ClientTls;
}

/**
 * Creates a test CA and a 'localhost' certificate in the calling suite's before(), and removes
 * the CA in its after(). Call inside describe().
 */
export function localhostTls(): LocalhostTls {
  let ca: TestCa | undefined;
  let cert: ServerCert | undefined;
  before(async () => {
    ca = await createTestCa();
    cert = await ca.issue({ names: ['localhost'] });
  });
  after(() => ca?.cleanup());
  return {
    cert: () => {
      assert.ok(cert, 'localhostTls: used before the suite started');
      return cert;
    },
    client: () => {
      assert.ok(ca, 'localhostTls: used before the suite started');
      return { ca: ca.caCert, servername: 'localhost' };
    },
  };
}
