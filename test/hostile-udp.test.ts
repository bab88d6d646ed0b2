// Hostile UDP peers: silence, a flood of replies, a huge datagram, an empty one, and a closed port,
// each against the real engine with the verdict it deserves and the run ending within its deadline.

import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import { assertReason, hostileEndpoint, runHostile } from './helpers/hostile.js';
import { closedUdpPort } from './helpers/listeners.js';

const sockets: Socket[] = [];
after(() => {
  for (const s of sockets) s.close();
});

/** A UDP peer on 127.0.0.1 answering each datagram as `reply` says. */
async function udpPeer(reply: (socket: Socket, from: RemoteInfo) => void): Promise<number> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  socket.on('error', () => {});
  socket.on('message', (_message, from) => reply(socket, from));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket.address().port;
}

describe('hostile UDP peers', () => {
  it('silence is udp_open_or_filtered (a warning) after the layer timeout', async () => {
    const port = await udpPeer(() => {});
    const result = await runHostile(hostileEndpoint('udp', port));
    assertReason(result, 'udp_open_or_filtered');
    assert.equal(result.status, 'warn');
  });

  it('a flood of 2,000 replies to one datagram is one reply: ok', async () => {
    const port = await udpPeer((socket, from) => {
      for (let i = 0; i < 2000; i += 1) socket.send(Buffer.alloc(512, i % 256), from.port, from.address);
    });
    const result = await runHostile(hostileEndpoint('udp', port));
    assertReason(result, 'ok');
  });

  it('a 60 KB reply is ok and only its size is kept', async () => {
    const port = await udpPeer((socket, from) => socket.send(Buffer.alloc(60_000, 0x41), from.port, from.address));
    const result = await runHostile(hostileEndpoint('udp', port));
    assertReason(result, 'ok');
    const udp = result.checks.find((c) => c.layer === 'udp');
    assert.equal((udp?.data as { replyBytes?: number } | undefined)?.replyBytes, 60_000);
  });

  it('an empty reply is still a reply: ok', async () => {
    const port = await udpPeer((socket, from) => socket.send(Buffer.alloc(0), from.port, from.address));
    const result = await runHostile(hostileEndpoint('udp', port));
    assertReason(result, 'ok');
  });

  it('a closed port is udp_closed (ICMP port unreachable)', async () => {
    const result = await runHostile(hostileEndpoint('udp', await closedUdpPort()));
    assertReason(result, 'udp_closed');
  });
});
