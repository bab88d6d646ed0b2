// A direct decoder for the answer almost every query gets: one IN question of type A, AAAA or
// CNAME, answer records of those three types in class IN, nothing in the authority or additional
// sections. It returns exactly what dns-packet's decode returns for such a message (the same
// fields, the same strings; test/dns-common-answer.test.ts holds the two side by side) at a fraction
// of the CPU and garbage (issue 15: 10,000 names make 20,000 answers). It never decides that a
// message is broken: anything it does not recognise, any length or pointer that does not add up,
// returns undefined and goes through dns-packet and the checks of decodeMessage (transport.ts).

import type { DnsResponse } from './exchange-result.js';

/** dns-packet's names of the 4-bit rcodes (rcodes.js). */
const RCODES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET',
  'NXRRSET', 'NOTAUTH', 'NOTZONE', 'RCODE_11', 'RCODE_12', 'RCODE_13', 'RCODE_14', 'RCODE_15',
] as const;

const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;
const CLASS_IN = 1;

/** More records than this is no common answer: dns-packet reads them (and the caps apply later). */
const MAX_RECORDS = 64;

/** A name as dns-packet's name.decode makes it, and the bytes it takes where it starts. */
interface NameRead {
  name: string;
  bytes: number;
}

/**
 * Reads a name at `start` with dns-packet's rules (backward pointers only, at most 254 bytes),
 * or undefined for anything else, including labels with bytes outside ASCII (dns-packet decodes
 * those as UTF-8; they are left to it).
 */
function readName(buf: Buffer, start: number): NameRead | undefined {
  let offset = start;
  let oldOffset = start;
  let total = 0;
  let consumed = 0;
  let jumped = false;
  let name = '';
  for (;;) {
    if (offset >= buf.length) return undefined;
    const len = buf[offset++] as number;
    if (!jumped) consumed++;
    if (len === 0) break;
    if ((len & 0xc0) === 0) {
      if (offset + len > buf.length) return undefined;
      total += len + 1;
      if (total > 254) return undefined;
      for (let i = offset; i < offset + len; i++) if ((buf[i] as number) >= 0x80) return undefined;
      name = name === '' ? buf.toString('latin1', offset, offset + len) : `${name}.${buf.toString('latin1', offset, offset + len)}`;
      offset += len;
      if (!jumped) consumed += len;
    } else if ((len & 0xc0) === 0xc0) {
      if (offset + 1 > buf.length) return undefined;
      const jump = (((len & 0x3f) << 8) | (buf[offset] as number)) >>> 0;
      if (jump >= oldOffset) return undefined;
      offset = jump;
      oldOffset = jump;
      if (!jumped) consumed++;
      jumped = true;
    } else {
      return undefined;
    }
  }
  return { name: name === '' ? '.' : name, bytes: consumed };
}

const typeName = (type: number): 'A' | 'AAAA' | 'CNAME' | undefined =>
  type === TYPE_A ? 'A' : type === TYPE_AAAA ? 'AAAA' : type === TYPE_CNAME ? 'CNAME' : undefined;

/** An IPv6 address exactly as dns-packet (@leichtgewicht/ip-codec v6.decode) writes it: the same groups, the same two replaces. */
function ipv6Text(buf: Buffer, at: number): string {
  let text = '';
  for (let i = 0; i < 16; i += 2) text += `${i === 0 ? '' : ':'}${(((buf[at + i] as number) << 8) | (buf[at + i + 1] as number)).toString(16)}`;
  return text.replace(/(^|:)0(:0)*:0(:|$)/, '$1::$3').replace(/:{3,4}/, '::');
}

/** The common answer decoded as dns-packet would, or undefined: then dns-packet decides. */
export function decodeCommonAnswer(buf: Buffer): DnsResponse | undefined {
  if (buf.length < 12) return undefined;
  const flags = buf.readUInt16BE(2);
  // Opcode QUERY only; the 4-bit rcode is all a message without OPT has.
  if (((flags >> 11) & 0xf) !== 0) return undefined;
  const qdcount = buf.readUInt16BE(4);
  const ancount = buf.readUInt16BE(6);
  if (qdcount !== 1 || ancount > MAX_RECORDS || buf.readUInt16BE(8) !== 0 || buf.readUInt16BE(10) !== 0) return undefined;
  const question = readName(buf, 12);
  if (question === undefined) return undefined;
  let offset = 12 + question.bytes;
  if (offset + 4 > buf.length) return undefined;
  const qtype = typeName(buf.readUInt16BE(offset));
  if (qtype === undefined || buf.readUInt16BE(offset + 2) !== CLASS_IN) return undefined;
  offset += 4;
  const answers: NonNullable<DnsResponse['answers']> = [];
  for (let n = 0; n < ancount; n++) {
    const owner = readName(buf, offset);
    if (owner === undefined) return undefined;
    offset += owner.bytes;
    if (offset + 10 > buf.length) return undefined;
    const type = typeName(buf.readUInt16BE(offset));
    // Class IN exactly: no mDNS cache-flush bit, which dns-packet reads apart.
    if (type === undefined || buf.readUInt16BE(offset + 2) !== CLASS_IN) return undefined;
    const ttl = buf.readUInt32BE(offset + 4);
    const rdlength = buf.readUInt16BE(offset + 8);
    const rdata = offset + 10;
    // dns-packet reads a fixed size (or the name) whatever the length field says: where the two
    // disagree, its reading is left to it.
    if (rdata + rdlength > buf.length) return undefined;
    let data: string;
    if (type === 'A') {
      if (rdlength !== 4) return undefined;
      data = `${buf[rdata]}.${buf[rdata + 1]}.${buf[rdata + 2]}.${buf[rdata + 3]}`;
    } else if (type === 'AAAA') {
      if (rdlength !== 16) return undefined;
      data = ipv6Text(buf, rdata);
    } else {
      const target = readName(buf, rdata);
      if (target === undefined || target.bytes !== rdlength) return undefined;
      data = target.name;
    }
    answers.push({ name: owner.name, type, ttl, class: 'IN', flush: false, data } as (typeof answers)[number]);
    offset = rdata + rdlength;
  }
  return {
    id: buf.readUInt16BE(0),
    type: flags & 0x8000 ? 'response' : 'query',
    flags: flags & 32767,
    flag_qr: ((flags >> 15) & 0x1) === 1,
    opcode: 'QUERY',
    flag_aa: ((flags >> 10) & 0x1) === 1,
    flag_tc: ((flags >> 9) & 0x1) === 1,
    flag_rd: ((flags >> 8) & 0x1) === 1,
    flag_ra: ((flags >> 7) & 0x1) === 1,
    flag_z: ((flags >> 6) & 0x1) === 1,
    flag_ad: ((flags >> 5) & 0x1) === 1,
    flag_cd: ((flags >> 4) & 0x1) === 1,
    rcode: RCODES[flags & 0xf] as string,
    questions: [{ name: question.name, type: qtype, class: 'IN' }],
    answers,
    authorities: [],
    additionals: [],
  } as DnsResponse;
}
