// The lab's stand-in for an Azure Files endpoint on port 445: it reads one Direct TCP frame (an SMB2
// NEGOTIATE request) and answers with a NEGOTIATE response choosing the highest dialect offered,
// the way a storage account does. It sets up no session: the probe never asks for one.

import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';

/** What the stand-in says about itself. */
export interface SmbServerTraits {
  /** Answer with SIGNING_REQUIRED (Azure Files does not; a hardened Windows server does). */
  signingRequired?: boolean;
  /** Dialects it accepts; default 2.1, 3.0, 3.1.1 (Azure Files). */
  dialects?: readonly number[];
}

/** The largest request frame it reads before hanging up (a NEGOTIATE is a few hundred bytes). */
const MAX_REQUEST_BYTES = 16 * 1024;

/** The dialects an SMB2 NEGOTIATE request offers (MS-SMB2 2.2.3), or undefined when `message` is not one. */
export function offeredDialects(message: Buffer): number[] | undefined {
  if (message.length < 100 || message.readUInt32BE(0) !== 0xfe534d42 || message.readUInt16LE(12) !== 0) return undefined;
  const count = message.readUInt16LE(66);
  if (message.length < 100 + count * 2) return undefined;
  return Array.from({ length: count }, (_, i) => message.readUInt16LE(100 + i * 2));
}

/** A NEGOTIATE response (MS-SMB2 2.2.4) for `dialect`, framed for Direct TCP. */
export function negotiateResponse(dialect: number, traits: SmbServerTraits = {}): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0xfe534d42, 0);
  header.writeUInt16LE(64, 4);
  header.writeUInt16LE(0, 12); // NEGOTIATE
  header.writeUInt16LE(1, 14); // credits granted
  header.writeUInt32LE(0x1, 16); // SERVER_TO_REDIR
  const body = Buffer.alloc(64);
  body.writeUInt16LE(65, 0);
  body.writeUInt16LE(traits.signingRequired === true ? 0x3 : 0x1, 2);
  body.writeUInt16LE(dialect, 4);
  randomBytes(16).copy(body, 8); // ServerGuid
  body.writeUInt32LE(0x47, 24); // DFS, LEASING, LARGE_MTU, ENCRYPTION
  for (const at of [28, 32, 36]) body.writeUInt32LE(8 * 1024 * 1024, at);
  body.writeBigUInt64LE(BigInt(Date.now() + 11_644_473_600_000) * 10_000n, 40); // SystemTime, FILETIME
  body.writeUInt16LE(128, 56); // SecurityBufferOffset (no security blob)
  const message = Buffer.concat([header, body]);
  const frame = Buffer.alloc(4);
  frame.writeUInt32BE(message.length, 0);
  return Buffer.concat([frame, message]);
}

/** Serves one NEGOTIATE on `socket`: the highest common dialect, or a hang-up when there is none or the request is not SMB2. */
export function answerNegotiate(socket: Socket, traits: SmbServerTraits = {}): void {
  const accepted = traits.dialects ?? [0x0210, 0x0300, 0x0311];
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length < 4) return;
    const length = buffered.readUInt32BE(0);
    if (length > MAX_REQUEST_BYTES) return void socket.destroy();
    if (buffered.length < 4 + length) return;
    const offered = offeredDialects(buffered.subarray(4, 4 + length)) ?? [];
    const chosen = Math.max(...offered.filter((d) => accepted.includes(d)), -1);
    if (chosen < 0) return void socket.destroy();
    socket.write(negotiateResponse(chosen, traits));
  });
}
