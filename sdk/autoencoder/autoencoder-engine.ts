/**
 * The autoencoder engine: one loaded encoder + decoder pair (manifest kind 'autoencoder') on one onnxruntime. A call
 * is one forward pass of one of them over the whole batch. It runs where onnxruntime is (inside the browser worker,
 * or in Node) and knows nothing of workers or fetching. Calls queue (generator/call-queue.ts).
 */
import { AbortError } from '../errors/abort-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { CallQueue } from '../generator/call-queue.js';
import type { EngineImage } from '../generator/engine.js';
import { checkSessionMatchesManifest } from '../generator/model-check.js';
import type { OrtRuntime, OrtSessionLike, OrtTensorLike } from '../generator/runtime.js';
import { checkRgba } from '../image/image-input.js';
import { modelToRgba, rgbaToModel } from '../image/pixels.js';
import { resizeRgba } from '../image/resize.js';
import type { Manifest, ManifestAutoencoder } from '../manifest/types.js';
import type { RgbaImage } from '../types.js';
import { AUTOENCODER_NAMES, checkAutoencoderManifest } from './autoencoder-model-check.js';
import { checkLatents, latentSize, MAX_BATCH } from './latent-walks.js';
import type { Latents } from './types.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';

export class AutoencoderEngine {
  private readonly queue: CallQueue;

  private constructor(
    readonly manifest: Manifest,
    private readonly runtime: OrtRuntime,
    private readonly encoder: OrtSessionLike,
    private readonly decoder: OrtSessionLike,
    readonly latent: ManifestAutoencoder,
  ) {
    this.queue = new CallQueue(() => new ModelLoadError(`autoencoder '${manifest.name}' was disposed; create a new one with createAutoencoder`));
  }

  get backend(): OrtRuntime['backend'] {
    return this.runtime.backend;
  }

  /**
   * Creates both sessions for a verified model folder (`files`: bytes by role) and checks them against the manifest.
   * Throws InvalidInputError for a model of another kind, ManifestError or ModelLoadError for a broken one.
   */
  static async create(manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime): Promise<AutoencoderEngine> {
    const spec = checkAutoencoderManifest(manifest);
    const opened: OrtSessionLike[] = [];
    try {
      for (const role of ['encoder', 'decoder'] as const) {
        const session = await runtime.createSession(files[role]!, role);
        opened.push(session);
        checkSessionMatchesManifest(session, spec[role], role, manifest.name);
      }
    } catch (err) {
      await Promise.all(opened.map((s) => s.release().catch(() => undefined)));
      throw err;
    }
    return new AutoencoderEngine(manifest, runtime, opened[0]!, opened[1]!, spec.latent);
  }

  /** One encode and one decode at batch 1 (a backend smoke test: compiles WebGPU shaders, proves the kernels run). */
  async warmUp(): Promise<void> {
    const { width, height } = this.manifest.image;
    await this.runEncoder([{ width, height, data: new Uint8ClampedArray(width * height * 4) }]);
    await this.runDecoder({ data: new Float32Array(latentSize(this.latent.latentShape)), shape: [1, ...this.latent.latentShape] });
  }

  /** Encodes RGBA images (resized, bilinear, to the model's size) to latents [count, ...latentShape]. */
  encode(images: readonly RgbaImage[], signal?: AbortSignal): Promise<Latents> {
    return this.queue.run(() => {
      if (!Array.isArray(images) || images.length < 1 || images.length > MAX_BATCH) throw new InvalidInputError('images', `must be a list of 1 … ${MAX_BATCH} images`, images);
      images.forEach((im, i) => checkRgba(im, `images[${i}]`));
      return () => {
        if (signal?.aborted) throw new AbortError();
        return this.runEncoder(images);
      };
    });
  }

  /** Decodes latents [count, ...latentShape] to images. */
  decode(latents: Latents, signal?: AbortSignal): Promise<EngineImage[]> {
    return this.queue.run(() => {
      checkLatents(latents, this.latent.latentShape);
      return () => {
        if (signal?.aborted) throw new AbortError();
        return this.runDecoder(latents);
      };
    });
  }

  /** Releases both sessions; later calls throw ModelLoadError. Waits for the running call. */
  async dispose(): Promise<void> {
    if (this.queue.isClosed) return;
    await this.queue.close();
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }

  private async runEncoder(images: readonly RgbaImage[]): Promise<Latents> {
    const { channels: C, height: H, width: W, range } = this.manifest.image;
    const per = C * H * W;
    const x = new Float32Array(images.length * per);
    images.forEach((im, i) => x.set(rgbaToModel(resizeRgba(im, W, H), W, H, C, range), i * per));
    const out = await this.run(this.encoder, AUTOENCODER_NAMES.image, x, [images.length, C, H, W], AUTOENCODER_NAMES.latent);
    return { data: out.data, shape: [images.length, ...this.latent.latentShape] };
  }

  private async runDecoder(latents: Latents): Promise<EngineImage[]> {
    const start = performance.now();
    const B = latents.shape[0]!;
    const { data: x, modelMs } = await this.run(this.decoder, AUTOENCODER_NAMES.latent, latents.data, latents.shape, AUTOENCODER_NAMES.image);
    const { channels: C, height: H, width: W, range } = this.manifest.image;
    const per = C * H * W;
    const totalMs = performance.now() - start;
    return Array.from({ length: B }, (_, i) => ({ width: W, height: H, data: modelToRgba(x, i, C, H, W, range), seed: 0, timings: { totalMs, modelMs, steps: 1 }, values: x.slice(i * per, (i + 1) * per) }));
  }

  /** One session run with one float32 input; returns a copy of one output. */
  private async run(session: OrtSessionLike, input: string, data: Float32Array, dims: readonly number[], output: string): Promise<{ data: Float32Array; modelMs: number }> {
    const feeds: Record<string, OrtTensorLike> = { [input]: this.runtime.tensor('float32', data, dims) };
    let outputs: Record<string, OrtTensorLike> | undefined;
    try {
      const t0 = performance.now();
      outputs = await session.run(feeds);
      return { data: Float32Array.from(outputs[output]!.data as Float32Array), modelMs: performance.now() - t0 };
    } finally {
      for (const t of [...Object.values(feeds), ...Object.values(outputs ?? {})]) t.dispose?.();
    }
  }
}
