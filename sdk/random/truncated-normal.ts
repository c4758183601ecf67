/**
 * The truncation trick's latents (Brock et al. 2019, BigGAN §3.1): standard normals with every draw whose magnitude
 * exceeds the threshold drawn again. Smaller thresholds trade variety for fidelity.
 */
import type { Rng } from './rng.js';

/** `n` standard normals from `rng`, each redrawn until |z| ≤ threshold (threshold > 0). */
export function truncatedNormalArray(rng: Rng, n: number, threshold: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = rng.normal();
    while (Math.abs(z) > threshold) z = rng.normal();
    out[i] = z;
  }
  return out;
}
