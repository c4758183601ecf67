/**
 * The GAN explorer's use of the SDK: createGan (a GAN generator in the SDK's worker, like createGenerator) and the
 * latent path between two samples.
 *
 *   const gan = await createGan({ model, backend, threads, onProgress });
 *   const images = await gan.generate({ latents, classLabel, signal });    // latents: [count × gan.latentDim] float32
 */
export { createGan } from 'webgen';
export type { Gan } from 'webgen';

/** Spherical interpolation between two latents (Shoemake 1985; the usual path through a Gaussian latent space). */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
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
  if (omega < 1e-6) {
    for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i]! + t * b[i]!;
    return out;
  }
  const s = Math.sin(omega);
  const wa = Math.sin((1 - t) * omega) / s;
  const wb = Math.sin(t * omega) / s;
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}
