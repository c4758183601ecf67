/**
 * Small deterministic random numbers for the data pipeline. Everything here is a pure function of
 * its integer inputs, so an example or a batch can be recomputed anywhere from (seed, index) alone.
 * The generator itself is the shared one (sdk/random/rng.ts).
 */
import { Rng } from '../../sdk/random/rng.js';

/** Mixes integers into one 32-bit hash (murmur3 finaliser per word); order matters. */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    // Fold values beyond 32 bits (large seeds/steps) in as two words.
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    for (const w of hi ? [lo, hi] : [lo]) {
      h = Math.imul(h ^ w, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates), determined by `seed`. */
export function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
