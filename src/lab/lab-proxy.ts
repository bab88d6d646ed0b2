// The lab's forward proxy: "Contoso egress proxy", an allow-list HTTP proxy as squid or tinyproxy
// run it in a hub VNet. It answers CONNECT for the authorities the lab allows by tunnelling to the
// loopback listener that stands for the target, and refuses every other authority with a 403 page,
// as squid's `http_access deny` does. It never dials anything but 127.0.0.1.

import { connect, createServer, type Server, type Socket } from 'node:net';

/** How the proxy names itself in its Proxy-Agent header (its page names "Contoso egress proxy"). */
export const LAB_PROXY_AGENT = 'squid/6.6';

/** Largest request head the proxy reads before it gives up on a client. */
const HEAD_LIMIT = 8 * 1024;

/** An answer with a squid-like page: its status, its X-Squid-Error code (the side it blames) and the page. */
function squidPage(statusLine: string, squidError: string, title: string, bodyHtml: string): string {
  const body = `<html><head><title>Contoso egress proxy: ${title}</title></head><body>${bodyHtml}</body></html>`;
  return [
    `HTTP/1.1 ${statusLine}`,
    `Proxy-Agent: ${LAB_PROXY_AGENT}`,
    `X-Squid-Error: ${squidError}`,
    'Content-Type: text/html; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** The 403 answer to a CONNECT the allow list does not cover, with a squid-like page. */
export function deniedAnswer(target: string): string {
  return squidPage('403 Forbidden', 'ERR_ACCESS_DENIED 0', 'access denied',
    `<h1>Access Denied</h1><p>CONNECT to ${escapeHtml(target)} is not allowed by the Contoso egress policy.</p>` +
      '<p>Ask the network team to add the FQDN to the proxy allow list.</p>');
}

/**
 * squid's answer when its own connection to an allowed target fails: 503 and ERR_CONNECT_FAIL
 * with the errno (111, connection refused), the code amlprobe reads to blame the target side.
 */
export function connectFailedAnswer(target: string): string {
  return squidPage('503 Service Unavailable', 'ERR_CONNECT_FAIL 111', 'connection failed',
    `<h1>Connection to ${escapeHtml(target)} failed</h1><p>The system returned: (111) Connection refused</p>`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A short answer without a page (400, 405). */
function plainAnswer(statusLine: string): string {
  return [`HTTP/1.1 ${statusLine}`, `Proxy-Agent: ${LAB_PROXY_AGENT}`, 'Content-Length: 0', 'Connection: close', '', ''].join('\r\n');
}

/**
 * The proxy's server. `tunnelTo(authority)` is the loopback port standing for an allowed
 * "host:port", or undefined when the allow list does not have it (403). Looked up per request,
 * so the listeners it tunnels to may start after the proxy.
 */
export function labProxyServer(tunnelTo: (authority: string) => number | undefined): Server {
  const server = createServer((client) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > HEAD_LIMIT) client.end(plainAnswer('400 Bad Request'));
        return;
      }
      client.removeListener('data', onData);
      client.pause();
      handle(client, buffered.subarray(0, end).toString('latin1'), buffered.subarray(end + 4), tunnelTo);
    };
    client.on('data', onData);
  });
  return server;
}

/** Answers one request head: a tunnel, a 403 page, or a refusal of anything that is not CONNECT. */
function handle(client: Socket, head: string, rest: Buffer, tunnelTo: (authority: string) => number | undefined): void {
  const match = /^(\S+) (\S+) HTTP\/1\.[01]$/.exec(head.split('\r\n')[0] ?? '');
  if (!match) {
    client.end(plainAnswer('400 Bad Request'));
    return;
  }
  const [, method, target = ''] = match;
  if (method !== 'CONNECT') {
    client.end(plainAnswer('405 Method Not Allowed'));
    return;
  }
  const port = tunnelTo(target.toLowerCase());
  if (port === undefined) {
    client.end(deniedAnswer(target));
    return;
  }
  const upstream = connect({ host: '127.0.0.1', port });
  let established = false;
  upstream.on('error', () => {
    if (!established) client.end(connectFailedAnswer(target));
  });
  upstream.once('connect', () => {
    established = true;
    client.write(`HTTP/1.1 200 Connection established\r\nProxy-Agent: ${LAB_PROXY_AGENT}\r\n\r\n`);
    if (rest.length > 0) upstream.write(rest);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
    // Either side going away ends the tunnel; destroying both keeps the lab's close() prompt.
    upstream.once('close', () => client.destroy());
  });
  client.once('close', () => upstream.destroy());
}
