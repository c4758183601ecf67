/**
 * The autoencoder engine: one loaded encoder + decoder pair (manifest kind 'autoencoder') on one onnxruntime. A call
 * is one forward pass of one of them over the whole batch. It runs where onnxruntime is (inside the browser worker,
 * or in Node) and knows nothing of workers or fetching. Calls queue (generator/call-queue.ts).
 */
import { ModelLoadError } from '../errors/model-load-error.js';
import { CallQueue } from '../generator/call-queue.js';
import type { EngineImage } from '../generator/engine.js';
import type { OrtRuntime, OrtSessionLike } from '../generator/runtime.js';
import { openSessions, runSession } from '../generator/sessions.js';
import { checkRgbaBatch, rgbaBatchToModel } from '../image/model-input.js';
import { modelToRgba } from '../image/pixels.js';
import type { Manifest, ManifestAutoencoder } from '../manifest/types.js';
import type { RgbaImage } from '../types.js';
import { AUTOENCODER_NAMES, checkAutoencoderManifest } from './autoencoder-model-check.js';
import { checkLatents, latentSize } from './latent-walks.js';
import type { Latents } from './types.js';

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
    const sessions = await openSessions(manifest, files, runtime, spec.files);
    return new AutoencoderEngine(manifest, runtime, sessions.encoder, sessions.decoder, spec.latent);
  }

  /** One encode and one decode at batch 1 (a backend smoke test: compiles WebGPU shaders, proves the kernels run). */
  async warmUp(): Promise<void> {
    const { width, height } = this.manifest.image;
    await this.runEncoder([{ width, height, data: new Uint8ClampedArray(width * height * 4) }]);
    await this.runDecoder({ data: new Float32Array(latentSize(this.latent.latentShape)), shape: [1, ...this.latent.latentShape] });
  }

  /** Encodes RGBA images (resized, bilinear, to the model's size) to latents [count, ...latentShape]. */
  encode(images: readonly RgbaImage[], signal?: AbortSignal): Promise<Latents> {
    return this.queue.runUnlessAborted(signal, () => {
      checkRgbaBatch(images);
      return () => this.runEncoder(images);
    });
  }

  /** Decodes latents [count, ...latentShape] to images. */
  decode(latents: Latents, signal?: AbortSignal): Promise<EngineImage[]> {
    return this.queue.runUnlessAborted(signal, () => {
      checkLatents(latents, this.latent.latentShape);
      return () => this.runDecoder(latents);
    });
  }

  /** Releases both sessions; later calls throw ModelLoadError. Waits for the running call. */
  async dispose(): Promise<void> {
    if (this.queue.isClosed) return;
    await this.queue.close();
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }

  private async runEncoder(images: readonly RgbaImage[]): Promise<Latents> {
    const x = rgbaBatchToModel(images, this.manifest.image);
    const out = await this.run(this.encoder, AUTOENCODER_NAMES.image, x.data, x.dims, AUTOENCODER_NAMES.latent);
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
  private run(session: OrtSessionLike, input: string, data: Float32Array, dims: readonly number[], output: string): Promise<{ data: Float32Array; modelMs: number }> {
    return runSession(session, { [input]: this.runtime.tensor('float32', data, dims) }, output);
  }
}
