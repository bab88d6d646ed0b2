// The udp kind: one datagram and whether anything answers. Silence is only a warning unless the
// endpoint expects a reply: UDP cannot tell an open port from a filtered one.

import { COLUMNS, evidenceCode, type ProbeKind } from './descriptor.js';

export const udpKind: ProbeKind<'udp'> = {
  layer: 'udp',
  schemes: { udp: { layers: ['dns', 'udp'] } },
  column: COLUMNS.connect,
  help: { target: 'udp://HOST:PORT', does: 'send a datagram, wait for a reply or an ICMP port unreachable' },
  load: async () => (await import('./udp.js')).checkUdp,
  preload: true,
  // Silence is the normal end of a UDP probe: open or filtered, a failure only when a reply is expected.
  stopped: {
    timeout: (endpoint, _state, timeoutMs) => ({
      status: endpoint.expect.udpReply ? 'fail' : 'warn',
      reason: 'udp_open_or_filtered',
      message: `no reply within ${timeoutMs} ms (open or filtered)`,
      detail:
        'UDP gives no handshake: silence means either a service that ignores this payload or a firewall that drops it. ' +
        'No ICMP port unreachable came back, so nothing on the path reported the port closed.',
    }),
    deadline: () => 'the run deadline struck while waiting for a UDP reply',
  },
  json: { order: ['address', 'port', 'sentBytes', 'replyBytes', 'code'] },
  okCell: (_check, data) => (data?.replyBytes === undefined ? 'reply' : `reply ${data.replyBytes} B`),
  cells: {
    udp_closed: () => 'port closed',
    udp_open_or_filtered: () => 'no reply',
    udp_error: (check) => evidenceCode(check) ?? 'error',
  },
  panel: (d) => [
    {
      facts: [
        ['address', { code: `${d.address}:${d.port}` }],
        ['sent', `${d.sentBytes} B`],
        ['reply', d.replyBytes === undefined ? 'none' : `${d.replyBytes} B`],
        ['redirected to', d.redirectedTo],
        ['error', d.code],
      ],
    },
  ],
};
