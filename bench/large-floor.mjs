// The physical floor of the large cases (bench/scale-cases.mjs caseLargeSizes): a bare Node client
// that does the network work amlprobe does for N `HOST:PORT` targets and nothing else. Every name
// is asked A and AAAA over UDP (at most WINDOW queries in flight to the server, connected sockets
// of 64 queries each with a fresh source port, a lost datagram sent again after 500 ms, then 1 s,
// ...: src/dns/udp-slots.ts, src/dns/udp-channel.ts), and as a name's A answer arrives (or, with
// --connect-on=both, once its AAAA answer is in too, as amlprobe's DNS layer waits for) a TCP
// connection goes to its address with a T timeout; a connection is closed as soon as it is
// connected: `destroy()` (a FIN, as amlprobe's engine does) or, with --close=reset,
// `resetAndDestroy()` (an RST, no TIME_WAIT). No verdicts, evidence, plan or report.
//
// --system also asks the system resolver (getaddrinfo through dns.lookup, at most UV_THREADPOOL_SIZE
// at a time, as src/dns/system-lookup.ts) for every name, and connects once it has answered too:
// what a run without --no-system-resolver adds. The bench passes --no-system-resolver to amlprobe,
// so the bench's floor runs without it.
//
// Prints one JSON object: ms (first query to last outcome), cpuMs (user + system of the same span),
// maxRssKb, counts (connected, timedOut, failed, noAddress), retransmitted datagrams, when the
// last answer came and the last connection started (lastAnswerMs, lastConnectMs), and
// `outcomes`, one letter per target in order (c connected, t timed out, f failed, n no address),
// which bench/scale-cases.mjs compares with what each target was built to give. Runs in the client
// namespace. Usage:
//   node large-floor.mjs --dns=SERVER --timeout=MS [--window=100] [--close=fin|reset]
//        [--connect-on=a|both] [--system] HOST:PORT...
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns';
import { connect } from 'node:net';

const options = { window: '100', close: 'fin', 'connect-on': 'a', system: false };
const targets = [];
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
  if (m) options[m[1]] = m[2] ?? true;
  else targets.push(arg);
}
const server = options.dns;
const timeoutMs = Number(options.timeout);
const window = Number(options.window);
const reset = options.close === 'reset';
const waitAaaa = options['connect-on'] === 'both';
const system = options.system === true;
if (!server || !(timeoutMs > 0) || !(window > 0) || !['fin', 'reset'].includes(options.close) || !['a', 'both'].includes(options['connect-on'])) {
  console.error('usage: node large-floor.mjs --dns=SERVER --timeout=MS [--window=100] [--close=fin|reset] [--connect-on=a|both] [--system] HOST:PORT...');
  process.exit(2);
}

const RETRANSMIT_MS = 500;
const QUERIES_PER_SOCKET = 64;
const n = targets.length;
const hosts = new Array(n);
const ports = new Array(n);
for (let i = 0; i < n; i++) {
  const colon = targets[i].lastIndexOf(':');
  hosts[i] = targets[i].slice(0, colon);
  ports[i] = Number(targets[i].slice(colon + 1));
}
// Per target: its A address (null: answered without one), how many answers it still waits for
// before connecting, and its outcome letter.
const address = new Array(n).fill(undefined);
const waiting = new Uint8Array(n).fill(1 + (waitAaaa ? 1 : 0) + (system ? 1 : 0));
const outcome = new Array(n).fill('?');
const counts = { connected: 0, timedOut: 0, failed: 0, noAddress: 0 };
let finished = 0;
let aaaaLeft = n;
let retransmitted = 0;
// When the last connection started and the last answer came (ms after the first query): the floor
// is about lastConnectMs + T, so this says how much of it is the name lookups.
let lastConnectMs = 0;
let lastAnswerMs = 0;

// ---- DNS: queries 2i (A) and 2i + 1 (AAAA) ask hosts[i] -------------------------------------

/** A query message for a plain host name, by hand (what dns-packet writes; no library work). */
function encode(id, name, type) {
  const labels = name.split('.');
  const buf = Buffer.allocUnsafe(12 + name.length + 2 + 4);
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(0x0100, 2); // RD
  buf.writeUInt16BE(1, 4);
  buf.writeUInt32BE(0, 6);
  buf.writeUInt16BE(0, 10);
  let o = 12;
  for (const label of labels) {
    buf[o++] = label.length;
    o += buf.write(label, o, 'latin1');
  }
  buf[o++] = 0;
  buf.writeUInt16BE(type, o);
  buf.writeUInt16BE(1, o + 2);
  return buf;
}

/** The first A record's address of an answer, null when it has none; undefined when not an answer. */
function firstA(msg) {
  if (msg.length < 12 || (msg[2] & 0x80) === 0) return undefined;
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let o = 12;
  const skipName = () => {
    while (o < msg.length) {
      const len = msg[o];
      if (len === 0) return void (o += 1);
      if ((len & 0xc0) === 0xc0) return void (o += 2);
      o += len + 1;
    }
  };
  for (let q = 0; q < qd; q++) {
    skipName();
    o += 4;
  }
  for (let a = 0; a < an && o < msg.length; a++) {
    skipName();
    const type = msg.readUInt16BE(o);
    const rdlength = msg.readUInt16BE(o + 8);
    o += 10;
    if (type === 1 && rdlength === 4) return `${msg[o]}.${msg[o + 1]}.${msg[o + 2]}.${msg[o + 3]}`;
    o += rdlength;
  }
  return null;
}

