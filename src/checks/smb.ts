// The SMB layer: one SMB2 NEGOTIATE over the TCP layer's connection (port 445, Direct TCP transport,
// MS-SMB2 2.1) and the server's answer read as evidence. An open port 445 proves little: a firewall
// or IPS may accept and then drop SMB, an ISP may answer in its place. A NEGOTIATE response proves
// an SMB2/3 server is at the other end, and says which dialect (Azure Files speaks 2.1, 3.0 and
// 3.1.1) and whether it requires signing. No session is set up: no credentials, no share named.
// Through a CONNECT tunnel (an endpoint with its own proxy) it runs over the tunnel like any layer.
// Its descriptor is smb-kind.ts, which loads this file on first use: node:crypto (for the
// ClientGuid and salt) costs a one-endpoint check several milliseconds of start-up otherwise.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Check } from '../model/check.js';
import type { Reason, Status } from '../model/reason.js';
import type { LayerResult } from '../model/result.js';
import { quotePeer } from '../untrusted/evidence.js';
import { errorCode, errorMessage, idleError } from './errno.js';
import { received, signingWords, type SmbData } from './smb-evidence.js';
import { stoppedResult } from './stopped.js';

export type { SmbData } from './smb-evidence.js';


/** The dialects offered, oldest first (MS-SMB2 2.2.3): 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1. */
const DIALECTS = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311] as const;

/** A NEGOTIATE response is a few hundred bytes (its security blob included); a longer frame is something else. */
const MAX_FRAME_BYTES = 64 * 1024;

/** The SMB2 header is 64 bytes; the NEGOTIATE response body's fixed part 64 more (MS-SMB2 2.2.4). */
const HEADER_BYTES = 64;
const MIN_RESPONSE_BYTES = HEADER_BYTES + 64;

const SMB2_MAGIC = Buffer.from([0xfe, 0x53, 0x4d, 0x42]);
const SMB1_MAGIC = Buffer.from([0xff, 0x53, 0x4d, 0x42]);

/** The capability bits of a NEGOTIATE response (MS-SMB2 2.2.4), by name. */
const CAPABILITIES: readonly [number, string][] = [
  [0x01, 'DFS'], [0x02, 'LEASING'], [0x04, 'LARGE_MTU'], [0x08, 'MULTI_CHANNEL'],
  [0x10, 'PERSISTENT_HANDLES'], [0x20, 'DIRECTORY_LEASING'], [0x40, 'ENCRYPTION'], [0x80, 'NOTIFICATIONS'],
];

/** The SMB2 NEGOTIATE request, framed for Direct TCP: a fresh ClientGuid and salt each time. */
export function negotiateRequest(): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  SMB2_MAGIC.copy(header, 0);
  header.writeUInt16LE(64, 4); // StructureSize
  header.writeUInt16LE(0, 12); // Command: NEGOTIATE
  header.writeUInt16LE(1, 14); // CreditRequest
  header.writeUInt32LE(0xfeff, 32); // Reserved (ProcessId), as Windows sends it
  const body = Buffer.alloc(36 + DIALECTS.length * 2);
  body.writeUInt16LE(36, 0); // StructureSize
  body.writeUInt16LE(DIALECTS.length, 2);
  body.writeUInt16LE(0x0001, 4); // SecurityMode: signing enabled (not required: the server's choice is the evidence)
  body.writeUInt32LE(0x40, 8); // Capabilities: ENCRYPTION, so 3.0/3.0.2 servers that require it still answer
  randomBytes(16).copy(body, 12); // ClientGuid
  DIALECTS.forEach((dialect, i) => body.writeUInt16LE(dialect, 36 + i * 2));
  // 3.1.1 needs a PREAUTH_INTEGRITY_CAPABILITIES context (SHA-512, 32-byte salt); the ENCRYPTION_CAPABILITIES
  // context is what every real client sends. Contexts start 8-byte aligned, counted from the SMB2 header.
  const contextsAt = align8(HEADER_BYTES + body.length);
  const preauth = negotiateContext(0x0001, Buffer.concat([Buffer.from([1, 0, 32, 0, 1, 0]), randomBytes(32)]));
  const ciphers = negotiateContext(0x0002, Buffer.from([4, 0, 0x04, 0, 0x02, 0, 0x03, 0, 0x01, 0])); // AES-256-GCM, AES-128-GCM, AES-256-CCM, AES-128-CCM
  body.writeUInt32LE(contextsAt, 28); // NegotiateContextOffset
  body.writeUInt16LE(2, 32); // NegotiateContextCount
  const padding = Buffer.alloc(contextsAt - HEADER_BYTES - body.length);
  const between = Buffer.alloc(align8(preauth.length) - preauth.length);
  const message = Buffer.concat([header, body, padding, preauth, between, ciphers]);
  const frame = Buffer.alloc(4);
  frame.writeUInt32BE(message.length, 0); // Direct TCP: a zero byte, then a 24-bit length
  return Buffer.concat([frame, message]);
}

