// The TLS floor for the TLS case: N bare tls.connect handshakes (W at once) to one server, each
// verified against the bench CA with its own server name, nothing else (no DNS, no evidence, no
// report). Prints wall and client CPU (user + system, this process, start-up excluded) as JSON.
// Runs in the client namespace. Usage: node tls-floor.mjs ADDRESS CA_FILE WINDOW NAME...
import { readFileSync } from 'node:fs';
import { connect, createSecureContext } from 'node:tls';

const [address, caFile, windowText, ...names] = process.argv.slice(2);
// One context for every handshake, as any client that makes many does.
const secureContext = createSecureContext({ ca: readFileSync(caFile, 'utf8') });
const window = Number(windowText);
let next = 0;
let done = 0;
let failed = 0;
const cpu0 = process.cpuUsage();
const started = performance.now();

function one() {
  if (next >= names.length) return;
  const servername = names[next++];
  const socket = connect({ host: address, port: 443, servername, secureContext });
  const end = (ok) => {
    if (!ok) failed += 1;
    socket.destroy();
    done += 1;
    if (done === names.length) {
      const cpu = process.cpuUsage(cpu0);
      console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, handshakes: names.length, failed }));
    } else one();
  };
  socket.once('secureConnect', () => end(socket.authorized));
  socket.once('error', () => end(false));
}
for (let i = 0; i < window; i++) one();
