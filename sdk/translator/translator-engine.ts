/**
 * The translator engine: one loaded translator (manifest kind 'translator') on one onnxruntime. A call is one forward
 * pass over one RGBA picture (already at the model's size or not: rgbaBatchToModel resizes it). It runs where
 * onnxruntime is (inside the browser worker, or in Node). Calls queue (generator/call-queue.ts).
 */
import { ModelLoadError } from '../errors/model-load-error.js';
import { CallQueue } from '../generator/call-queue.js';
import type { EngineImage } from '../generator/engine.js';
import type { OrtRuntime, OrtSessionLike } from '../generator/runtime.js';
import { openSessions, runSession } from '../generator/sessions.js';
import { checkRgbaBatch, rgbaBatchToModel } from '../image/model-input.js';
import { modelToRgba } from '../image/pixels.js';
import { TRANSLATOR_TENSOR_NAMES } from '../manifest/tensor-names.js';
import type { Manifest } from '../manifest/types.js';
import type { RgbaImage } from '../types.js';
import { checkTranslatorManifest, type TranslatorSpec } from './translator-model-check.js';

export class TranslatorEngine {
  private readonly queue: CallQueue;

  private constructor(
    readonly manifest: Manifest,
    private readonly runtime: OrtRuntime,
    private readonly session: OrtSessionLike,
    readonly spec: TranslatorSpec,
  ) {
    this.queue = new CallQueue(() => new ModelLoadError(`translator '${manifest.name}' was disposed; create a new one with createTranslator`));
  }

  get backend(): OrtRuntime['backend'] {
    return this.runtime.backend;
  }

  /** Creates the session for a verified model folder (`files`: bytes by role) after checking the manifest. */
  static async create(manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime): Promise<TranslatorEngine> {
    const spec = checkTranslatorManifest(manifest);
    const sessions = await openSessions(manifest, files, runtime, spec.files);
    return new TranslatorEngine(manifest, runtime, sessions.translator, spec);
  }

  /** One blank picture through the network (a backend smoke test). */
  async warmUp(): Promise<void> {
    const { width, height } = this.manifest.image;
    await this.forward({ width, height, data: new Uint8ClampedArray(width * height * 4) });
  }

  /** The translation of one RGBA picture. */
  translate(image: RgbaImage, signal?: AbortSignal): Promise<EngineImage> {
    return this.queue.runUnlessAborted(signal, () => {
      checkRgbaBatch([image]);
      return () => this.forward(image);
    });
  }

  /** Releases the session; later calls throw ModelLoadError. Waits for the running call. */
  async dispose(): Promise<void> {
    if (this.queue.isClosed) return;
    await this.queue.close();
    await this.session.release();
  }

  private async forward(image: RgbaImage): Promise<EngineImage> {
    const start = performance.now();
    const x = rgbaBatchToModel([image], this.manifest.image);
    const { data, modelMs } = await runSession(this.session, { [TRANSLATOR_TENSOR_NAMES.image]: this.runtime.tensor('float32', x.data, x.dims) }, TRANSLATOR_TENSOR_NAMES.output);
    const { channels: C, height: H, width: W, range } = this.manifest.image;
    return { width: W, height: H, data: modelToRgba(data, 0, C, H, W, range), seed: 0, timings: { totalMs: performance.now() - start, modelMs, steps: 1 }, values: data };
  }
}
