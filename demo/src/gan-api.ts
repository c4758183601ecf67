/**
 * The GAN runner the GAN explorer needs, looked up in the SDK's public exports at run time. The SDK has no
 * `createGan` yet; when it ships, the page works unchanged if it matches this shape (else adapt it here, in one place):
 *
 *   const gan = await createGan({ model, backend, threads, onProgress });   // like createGenerator
 *   gan.latentDim                                                            // z size
 *   const images = await gan.generate({ latents, classLabel, signal });     // latents: [count × latentDim] float32
 */
import * as webgen from 'webgen';
import type { Backend, Manifest, ProgressEvent, RgbaImage } from 'webgen';

export interface GanRunner {
  readonly manifest: Manifest;
  readonly backend: string;
  readonly latentDim: number;
  generate(options: { latents: Float32Array; classLabel?: number; signal?: AbortSignal }): Promise<RgbaImage[]>;
  dispose(): Promise<void>;
}

export type CreateGan = (options: { model: string; backend?: Backend; threads?: number; onProgress?: (e: ProgressEvent) => void }) => Promise<GanRunner>;

/** The SDK's createGan, or null while the SDK has none. */
export function findCreateGan(): CreateGan | null {
  const f = (webgen as unknown as Record<string, unknown>)['createGan'];
  return typeof f === 'function' ? (f as CreateGan) : null;
}

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
