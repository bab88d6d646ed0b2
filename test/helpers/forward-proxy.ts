// A small HTTP forward proxy on loopback for the proxy tests, written on node:net: it answers
// CONNECT like squid or tinyproxy would (allow list, 403 page, 407 without credentials, 502 for
// an unreachable target) and can misbehave on demand (stay silent, speak garbage, hang up, answer
// a WebSocket upgrade itself). It resolves target names through its own `hosts` map only, so that
// a name this machine cannot resolve still works through it, and never dials anything but loopback.
// With `inspect` it is a TLS-inspecting proxy: it ends the client's TLS inside the tunnel with a
// certificate of its own for the name asked, and opens its own TLS to the target.

import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';

/** How the proxy behaves towards every client. */
export type ProxyMode = 'normal' | 'silent' | 'garbage' | 'hang-up' | 'answer-upgrades';

/** What the proxy does; everything optional. */
export interface ForwardProxyOptions {
  /** Which "host:port" targets may be tunnelled to; default: all. */
  allow?: (target: string) => boolean;
  /** "user:password" required as Basic Proxy-Authorization; default: none required. */
  credentials?: string;
  /** The proxy's own name resolution: name -> loopback address. Unknown names fail as 502. */
  hosts?: Record<string, string>;
  mode?: ProxyMode;
  /** TLS inspection: the key and forged certificate (with its CA after it) presented inside every tunnel. */
  inspect?: { key: string; cert: string };
}

/** One CONNECT request as the proxy received it. */
export interface LoggedConnect {
  target: string;
  authorization?: string;
}

/** A running proxy. */
export interface ForwardProxy {
  port: number;
  /** "http://127.0.0.1:PORT" */
  url: string;
  requests: LoggedConnect[];
  close(): Promise<void>;
}

/** The name the proxy gives itself in Proxy-Agent headers. */
export const PROXY_AGENT = 'amlprobe-test-proxy/1.0';

function page(status: string, text: string, extra: string[] = []): string {
  const body = `<html><head><title>${status}</title></head><body><h1>${status}</h1><p>${text}</p></body></html>`;
  return [
    `HTTP/1.1 ${status}`,
    `Proxy-Agent: ${PROXY_AGENT}`,
    'Content-Type: text/html',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...extra,
    '',
    body,
  ].join('\r\n');
}

/** Reads one request head (up to CRLF CRLF) from `socket`, then hands it over with any bytes after it. */
function readHead(socket: Socket, then: (head: string, rest: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    socket.removeListener('data', onData);
    socket.pause();
    then(buffered.subarray(0, end).toString('latin1'), buffered.subarray(end + 4));
  };
  socket.on('data', onData);
}

/** Starts the proxy on 127.0.0.1, port 0. */
export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const sockets = new Set<Socket>();
  const requests: LoggedConnect[] = [];
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  };

  const server = createServer((client) => {
    track(client);
    const mode = options.mode ?? 'normal';
    readHead(client, (head) => {
      const [requestLine = '', ...headerLines] = head.split('\r\n');
      // HTTP/1.0 too, as squid and tinyproxy take it: openssl s_client -proxy sends CONNECT ... HTTP/1.0.
      const target = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(requestLine)?.[1];
      const authorization = headerLines.find((l) => /^proxy-authorization:/i.test(l))?.replace(/^[^:]*:\s*/, '');
      requests.push(authorization === undefined ? { target: target ?? requestLine } : { target: target ?? requestLine, authorization });
      if (mode === 'silent') return;
      if (mode === 'garbage') return void client.end('SSH-2.0-OpenSSH_9.2\r\n\r\n');
      if (mode === 'hang-up') return void client.destroy();
      if (target === undefined) return void client.end(page('405 Method Not Allowed', 'only CONNECT is supported here'));
      if (options.credentials !== undefined) {
        const expected = `Basic ${Buffer.from(options.credentials).toString('base64')}`;
        if (authorization !== expected) {
          return void client.end(page('407 Proxy Authentication Required', 'log in first', ['Proxy-Authenticate: Basic realm="amlprobe-test"']));
        }
      }
      if (options.allow !== undefined && !options.allow(target)) {
        return void client.end(page('403 Forbidden', `Access denied: rule 42 blocks CONNECT to ${target}`));
      }
      const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
      const host = match?.[1] ?? '';
      const address = /^[\d.]+$|:/.test(host) ? host : options.hosts?.[host];
      if (address === undefined || (address !== '127.0.0.1' && address !== '::1')) {
        return void client.end(page('502 Bad Gateway', `cannot resolve ${host}`));
      }
      if (options.inspect !== undefined) return inspect(client, options.inspect, address, Number(match?.[2]), host);
      const upstream = track(connect({ host: address, port: Number(match?.[2]) }));
      upstream.once('error', () => client.end(page('502 Bad Gateway', `connection to ${target} failed`)));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.write(`HTTP/1.1 200 Connection established\r\nProxy-Agent: ${PROXY_AGENT}\r\n\r\n`);
        const splice = (rest: Buffer): void => {
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream);
          upstream.pipe(client);
          client.resume();
        };
        if (mode !== 'answer-upgrades') return splice(Buffer.alloc(0));
        // An inspecting proxy: reads the first request in the tunnel and blocks WebSocket upgrades.
        client.resume();
        readHead(client, (inner, rest) => {
          if (/^upgrade:\s*websocket/im.test(inner)) {
            client.end(page('403 Forbidden', 'WebSocket is not allowed by policy'));
            upstream.destroy();
            return;
          }
          upstream.write(`${inner}\r\n\r\n`);
          splice(rest);
        });
      });
    });
  });
  /** Ends the client's TLS here with the forged certificate and relays the plaintext over its own TLS to the target. */
  function inspect(client: Socket, forged: { key: string; cert: string }, address: string, port: number, servername: string): void {
    client.write(`HTTP/1.1 200 Connection established\r\nProxy-Agent: ${PROXY_AGENT}\r\n\r\n`);
    client.resume();
    const inner = new TLSSocket(client, { isServer: true, key: forged.key, cert: forged.cert });
    track(inner);
    // The inspecting proxy trusts whatever the target presents: it is the client it shields that must not.
    const upstream = track(tlsConnect({ host: address, port, servername, rejectUnauthorized: false }));
    upstream.once('error', () => inner.destroy());
    inner.pipe(upstream);
    upstream.pipe(inner);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
