// The fuzzers' pseudo-random numbers: mulberry32, a small, fast, seedable generator (public
// domain). Plenty to pick mutations with, and the same seed gives the same cases everywhere, so a
// finding can be replayed from its seed and index alone.

/** A function returning numbers in [0, 1). */
export type Random = () => number;

/** mulberry32 seeded with `seed` (any 32-bit integer). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
