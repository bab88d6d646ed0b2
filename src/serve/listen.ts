// Binds serve's HTTP server, turning the bind errors a user causes (port in use, address not on
// this machine, privileged port) into one clear UsageError (exit 2).

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import { formatListenAddress } from './listen-address.js';
import type { ListenAddress } from './listen-address.js';

/** A listening server and the address it really got (the port is known even when 0 was asked). */
export interface BoundServer {
  server: Server;
  address: ListenAddress;
  /** Stops accepting, drops idle and open connections, resolves once closed. */
  close(): Promise<void>;
}

/** Listens on `address`; rejects with a UsageError on a bind error the user can fix. */
export async function listenHttp(address: ListenAddress, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<BoundServer> {
  const server = createServer(handler);
  // A scraper that connects and never sends a request must not hold a socket forever.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(bindError(error, address));
    server.once('error', onError);
    server.listen({ host: address.host, port: address.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    server,
    address: { host: address.host, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function bindError(error: NodeJS.ErrnoException, address: ListenAddress): Error {
  const where = formatListenAddress(address);
  switch (error.code) {
    case 'EADDRINUSE':
      return new UsageError(`cannot listen on ${where}: the port is already in use (another amlprobe serve or exporter?); choose another with --listen.`);
    case 'EADDRNOTAVAIL':
      return new UsageError(`cannot listen on ${where}: that address is not on any interface of this machine; use 127.0.0.1, 0.0.0.0 or one of its own addresses.`);
    case 'EACCES':
      return new UsageError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose a port above 1023.`);
    case 'EAFNOSUPPORT':
      return new UsageError(`cannot listen on ${where}: this machine has no IPv6; use an IPv4 address.`);
    default:
      return new UsageError(`cannot listen on ${where}: ${error.message}.`);
  }
}
