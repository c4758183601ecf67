/**
 * The latent side of a latent diffusion model (manifest kind 'latent-diffusion'): its decoder, run once at the end of
 * a call (scaled latents → image), its optional encoder for img2img (image → scaled latents), and the per-step preview
 * from the manifest's linear latent → pixel map, so a preview costs no network run.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { AUTOENCODER_TENSOR_NAMES } from '../manifest/tensor-names.js';
import type { Manifest, ManifestLatentDiffusion } from '../manifest/types.js';
import type { OrtRuntime, OrtSessionLike } from './runtime.js';
import { runSession } from './sessions.js';

export class LatentCodec {
  readonly space: ManifestLatentDiffusion;

  constructor(
    private readonly manifest: Manifest,
    private readonly runtime: OrtRuntime,
    private readonly decoder: OrtSessionLike,
    private readonly encoder: OrtSessionLike | undefined,
  ) {
    this.space = manifest.latentDiffusion!;
  }

  /** Values in one image's latent. */
  get latentSize(): number {
    const [c, h, w] = this.space.latentShape;
    return c * h * w;
  }

  /** Scaled latents [B, c, h, w] → images [B, C, H, W] in model space; `modelMs` hears the decoder's time. */
  async decode(latents: Float32Array, batch: number, time?: (ms: number) => void): Promise<Float32Array> {
    const [c, h, w] = this.space.latentShape;
    const z = Float32Array.from(latents, (v) => v / this.space.scalingFactor);
    const { data, modelMs } = await runSession(this.decoder, { [AUTOENCODER_TENSOR_NAMES.latent]: this.runtime.tensor('float32', z, [batch, c, h, w]) }, AUTOENCODER_TENSOR_NAMES.image);
    time?.(modelMs);
    return data;
  }

  /** Images [B, C, H, W] in model space → scaled latents [B, c, h, w]; without an encoder, an InvalidInputError on `image`. */
  async encode(images: Float32Array, batch: number, time?: (ms: number) => void): Promise<Float32Array> {
    this.requireEncoder();
    const { channels: C, height: H, width: W } = this.manifest.image;
    const { data, modelMs } = await runSession(this.encoder!, { [AUTOENCODER_TENSOR_NAMES.image]: this.runtime.tensor('float32', images, [batch, C, H, W]) }, AUTOENCODER_TENSOR_NAMES.latent);
    time?.(modelMs);
    for (let i = 0; i < data.length; i++) data[i]! *= this.space.scalingFactor;
    return data;
  }

  /** Throws the InvalidInputError of img2img on a model without an encoder. */
  requireEncoder(): void {
    if (!this.encoder) throw new InvalidInputError('image', `is not accepted: model '${this.manifest.name}' ships no encoder (files.encoder), so img2img cannot start from a picture`);
  }

  /**
   * Image `index` of scaled latents [B, c, h, w] as a model-space picture [C, H, W] through the preview map, each
   * latent pixel filling its block (nearest), so the preview has the final image's size.
   */
  preview(latents: Float32Array, index: number): Float32Array {
    return previewImage(latents, index, this.space, this.manifest.image);
  }

  async release(): Promise<void> {
    await Promise.all([this.decoder.release(), this.encoder?.release()]);
  }
}

/** previewMap applied to latent `index` of `latents`, upsampled to the image size (nearest). */
export function previewImage(latents: Float32Array, index: number, space: ManifestLatentDiffusion, image: { channels: number; height: number; width: number }): Float32Array {
  const [c, h, w] = space.latentShape;
  const { channels: C, height: H, width: W } = image;
  const z = latents.subarray(index * c * h * w, (index + 1) * c * h * w);
  const out = new Float32Array(C * H * W);
  for (let y = 0; y < H; y++) {
    const ly = Math.min(h - 1, Math.floor((y * h) / H));
    for (let x = 0; x < W; x++) {
      const lx = Math.min(w - 1, Math.floor((x * w) / W));
      for (let o = 0; o < C; o++) {
        const row = space.previewMap[o]!;
        let v = row[c]!;
        for (let k = 0; k < c; k++) v += row[k]! * z[(k * h + ly) * w + lx]!;
        out[(o * H + y) * W + x] = v;
      }
    }
  }
  return out;
}
