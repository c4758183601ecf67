/**
 * FID in a judge's feature space for small sets (a few hundred images), with the plain reference math of the SDK, and
 * the set's own floor: the FID between its even- and odd-indexed halves (two real samples of the same distribution,
 * each half the size, which is what a perfect generator would score at that size).
 */
import { plainFeatureStats, plainFrechetDistance } from '../../sdk/fid/plain.js';

/** FID between two feature sets [n, d] row-major. */
export function featureFid(a: Float32Array, b: Float32Array, d: number): number {
  return plainFrechetDistance(plainFeatureStats(a, d), plainFeatureStats(b, d));
}

/** The real-vs-real floor of a set: FID between its even- and odd-indexed rows. */
export function halvesFid(features: Float32Array, d: number): number {
  const n = features.length / d;
  const half = (r: number) => {
    const out = new Float32Array(Math.floor((n - r + 1) / 2) * d);
    for (let i = r, j = 0; i < n; i += 2, j++) out.set(features.subarray(i * d, (i + 1) * d), j * d);
    return out;
  };
  return featureFid(half(0), half(1), d);
}
