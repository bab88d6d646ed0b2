// The DNS server's own floor for case 4: asks DNS_SERVER the questions amlprobe asks (A and AAAA
// for every name) over UDP with at most WINDOW queries in flight, no retries, and prints the wall
// time in ms as JSON. Runs in the client namespace. Usage: node dns-blast.mjs SERVER WINDOW NAME...
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../package.json', import.meta.url));
const packet = require('dns-packet');
const [server, windowText, ...names] = process.argv.slice(2);
const window = Number(windowText);
const socket = createSocket('udp4');
const pending = new Map();
let next = 0;
let answered = 0;
let nxdomain = 0;
const started = performance.now();
// Every name twice: A, then AAAA (query i asks names[i >> 1]).
const questions = names.length * 2;
const send = () => {
  while (next < questions && pending.size < window) {
    const id = next & 0xffff;
    pending.set(id, next);
    const question = { type: next % 2 === 0 ? 'A' : 'AAAA', name: names[next >> 1] };
    socket.send(packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [question] }), 53, server);
    next += 1;
  }
};
socket.on('message', (msg) => {
  const answer = packet.decode(msg);
  if (!pending.delete(answer.id)) return;
  answered += 1;
  if (answer.rcode === 'NXDOMAIN') nxdomain += 1;
  if (answered === questions) {
    console.log(JSON.stringify({ ms: performance.now() - started, answered, nxdomain }));
    socket.close();
    clearTimeout(giveUp);
  } else send();
});
const giveUp = setTimeout(() => {
  console.log(JSON.stringify({ ms: performance.now() - started, answered, nxdomain, lost: pending.size }));
  process.exit(1);
}, 10_000);
socket.bind(() => send());
