// The smb kind's evidence and the words both its check (smb.ts) and its descriptor (smb-kind.ts)
// use, in a file of their own so that neither imports the other.

// What the kind adds to the shared vocabulary (src/model/), by declaration merging. The reasons:
// smb_negotiated (pass: SMB2/3 answered; dialect and signing in the evidence), smb_not_smb2 (an
// answer, but SMB1, TLS, HTTP, a block page), smb_timeout (connected, no SMB answer in time),
// smb_failed (closed or reset mid-exchange, or an SMB2 error answer).
declare module '../model/evidence.js' { interface LayerEvidence { smb: SmbData } }
declare module '../model/endpoint.js' { interface Protocols { smb: 'smb://host[:445]' } }
declare module '../model/reason.js' { interface KindReasons { smb_negotiated: true; smb_not_smb2: true; smb_timeout: true; smb_failed: true } }

/** Evidence of the SMB layer. */
export interface SmbData {
  dialect?: string; // the dialect the server chose: "2.1", "3.0", "3.0.2", "3.1.1" (hex for an unknown one)
  signingEnabled?: boolean;
  signingRequired?: boolean; // SecurityMode SIGNING_REQUIRED
  serverGuid?: string;
  capabilities?: string[]; // DFS, LEASING, LARGE_MTU, MULTI_CHANNEL, PERSISTENT_HANDLES, DIRECTORY_LEASING, ENCRYPTION, NOTIFICATIONS
  maxTransactSize?: number;
  maxReadSize?: number;
  maxWriteSize?: number;
  status?: string; // NT status of an SMB2 error answer, e.g. "0xC00000BB"
  smb1?: boolean; // the peer answered SMB1
  answer?: string; // start of an answer that was not SMB2, quoted (bounded, printable)
  replyBytes?: number; // bytes of the answer received so far
  code?: string; // errno code when the connection failed (ECONNRESET, ...)
}

export function signingWords(data: SmbData): string {
  return data.signingRequired === true ? 'required' : data.signingEnabled === true ? 'enabled, not required' : 'not enabled';
}

/** " (N bytes of an answer, then ...)" when part of an answer came. */
export const received = (data: SmbData, then: string): string => (data.replyBytes === undefined ? '' : ` (${data.replyBytes} bytes of an answer, ${then})`);
