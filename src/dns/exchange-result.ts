// How one DNS exchange with one server ended: a response, or why there was none. Its own file
// because the exchange (transport.ts, udp-channel.ts) and the reading of socket errors
// (socket-failure.ts) both speak it, and the second must not import the first.

import type { DecodedPacket } from 'dns-packet';

/** A decoded response with its rcode (dns-packet decodes it; its type declarations omit it). */
export type DnsResponse = DecodedPacket & { rcode: string };

/** How an exchange ended. */
export type ExchangeResult =
  | { kind: 'answer'; packet: DnsResponse }
  | {
      kind: 'fail';
      failure: 'timeout' | 'aborted' | 'unreachable' | 'no_route' | 'local' | 'error';
      message: string;
      code?: string;
      /** TCP only: the connection was never established (SYN dropped, refused, no route). */
      beforeConnect?: boolean;
    };
