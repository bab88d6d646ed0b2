// DNS over TCP carries each message behind its length, two bytes big-endian (RFC 1035 4.2.2). The
// servers amlprobe answers with itself (the lab's, and the tests' fakes) read and write that framing
// here, in one place. (The client, src/dns/transport.ts, reads answers with its own loop: it stops at
// the first that matches its query.)

import type { Socket } from 'node:net';

/** Calls `onMessage` with each whole DNS message a TCP peer sends, however the bytes are split. */
export function onTcpMessages(socket: Socket, onMessage: (message: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
      buffered = buffered.subarray(2 + message.length);
      onMessage(message);
    }
  });
}

/** A DNS message with its TCP length prefix. */
export function framedTcpMessage(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length);
  return Buffer.concat([prefix, message]);
}
