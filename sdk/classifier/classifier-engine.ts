/**
 * The classifier engine: one loaded classifier (manifest kind 'classifier') on one onnxruntime. A call is one forward
 * pass over at most MAX_BATCH images, fetching the logits and, when asked, the Grad-CAM maps. It runs where
 * onnxruntime is (inside the browser worker, or in Node). Calls queue (generator/call-queue.ts).
 */
import { ModelLoadError } from '../errors/model-load-error.js';
import { CallQueue } from '../generator/call-queue.js';
import type { OrtRuntime, OrtSessionLike } from '../generator/runtime.js';
import { openSessions, runSessionOutputs } from '../generator/sessions.js';
import { checkRgbaBatch, rgbaBatchToModel } from '../image/model-input.js';
import { CLASSIFIER_TENSOR_NAMES } from '../manifest/tensor-names.js';
import type { Manifest } from '../manifest/types.js';
import type { RgbaImage } from '../types.js';
import { checkClassifierManifest, type ClassifierSpec } from './classifier-model-check.js';

/** One pass's outputs: logits [count, K], and the maps [count, h, w] when asked for. */
export interface ClassifierOutputs {
  logits: Float32Array;
  gradCam?: Float32Array;
}

export class ClassifierEngine {
  private readonly queue: CallQueue;

  private constructor(
    readonly manifest: Manifest,
    private readonly runtime: OrtRuntime,
    private readonly session: OrtSessionLike,
    readonly spec: ClassifierSpec,
  ) {
    this.queue = new CallQueue(() => new ModelLoadError(`classifier '${manifest.name}' was disposed; create a new one with createClassifier`));
  }

  get backend(): OrtRuntime['backend'] {
    return this.runtime.backend;
  }

  /** Creates the session for a verified model folder (`files`: bytes by role) after checking the manifest. */
  static async create(manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime): Promise<ClassifierEngine> {
    const spec = checkClassifierManifest(manifest);
    const sessions = await openSessions(manifest, files, runtime, spec.files);
    return new ClassifierEngine(manifest, runtime, sessions.classifier, spec);
  }

  /** One blank image through the network (a backend smoke test). */
  async warmUp(): Promise<void> {
    const { width, height } = this.manifest.image;
    await this.forward([{ width, height, data: new Uint8ClampedArray(width * height * 4) }], false);
  }

  /** Logits (and Grad-CAM maps, `withMaps`) of 1 … MAX_BATCH RGBA images. */
  run(images: readonly RgbaImage[], withMaps: boolean, signal?: AbortSignal): Promise<ClassifierOutputs> {
    return this.queue.runUnlessAborted(signal, () => {
      checkRgbaBatch(images);
      return () => this.forward(images, withMaps);
    });
  }

  /** Releases the session; later calls throw ModelLoadError. Waits for the running call. */
  async dispose(): Promise<void> {
    if (this.queue.isClosed) return;
    await this.queue.close();
    await this.session.release();
  }

  private async forward(images: readonly RgbaImage[], withMaps: boolean): Promise<ClassifierOutputs> {
    const x = rgbaBatchToModel(images, this.manifest.image);
    const feeds = { [CLASSIFIER_TENSOR_NAMES.images]: this.runtime.tensor('float32', x.data, x.dims) };
    const { logits, gradCam } = CLASSIFIER_TENSOR_NAMES;
    const out = await runSessionOutputs(this.session, feeds, withMaps ? [logits, gradCam] : [logits]);
    return { logits: out[logits]!, ...(withMaps && { gradCam: out[gradCam]! }) };
  }
}
