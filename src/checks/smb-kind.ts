// The smb kind: `smb://host[:445]`, an SMB2 NEGOTIATE over the TCP layer's connection, judged in
// smb.ts (loaded on first use). Its evidence, cells, facts and the words of its timeouts.

import { COLUMNS, evidenceCode, fact, type ProbeKind } from './descriptor.js';
import { received, signingWords, type SmbData } from './smb-evidence.js';

const STALL_DETAIL =
  'The TCP connection to port 445 opened but no SMB2 answer came: a firewall or IPS that accepts the connection and then drops SMB, ' +
  'or a server that is not an SMB server.';

/** The smb probe kind: `smb://host[:445]`, in the APP column. */
export const smbKind: ProbeKind<'smb'> = {
  layer: 'smb',
  schemes: { smb: { layers: ['dns', 'tcp', 'smb'], defaultPort: 445 } },
  column: COLUMNS.app,
  help: { target: 'smb://HOST[:PORT]', does: 'TCP + SMB2 NEGOTIATE (port 445): dialect and signing (Azure Files)' },
  load: async () => (await import('./smb.js')).checkSmb,
  stopped: {
    timeout: (_endpoint, state, timeoutMs) => ({
      reason: 'smb_timeout',
      message: `no SMB answer within ${timeoutMs} ms${received((state.evidence ?? {}) as SmbData, 'then silence')}`,
      detail: STALL_DETAIL,
    }),
    deadline: () => 'the run deadline struck during the SMB2 NEGOTIATE',
  },
  json: {
    order: ['dialect', 'signingEnabled', 'signingRequired', 'serverGuid', 'capabilities', 'maxTransactSize', 'maxReadSize',
      'maxWriteSize', 'status', 'smb1', 'answer', 'replyBytes', 'code'] satisfies (keyof SmbData)[],
  },
  cells: {
    smb_negotiated: (check) => {
      const data = (check.data ?? {}) as SmbData;
      return `SMB ${data.dialect ?? '2+'}${data.signingRequired === true ? ' signed' : ''}`;
    },
    smb_not_smb2: (check) => ((check.data as SmbData | undefined)?.smb1 === true ? 'SMB1' : 'not SMB2'),
    smb_timeout: () => 'timeout',
    smb_failed: (check) => (check.data as SmbData | undefined)?.status ?? evidenceCode(check) ?? 'closed',
  },
  facts: (data) => smbLines(data).map(([label, text]) => fact(label, text)),
  panel: (data) => [{ facts: [...smbLines(data), ['error', data.code]] }],
};

/** Evidence lines under a row: [label, text] pairs. */
function smbLines(data: SmbData): [string, string][] {
  const lines: [string, string][] = [];
  if (data.dialect !== undefined) lines.push(['dialect', `SMB ${data.dialect}, signing ${signingWords(data)}`]);
  if (data.serverGuid !== undefined) lines.push(['server guid', data.serverGuid]);
  if (data.capabilities !== undefined && data.capabilities.length > 0) lines.push(['capabilities', data.capabilities.join(', ')]);
  if (data.status !== undefined) lines.push(['smb status', data.status]);
  if (data.answer !== undefined) lines.push(['answer', data.answer]);
  return lines;
}
