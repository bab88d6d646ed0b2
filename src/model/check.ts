// The check contract: what a layer check receives (endpoint, state handed on by earlier layers,
// context) and must return (a LayerResult, never a throw for a network failure).

import type { Socket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { Endpoint } from './endpoint.js';
import type { NameResolution } from './evidence.js';
import type { ConnectData, HttpData, TlsData, UdpData, WebSocketData } from './evidence.js';
import type { LayerResult } from './result.js';
import type { PlannedSettings } from './settings.js';

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
  settings: PlannedSettings;
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
  /**
   * The running layer's evidence so far (the same object its result would carry). The engine
   * reads it only when the layer is cut short, to show what was learnt before the timeout or the
   * deadline; it clears it before each layer.
   */
  evidence?: ConnectData | UdpData | TlsData | HttpData | WebSocketData | undefined;
  /** Where the running layer stands (see LayerStage); cleared by the engine before each layer. */
  stage?: LayerStage | undefined;
}

/**
 * Where a layer stands when its signal fires, for the engine, which alone turns an abort into a
 * timeout or deadline result (src/engine/abort-result.ts). Unset: waiting for the one answer the
 * layer is about. 'answered': that answer is in, and what is left (reading a body, a clean close)
 * cannot change the verdict, so the check's own result stands even when its signal fires. The
 * proxy stages say what a CONNECT tunnel waits for: the proxy's name, the connection to the proxy,
 * the proxy's answer to CONNECT.
 */
export type LayerStage = 'answered' | 'proxy-name' | 'proxy-connect' | 'proxy-tunnel';

/**
 * A layer check: never throws for a network failure, returns a result. When ctx.signal fires it
 * only stops: releases what it holds and settles at once; what it returns then is not its verdict
 * (the engine writes the timeout or deadline result from state.evidence and state.stage).
 */
export type Check = (endpoint: Endpoint, state: ProbeState, ctx: CheckContext) => Promise<LayerResult>;
