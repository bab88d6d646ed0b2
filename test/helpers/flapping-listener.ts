// A TCP listener on a fixed port that can be stopped and started again on the same port: an
// endpoint that goes down and comes back, for serve's /healthz, metrics and state tests.

import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/** A TCP listener on a fixed port that can be stopped and started again on the same port. */
export class FlappingListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}
  async up(): Promise<void> {
    const server = createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