/** A negotiate context (MS-SMB2 2.2.3.1): type, data length, 4 reserved bytes, data. */
function negotiateContext(type: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type & 0xff, type >> 8, data.length & 0xff, data.length >> 8, 0, 0, 0, 0]), data]);
}

const align8 = (n: number): number => (n + 7) & ~7;

/** How the bytes a peer sent read, once a whole frame (or enough to judge) has arrived. */
export type NegotiateAnswer =
  | { kind: 'smb2'; data: SmbData }
  | { kind: 'smb2-error'; status: string }
  | { kind: 'smb1' }
  | { kind: 'other'; why: string }
  | { kind: 'incomplete'; need: number };

/** Reads the start of a peer's answer (a Direct TCP frame carrying an SMB2 NEGOTIATE response). */
export function readNegotiateAnswer(bytes: Buffer): NegotiateAnswer {
  if (bytes.length === 0) return { kind: 'incomplete', need: 4 };
  if (bytes[0] !== 0x00) return { kind: 'other', why: 'not a Direct TCP frame' };
  if (bytes.length < 4) return { kind: 'incomplete', need: 4 };
  const length = bytes.readUInt32BE(0) & 0xffffff;
  if (length > MAX_FRAME_BYTES) return { kind: 'other', why: `a frame of ${length} bytes, longer than any NEGOTIATE response` };
  const magic = bytes.subarray(4, 8);
  if (magic.length === 4 && magic.equals(SMB1_MAGIC)) return { kind: 'smb1' };
  if (magic.length === 4 && !magic.equals(SMB2_MAGIC)) return { kind: 'other', why: 'no SMB2 signature' };
  if (length < MIN_RESPONSE_BYTES && length >= 12 && bytes.length >= 16) {
    // An SMB2 error response (MS-SMB2 2.2.2) is shorter than a NEGOTIATE response.
    const status = bytes.readUInt32LE(12);
    if (status !== 0) return { kind: 'smb2-error', status: ntStatus(status) };
  }
  if (length < MIN_RESPONSE_BYTES) return { kind: 'other', why: `an SMB2 frame of ${length} bytes, too short for a NEGOTIATE response` };
  if (bytes.length < 4 + length) return { kind: 'incomplete', need: 4 + length };
  const message = bytes.subarray(4, 4 + length);
  const status = message.readUInt32LE(8);
  if (message.readUInt16LE(12) !== 0 || (message.readUInt32LE(16) & 0x1) === 0) {
    return { kind: 'other', why: 'an SMB2 message that is not a NEGOTIATE response' };
  }
  if (status !== 0) return { kind: 'smb2-error', status: ntStatus(status) };
  if (message.readUInt16LE(HEADER_BYTES) !== 65) return { kind: 'other', why: 'a NEGOTIATE response of the wrong structure size' };
  return { kind: 'smb2', data: negotiated(message) };
}

/** The evidence of a NEGOTIATE response (the message without its Direct TCP frame). */
function negotiated(message: Buffer): SmbData {
  const body = message.subarray(HEADER_BYTES);
  const securityMode = body.readUInt16LE(2);
  const capabilities = body.readUInt32LE(24);
  return {
    dialect: dialectName(body.readUInt16LE(4)),
    signingEnabled: (securityMode & 0x01) !== 0,
    signingRequired: (securityMode & 0x02) !== 0,
    serverGuid: guid(body.subarray(8, 24)),
    capabilities: CAPABILITIES.filter(([bit]) => (capabilities & bit) !== 0).map(([, name]) => name),
    maxTransactSize: body.readUInt32LE(28),
    maxReadSize: body.readUInt32LE(32),
    maxWriteSize: body.readUInt32LE(36),
  };
}

/** "3.1.1" for 0x0311, "2.0.2" for 0x0202; an unknown revision as hex. */
function dialectName(revision: number): string {
  const known: Record<number, string> = { 0x0202: '2.0.2', 0x0210: '2.1', 0x0300: '3.0', 0x0302: '3.0.2', 0x0311: '3.1.1' };
  return known[revision] ?? `0x${revision.toString(16).padStart(4, '0')}`;
}

