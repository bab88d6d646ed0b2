// The check contract: what a layer check receives (endpoint, state handed on by earlier layers,
// context) and must return (a LayerResult, never a throw for a network failure).

import type { Socket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { Endpoint } from './endpoint.js';
import type { NameResolution } from './evidence.js';
import type { LayerResult } from './result.js';
import type { RunSettings } from './settings.js';

/**
 * The part of an AbortSignal a check may use. The engine hands checks a light one (src/abort.ts
 * LayerSignal: two per endpoint, thousands per run); a real AbortSignal fits too. An API that needs
 * a real AbortSignal (undici) gets one from asAbortSignal().
 */
export interface CheckSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What a check may use besides its endpoint: the run's settings, clocks and shared contexts. */
export interface CheckContext {
  settings: RunSettings;
  /** Aborted at the layer timeout or the run deadline, whichever comes first. */
  signal: CheckSignal;
  /** The TLS trust store of the run (system CAs + NODE_EXTRA_CA_CERTS + --ca-file), built once. */
  secureContext?: SecureContext;
  /**
   * Resolves a name through both views, once per run: the engine memoises it so that 60 endpoints
   * on one host cost one lookup. Never rejects.
   */
  resolve: (name: string) => Promise<NameResolution>;
}

/** What earlier layers hand to later ones for one endpoint. */
export interface ProbeState {
  /** The address the connection layers use. */
  address?: string;
  /** Open connection: plain after tcp, TLS after tls. Later layers reuse it; the engine destroys it. */
  socket?: Socket | TLSSocket;
  /** Set by tcp when the connection is a CONNECT tunnel: lets later layers tell the proxy's answers from the target's. */
  proxy?: { display: string; agent?: string };
}

/** A layer check: never throws for a network failure, returns a result; honours ctx.signal. */
export type Check = (endpoint: Endpoint, state: ProbeState, ctx: CheckContext) => Promise<LayerResult>;
