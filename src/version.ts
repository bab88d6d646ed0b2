// amlprobe's own version, read once from package.json so that there is a single source of truth.
// From dist/src/version.js, package.json is two directories up, both in the repo and once installed.

import { readFileSync } from 'node:fs';

/** Reads package.json's version; '0.0.0' if the file cannot be read (never throws at import). */
function readVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
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
