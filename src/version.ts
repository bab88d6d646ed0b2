// amlprobe's own version, read once from package.json so that there is a single source of truth.
// The jump-box bundle (scripts/build-bundle.mjs) has it baked in through esbuild's `define`;
// everywhere else it is read from the package.json that packageRoot() finds.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/** Replaced by a string literal in the bundle; undeclared (so `typeof` says 'undefined') otherwise. */
declare const AMLPROBE_VERSION: string | undefined;

/** package.json's version; '0.0.0' if the file cannot be read (never throws at import). */
function readVersion(): string {
  if (typeof AMLPROBE_VERSION === 'string') return AMLPROBE_VERSION;
  try {
    const text = readFileSync(join(packageRoot(), 'package.json'), 'utf8');
    const pkg = JSON.parse(text) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** amlprobe's version, e.g. "0.1.0". */
export const VERSION: string = readVersion();

/** The User-Agent sent by the HTTP and WebSocket layers: lets a proxy log show who knocked. */
export const USER_AGENT = `amlprobe/${VERSION}`;
