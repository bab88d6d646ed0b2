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
createTcp(hold).listen({ host: '10.88.1.10', port: 443, backlog: BACKLOG });

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
