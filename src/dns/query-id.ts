// DNS query ids (RFC 5452: random, so that a blind spoofed answer must guess them), drawn from the
// system's CSPRNG in batches: crypto.randomInt per query was a visible share of a 10,000-name run's
// CPU (issue 15), and a batch of 1,024 ids is one system call.

import { randomFillSync } from 'node:crypto';

const batch = new Uint16Array(1024);
let next = batch.length;

/** A uniformly random 16-bit query id. */
export function randomQueryId(): number {
  if (next === batch.length) {
    randomFillSync(batch);
    next = 0;
  }
  return batch[next++]!;
}