const pending = new Map(); // id -> { q, payload, channel, retransmitAt, gap }
let nextQuestion = 0;
let nextId = 1;
let channel;

function openChannel() {
  const socket = createSocket('udp4');
  const ch = { socket, assigned: 0, inFlight: 0, ready: false, closed: false, unsent: [] };
  socket.on('message', onMessage);
  socket.on('error', () => {});
  socket.connect(53, server, () => {
    ch.ready = true;
    for (const payload of ch.unsent) socket.send(payload);
    ch.unsent = undefined;
  });
  return ch;
}

function closeChannel(ch) {
  if (ch.closed) return;
  ch.closed = true;
  ch.socket.close();
}

function transmit(query) {
  if (query.channel.ready) query.channel.socket.send(query.payload);
  else query.channel.unsent.push(query.payload);
}

function sendMore() {
  while (nextQuestion < 2 * n && pending.size < window) {
    if (channel === undefined || channel.assigned === QUERIES_PER_SOCKET) channel = openChannel();
    let id = nextId;
    while (pending.has(id)) id = (id + 1) & 0xffff || 1;
    nextId = (id + 1) & 0xffff || 1;
    const q = nextQuestion++;
    const query = { q, payload: encode(id, hosts[q >> 1], q & 1 ? 28 : 1), channel, retransmitAt: performance.now() + RETRANSMIT_MS, gap: RETRANSMIT_MS };
    channel.assigned += 1;
    channel.inFlight += 1;
    pending.set(id, query);
    transmit(query);
  }
}

function onMessage(msg) {
  if (msg.length < 12) return;
  const id = msg.readUInt16BE(0);
  const query = pending.get(id);
  if (query === undefined) return;
  // The answer must echo the question (ids wrap after 65,535 queries; a late duplicate must not count).
  const end = query.payload.length;
  if (msg.length < end || msg.compare(query.payload, 12, end, 12, end) !== 0) return;
  const a = firstA(msg);
  if (a === undefined) return;
  pending.delete(id);
  lastAnswerMs = performance.now() - started;
  const ch = query.channel;
  ch.inFlight -= 1;
  if (ch.inFlight === 0 && ch.assigned === QUERIES_PER_SOCKET) closeChannel(ch);
  const i = query.q >> 1;
  if (query.q & 1) {
    aaaaLeft -= 1;
    if (waitAaaa) answered(i);
  } else {
    address[i] = a;
    answered(i);
  }
  sendMore();
  if (finished === n && aaaaLeft === 0) done();
}

// One timer for every query's retransmission (amlprobe: one per channel).
const sweep = setInterval(() => {
  const now = performance.now();
  for (const query of pending.values()) {
    if (query.retransmitAt > now) continue;
    transmit(query);
    retransmitted += 1;
    query.gap *= 2;
    query.retransmitAt = now + query.gap;
  }
}, 50);

// ---- the system view (--system) -------------------------------------------------------------

const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
let nextLookup = 0;
function lookupMore() {
  if (nextLookup >= n) return;
  const i = nextLookup++;
  lookup(hosts[i], { all: true }, () => {
    answered(i);
    lookupMore();
  });
}

// ---- TCP -------------------------------------------------------------------------------------

function answered(i) {
  if (--waiting[i] > 0) return;
  if (address[i] === null || address[i] === undefined) return finish(i, 'n', 'noAddress');
  lastConnectMs = performance.now() - started;
  const socket = connect({ host: address[i], port: ports[i], noDelay: true });
  const timer = setTimeout(() => {
    socket.destroy();
    finish(i, 't', 'timedOut');
  }, timeoutMs);
  socket.once('connect', () => {
    clearTimeout(timer);
    if (reset) socket.resetAndDestroy();
    else socket.destroy();
    finish(i, 'c', 'connected');
  });
  socket.once('error', () => {
    clearTimeout(timer);
    socket.destroy();
    finish(i, 'f', 'failed');
  });
}

function finish(i, letter, count) {
  outcome[i] = letter;
  counts[count] += 1;
  finished += 1;
  if (finished === n && aaaaLeft === 0) done();
}

let cpu0;
let started;
let over = false;
function done() {
  if (over) return;
  over = true;
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sweep);
  clearTimeout(giveUp);
  if (channel) closeChannel(channel);
  for (const query of pending.values()) closeChannel(query.channel);
  const summary = {
    n, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS,
    close: options.close, connectOn: options['connect-on'], system, window, ...counts, retransmitted, lastAnswerMs, lastConnectMs,
    unanswered: n - finished, pendingQueries: pending.size,
  };
  console.error(JSON.stringify(summary));
  console.log(JSON.stringify({ ...summary, outcomes: outcome.join('') }));
}

// A floor that never finishes measures nothing: after this long, print what came back and stop.
const giveUp = setTimeout(() => {
  done();
  process.exit(1);
}, Math.max(60_000, 30 * timeoutMs));

cpu0 = process.cpuUsage();
started = performance.now();
if (n === 0) done();
else {
  sendMore();
  if (system) for (let t = 0; t < Math.min(threads, n); t++) lookupMore();
}
