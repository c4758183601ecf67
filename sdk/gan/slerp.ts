/**
 * Spherical linear interpolation between two latents (Shoemake 1985): the usual path through a Gaussian latent space,
 * because it keeps the norm near that of a typical draw where a straight line would pass through the low-norm middle
 * (White 2016, "Sampling generative networks"). Used by `gan.interpolate()`; exported for paths of your own.
 */

/**
 * The point at fraction `t` (0 … 1) of the great-circle arc from `a` to `b` (same length). Falls back to the straight
 * line when the two are (anti)parallel within 1e-6 rad, where the arc is undefined.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  if (a.length !== b.length) throw new RangeError(`slerp: latents of different lengths (${a.length} and ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1))));
  const out = new Float32Array(a.length);
  const s = Math.sin(omega);
  if (s < 1e-6) {
    for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i]! + t * b[i]!;
    return out;
  }
  const wa = Math.sin((1 - t) * omega) / s;
  const wb = Math.sin(t * omega) / s;
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}
