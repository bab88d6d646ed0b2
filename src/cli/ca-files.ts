// The trust store of a command, from the CA files its user named (--ca-file and the config's
// caFiles): a file that cannot be used is a usage error on --ca-file, as the user reads it.

import type { SecureContext } from 'node:tls';
import { trustStoreFor } from '../net/trust-store.js';
import { parsingInput } from './usage-errors.js';

/** trustStoreFor, with a bad CA file turned into a UsageError (exit 2) naming --ca-file. */
export function trustStoreForCaFiles(caFiles: readonly string[]): () => SecureContext {
  return parsingInput(() => trustStoreFor(caFiles), '--ca-file');
}
