/**
 * The GAN engine: one loaded generator (manifest kind 'gan-generator') on one onnxruntime. A call is one forward
 * pass, G(z, y) → x, for the whole batch. It runs where onnxruntime is — inside the browser worker, or in Node —
 * and knows nothing of workers or fetching. Calls queue (generator/call-queue.ts).
 */
import { AbortError } from '../errors/abort-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { CallQueue } from '../generator/call-queue.js';
import type { EngineImage } from '../generator/engine.js';
import { checkSessionMatchesManifest } from '../generator/model-check.js';
import type { OrtRuntime, OrtSessionLike, OrtTensorLike } from '../generator/runtime.js';
import { modelToRgba } from '../image/pixels.js';
import type { Manifest } from '../manifest/types.js';
import { checkGanManifest, GAN_NAMES } from './gan-model-check.js';
import { resolveGanOptions, resolveInterpolation, resolveMix, type GanPlan } from './gan-options.js';
import { STYLE_TENSOR_NAMES } from '../manifest/tensor-names.js';

export class GanEngine {
  private readonly queue: CallQueue;

  private constructor(
    readonly manifest: Manifest,
    private readonly runtime: OrtRuntime,
    private readonly session: OrtSessionLike,
    /** Length of z. */
    readonly latentDim: number,
    /** Class names (conditional), else undefined. */
    readonly classes: readonly string[] | undefined,
    /** A style-based generator's layers taking w (truncationPsi, mix()), else undefined. */
    readonly styleLayers: number | undefined,
  ) {
    this.queue = new CallQueue(() => new ModelLoadError(`GAN '${manifest.name}' was disposed; create a new one with createGan`));
  }

  /** The backend the session runs on. */
  get backend(): OrtRuntime['backend'] {
    return this.runtime.backend;
  }

  /**
   * Creates the session for a verified model folder (`files`: bytes by role) and checks it against the manifest.
   * Throws InvalidInputError for a model of another kind, ManifestError or ModelLoadError for a broken one.
   */
  static async create(manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime): Promise<GanEngine> {
    const spec = checkGanManifest(manifest);
    const session = await runtime.createSession(files.generator!, 'generator');
    try {
      checkSessionMatchesManifest(session, spec.file, 'generator', manifest.name);
    } catch (err) {
      await session.release().catch(() => undefined);
      throw err;
    }
    return new GanEngine(manifest, runtime, session, spec.latentDim, spec.classes, spec.styleLayers);
  }

  /** One forward pass at batch 1 (a backend smoke test: compiles WebGPU shaders, proves the kernels run). */
  async warmUp(): Promise<void> {
    await this.forward({ count: 1, seed: 0, latents: new Float32Array(this.latentDim), labels: this.classes && new Int32Array(1), signal: undefined });
  }

  /** Draws one image per latent (see gan/types.ts GanGenerateOptions). */
  generate(options?: unknown): Promise<EngineImage[]> {
    return this.queue.run(() => {
      const plan = resolveGanOptions(options, this.manifest, this.latentDim);
      return () => this.forward(plan);
    });
  }

  /** Draws the frames of a latent interpolation (see gan/types.ts GanInterpolateOptions). */
  interpolate(options?: unknown): Promise<EngineImage[]> {
    return this.queue.run(() => {
      const plan = resolveInterpolation(options, this.manifest, this.latentDim);
      return () => this.forward(plan);
    });
  }

  /** Mixes the styles of two latents (see gan/types.ts GanMixOptions): one image per crossover layer. */
  mix(options?: unknown): Promise<EngineImage[]> {
    return this.queue.run(() => {
      const plan = resolveMix(options, this.manifest, this.latentDim);
      return () => this.forward(plan);
    });
  }

  /** Releases the session; later calls throw ModelLoadError. Waits for the running call. */
  async dispose(): Promise<void> {
    if (this.queue.isClosed) return;
    await this.queue.close();
    await this.session.release();
  }

  private async forward(plan: GanPlan): Promise<EngineImage[]> {
    const start = performance.now();
    const { count: B, labels } = plan;
    if (plan.signal?.aborted) throw new AbortError();
    const feeds: Record<string, OrtTensorLike> = { [GAN_NAMES.latent]: this.runtime.tensor('float32', plan.latents, [B, this.latentDim]) };
    if (labels) feeds[GAN_NAMES.classLabels] = this.runtime.tensor('int64', BigInt64Array.from(labels, (v) => BigInt(v)), [B]);
    if (this.styleLayers !== undefined) {
      // no truncation and no mixing unless asked: ψ 1, the second latent the first, crossover past the last layer
      feeds[STYLE_TENSOR_NAMES.psi] = this.runtime.tensor('float32', new Float32Array(B).fill(plan.psi ?? 1), [B]);
      feeds[STYLE_TENSOR_NAMES.mixLatent] = this.runtime.tensor('float32', plan.mix?.latents ?? plan.latents, [B, this.latentDim]);
      const crossover = plan.mix?.crossover ?? new Int32Array(B).fill(this.styleLayers);
      feeds[STYLE_TENSOR_NAMES.crossover] = this.runtime.tensor('int64', BigInt64Array.from(crossover, (v) => BigInt(v)), [B]);
    }
    let outputs: Record<string, OrtTensorLike> | undefined;
    try {
      const t0 = performance.now();
      outputs = await this.session.run(feeds);
      const modelMs = performance.now() - t0;
      const x = outputs[GAN_NAMES.image]!.data as Float32Array; // [B, C, H, W] in image.range
      const { channels: C, height: H, width: W, range } = this.manifest.image;
      const totalMs = performance.now() - start;
      const per = C * H * W;
      return Array.from({ length: B }, (_, i) => ({ width: W, height: H, data: modelToRgba(x, i, C, H, W, range), seed: plan.seed, timings: { totalMs, modelMs, steps: 1 }, values: x.slice(i * per, (i + 1) * per) }));
    } finally {
      for (const t of [...Object.values(feeds), ...Object.values(outputs ?? {})]) t.dispose?.();
    }
  }
}
