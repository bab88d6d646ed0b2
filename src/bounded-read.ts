// Reading a file the user named (config, CA bundle, Azure CLI JSON, token, diff report), or one of
// the system's that amlprobe reads on its own (resolv.conf, hosts, .nbvm), with a size cap: `--config /dev/zero` or a FIFO fed forever must stop at the cap with exit 2, not grow
// to gigabytes. The file is read in chunks, so special files with no size (FIFOs, devices,
// /proc) are bounded too; a regular file larger than the cap is refused before any byte is read.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const MiB = 1024 * 1024;

/**
 * The most amlprobe reads from each kind of input file (documented in the README). Far above any
 * real file (a config is kilobytes, a 5,000-endpoint JSON report about 10 MB), far below what
 * would hurt the machine.
 */
export const INPUT_LIMITS = {
  config: 4 * MiB,
  caFile: 16 * MiB,
  workspaceJson: 4 * MiB,
  privateEndpointsJson: 64 * MiB,
  tokenFile: 1 * MiB,
  diffReport: 256 * MiB,
  /** Files of the system amlprobe reads without being told: resolv.conf, the hosts file, the compute instance's .nbvm. */
  systemFile: 16 * MiB,
  /** The state file serve keeps for `healthcheck --serve-state` (a few hundred bytes). */
  serveState: 1 * MiB,
} as const;

/** A file longer than the cap its reader allows. */
export class InputTooLargeError extends Error {
  /** The cap, in bytes. */
  readonly limit: number;

  constructor(path: string, limit: number) {
    super(`'${path}' is larger than ${describeBytes(limit)}`);
    this.name = 'InputTooLargeError';
    this.limit = limit;
  }
}

/** "4 MiB", "512 KiB", "100 bytes". */
export function describeBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

const CHUNK = 64 * 1024;

/** The bytes of `path`, at most `limit`; throws InputTooLargeError beyond, or the fs error (ENOENT, EISDIR, ...). */
export function readFileCapped(path: string, limit: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (stats.isFile() && stats.size > limit) throw new InputTooLargeError(path, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte over the cap tells "exactly the cap" from "more".
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) throw new InputTooLargeError(path, limit);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
