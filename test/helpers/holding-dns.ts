// A UDP DNS server on 127.0.0.1 that holds every query until release(), then answers them all
// (one A record each): what queries in flight, their slots, timers and source ports look like.

import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';

/** A UDP DNS server on 127.0.0.1 that holds every query until release(), then answers them all. */
export async function holdingServer(): Promise<{ address: string; received: () => number; ports: () => number[]; release: () => void; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  const held: { message: Buffer; port: number; address: string }[] = [];
  let holding = true;
  const ports: number[] = [];
  const answer = (message: Buffer, port: number, address: string): void => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    const reply = dnsPacket.encode({
      type: 'response', id: query.id ?? 0, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: query.questions ?? [],
      answers: question ? [{ type: 'A', name: question.name, ttl: 60, data: '10.1.2.3' }] : [],
    });
    socket.send(reply, port, address);
  };
  socket.on('message', (message, peer) => {
    ports.push(peer.port);
    if (holding) held.push({ message, port: peer.port, address: peer.address });
    else answer(message, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    received: () => held.length,
    ports: () => [...ports],
    release: () => {
      holding = false;
      for (const h of held.splice(0)) answer(h.message, h.port, h.address);
    },
    close: () => socket.close(),
  };
}
