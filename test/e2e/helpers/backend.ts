// The small servers nginx and the suite need inside the service namespace, run there as its own
// process (`ip netns exec SVC node backend.js WS_PORT SMB_ADDRESS`): Node cannot enter a network
// namespace, so the test process spawns this file instead of listening itself.
// - a WebSocket server on 127.0.0.1:WS_PORT that nginx proxies upgrades to (a real 101 needs a
//   backend that computes Sec-WebSocket-Accept);
// - a TCP listener on SMB_ADDRESS:445 standing in for Azure Files' SMB port (reachability only).
// Prints "ready" once both listen; exits on SIGTERM or when its stdin closes (the test died).

import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';

// `node --test dist/test/` loads every .js under a test/ directory, this file included, with no
// arguments: that is not a use, so leave quietly instead of failing the run.
if (process.argv.length <= 2) process.exit(0);

const [wsPortText, smbAddress] = process.argv.slice(2);
const wsPort = Number(wsPortText);
if (!Number.isInteger(wsPort) || smbAddress === undefined) {
  process.stderr.write('usage: backend.js WS_PORT SMB_ADDRESS\n');
  process.exit(2);
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: wsPort });
wss.on('connection', (socket) => {
  socket.on('error', () => undefined);
  socket.send('hello from the e2e backend');
});

const sockets = new Set<Socket>();
const smb = createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
  socket.resume();
});
smb.listen(445, smbAddress);

let listening = 0;
const ready = (): void => {
  listening += 1;
  if (listening === 2) process.stdout.write('ready\n');
};
wss.on('listening', ready);
smb.on('listening', ready);
const fail = (error: Error): void => {
  process.stderr.write(`backend: ${error.message}\n`);
  process.exit(1);
};
wss.on('error', fail);
smb.on('error', fail);

function stop(): void {
  for (const socket of sockets) socket.destroy();
  for (const client of wss.clients) client.terminate();
  wss.close();
  smb.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The test holds our stdin open; EOF means it is gone, so do not outlive it.
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
