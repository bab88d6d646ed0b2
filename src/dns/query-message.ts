// The bytes of a query message (RFC 1035 4.1): a header with the recursion-desired flag, one
// question. Written directly for the plain host names amlprobe asks about, byte for byte what
// dns-packet writes for them (test/dns-query-message.test.ts): dns-packet builds the message
// through generic record lists, and did so for every one of a 10,000-name run's 20,000 queries
// (issue 15). Anything else (escapes, long labels, other characters) goes through dns-packet.

import dnsPacket from 'dns-packet';
import type { QueryQuestion } from './transport.js';

/** Letters, digits, '-' and '_' in labels of 1-63 characters, an optional final dot. */
const PLAIN_NAME = /^(?:[A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?$/;

const TYPE_CODES: Readonly<Record<string, number>> = { A: 1, NS: 2, AAAA: 28 };

/** The query message asking `question` under `id`. */
export function encodeQuery(question: QueryQuestion, id: number): Buffer {
  const { name, type } = question;
  const code = TYPE_CODES[type];
  if (code === undefined || name.length > 254 || !PLAIN_NAME.test(name)) {
    return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
  }
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  // Header (12) + one length byte per label (the dots and one more) + the labels + root + type + class.
  const message = Buffer.alloc(12 + bare.length + 2 + 4);
  message.writeUInt16BE(id, 0);
  message.writeUInt16BE(dnsPacket.RECURSION_DESIRED, 2);
  message.writeUInt16BE(1, 4);
  let length = 13;
  let at = 12;
  for (let i = 0; i < bare.length; i++) {
    const c = bare.charCodeAt(i);
    if (c === 0x2e) {
      message[at] = length - at - 1;
      at = length++;
    } else message[length++] = c;
  }
  message[at] = length - at - 1;
  message[length++] = 0;
  message.writeUInt16BE(code, length);
  message.writeUInt16BE(1, length + 2);
  return message;
}