/** A GUID as Windows writes it (the first three fields little-endian). */
function guid(bytes: Buffer): string {
  const hex = (b: Buffer): string => b.toString('hex');
  const le = (b: Buffer): string => hex(Buffer.from(b).reverse());
  return `${le(bytes.subarray(0, 4))}-${le(bytes.subarray(4, 6))}-${le(bytes.subarray(6, 8))}-${hex(bytes.subarray(8, 10))}-${hex(bytes.subarray(10, 16))}`;
}

const ntStatus = (status: number): string => `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;

/** Sends an SMB2 NEGOTIATE over state.socket and judges the answer. */
export const checkSmb: Check = (_endpoint, state, ctx) => {
  const started = performance.now();
  const data: SmbData = {};
  const result = (status: Status, reason: Reason, message: string, detail?: string): LayerResult => ({
    layer: 'smb', status, reason, ms: Math.round(performance.now() - started), message, ...(detail === undefined ? {} : { detail }), data,
  });
  const socket = state.socket;
  if (socket === undefined) return Promise.resolve(result('fail', 'internal_error', 'no connection to negotiate SMB over (the TCP layer left none)'));
  if (socket.destroyed) {
    const missed = idleError(socket);
    const code = errorCode(missed);
    if (code !== undefined) data.code = code;
    return Promise.resolve(result('fail', 'smb_failed', `the connection ${code === 'ECONNRESET' ? 'was reset' : 'closed'} before the SMB2 NEGOTIATE was sent`));
  }
  // Recorded as it grows, so that the engine's timeout or deadline result (the kind's `stopped`
  // words below) shows how much of an answer came.
  state.evidence = data;
  let buffered = Buffer.alloc(0);
  if (ctx.signal.aborted) return Promise.resolve(stoppedResult('smb'));

  return new Promise<LayerResult>((resolve) => {
    const settle = (outcome: LayerResult): void => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      data.replyBytes = buffered.length;
      const answer = readNegotiateAnswer(buffered);
      if (answer.kind === 'incomplete') return;
      settle(judge(answer, buffered, data, result));
    };
    const onError = (error: Error): void => {
      const code = errorCode(error);
      if (code !== undefined) data.code = code;
      const what = code === 'ECONNRESET' ? 'reset' : 'failed';
      settle(result('fail', 'smb_failed', `connection ${what} during the SMB2 NEGOTIATE${received(data, 'then the error')}`, `${errorMessage(error)}. ${CLOSE_DETAIL}`));
    };
    // onData judges every answer as soon as it can be judged: what is left at a close is incomplete.
    const onClose = (): void => {
      const answer = readNegotiateAnswer(buffered);
      const how = answer.kind === 'incomplete' && buffered.length > 0 ? `after ${buffered.length} of the ${answer.need} bytes of its answer to` : 'without answering';
      settle(result('fail', 'smb_failed', `the server closed the connection ${how} the SMB2 NEGOTIATE`, CLOSE_DETAIL));
    };
    const onAbort = (): void => settle(stoppedResult('smb'));
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.write(negotiateRequest());
  });
};

const CLOSE_DETAIL =
  'Something accepted the TCP connection to port 445 and then ended it instead of answering SMB2: an SMB1-only server, ' +
  'a firewall or IPS that cuts SMB, or a storage account firewall rejecting this network.';

/** The verdict on a complete (or judgeable) answer. */
function judge(answer: NegotiateAnswer, bytes: Buffer, data: SmbData, result: (status: Status, reason: Reason, message: string, detail?: string) => LayerResult): LayerResult {
  switch (answer.kind) {
    case 'smb2':
      Object.assign(data, answer.data);
      return result('pass', 'smb_negotiated', `SMB ${answer.data.dialect} negotiated, signing ${signingWords(answer.data)}`);
    case 'smb2-error':
      data.status = answer.status;
      return result('fail', 'smb_failed', `the SMB2 server refused the NEGOTIATE (status ${answer.status})`,
        'An SMB2 server answered but accepted none of the dialects 2.0.2 to 3.1.1, or refused this client.');
    case 'smb1':
      data.smb1 = true;
      return result('fail', 'smb_not_smb2', 'the server answered SMB1, not SMB2/3',
        'An SMB1-only server (or a device emulating one) answered on port 445. Azure Files speaks SMB 2.1, 3.0 and 3.1.1 only: this is not the storage account.');
    default:
      data.answer = quotePeer(bytes);
      return result('fail', 'smb_not_smb2', `the peer answered, but not with SMB2 (${answer.kind === 'other' ? answer.why : 'incomplete'})`,
        `Something else listens on this port or answers in the server's place (a proxy, a TLS or HTTP server, a block page). Start of its answer: "${data.answer}".`);
  }
}
