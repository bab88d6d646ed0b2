// The bench's servers, started by bench/run.mjs inside the service namespace (never elsewhere):
// a plain TCP listener, an HTTPS server with a certificate from the bench CA, and one with a
// self-signed certificate. Usage: node servers.mjs DIR (DIR holds good.key/pem, self.key/pem).

import { readFileSync } from 'node:fs';
import { createServer as createTcp } from 'node:net';
import { createServer as createHttps } from 'node:https';
import { join } from 'node:path';

const dir = process.argv[2];
const BACKLOG = 16384;

const hold = (socket) => {
  socket.on('error', () => {});
  socket.on('end', () => socket.destroy());
};
// 10.88.1.10 and the large case's 10.88.4.1-40: spreading thousands of connections over many
// addresses keeps the client's TIME_WAIT entries per destination low across repeated runs (one
// address would exhaust the ephemeral ports and measure the kernel's port search, not amlprobe).
for (const host of ['10.88.1.10', ...Array.from({ length: 40 }, (_, i) => `10.88.4.${i + 1}`)]) {
  createTcp(hold).listen({ host, port: 443, backlog: BACKLOG });
}

const page = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok\n');
};
for (const [host, name] of [['10.88.1.11', 'good'], ['10.88.1.12', 'self']]) {
  const server = createHttps({ key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) }, page);
  server.on('tlsClientError', () => {});
  server.listen({ host, port: 443, backlog: BACKLOG });
}
process.on('SIGTERM', () => process.exit(0));
