/**
 * The CLIP engine: one loaded image encoder + text encoder pair (manifest kind 'clip') on one onnxruntime. A call is
 * one forward pass of one of them over a batch of at most MAX_BATCH inputs. It runs where onnxruntime is (inside the
 * browser worker, or in Node) and knows nothing of workers, fetching or words: texts arrive as token ids (clip-base.ts
 * tokenizes them, naming the text at fault). Calls queue (generator/call-queue.ts).
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { CallQueue } from '../generator/call-queue.js';
import type { OrtRuntime, OrtSessionLike } from '../generator/runtime.js';
import { openSessions, runSession } from '../generator/sessions.js';
import { checkRgbaBatch, MAX_BATCH, rgbaBatchToModel } from '../image/model-input.js';
import type { Manifest, ManifestClip } from '../manifest/types.js';
import type { RgbaImage } from '../types.js';
import { checkClipManifest, CLIP_NAMES } from './clip-model-check.js';
import type { Embeddings } from './types.js';

export class ClipEngine {
  private readonly queue: CallQueue;

  private constructor(
    readonly manifest: Manifest,
    private readonly runtime: OrtRuntime,
    private readonly imageEncoder: OrtSessionLike,
    private readonly textEncoder: OrtSessionLike,
    readonly clip: ManifestClip,
    /** Ids per text (the text encoder's sequence length L) and the vocabulary size. */
    private readonly tokens: { maxLength: number; vocabSize: number },
  ) {
    this.queue = new CallQueue(() => new ModelLoadError(`CLIP model '${manifest.name}' was disposed; create a new one with createClip`));
  }

  get backend(): OrtRuntime['backend'] {
    return this.runtime.backend;
  }

  /**
   * Creates both sessions for a verified model folder (`files`: bytes by role) and checks them against the manifest.
   * Throws InvalidInputError for a model of another kind, ManifestError or ModelLoadError for a broken one.
   */
  static async create(manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime): Promise<ClipEngine> {
    const spec = checkClipManifest(manifest);
    const sessions = await openSessions(manifest, files, runtime, spec.files);
    const tokens = { maxLength: spec.tokenizer.maxLength, vocabSize: spec.tokenizer.vocabSize };
    return new ClipEngine(manifest, runtime, sessions.imageEncoder, sessions.textEncoder, spec.clip, tokens);
  }

  /** One blank image and one all-padding text through the encoders (a backend smoke test: compiles WebGPU shaders, proves the kernels run). */
  async warmUp(): Promise<void> {
    const { width, height } = this.manifest.image;
    await this.runImages([{ width, height, data: new Uint8ClampedArray(width * height * 4) }]);
    await this.runTokens(new Int32Array(this.tokens.maxLength));
  }

  /** Embeds RGBA images (resized, bilinear, to the model's size; alpha over white): [count, embedDim]. */
  embedImages(images: readonly RgbaImage[], signal?: AbortSignal): Promise<Embeddings> {
    return this.queue.runUnlessAborted(signal, () => {
      checkRgbaBatch(images);
      return () => this.runImages(images);
    });
  }

  /** Embeds texts given as token ids, `ids` [count, maxLength] row-major (WordTokenizer.encode of each): [count, embedDim]. */
  embedTokens(ids: Int32Array, signal?: AbortSignal): Promise<Embeddings> {
    return this.queue.runUnlessAborted(signal, () => {
      this.checkIds(ids);
      return () => this.runTokens(ids);
    });
  }

  /** Releases both sessions; later calls throw ModelLoadError. Waits for the running call. */
  async dispose(): Promise<void> {
    if (this.queue.isClosed) return;
    await this.queue.close();
    await Promise.all([this.imageEncoder.release(), this.textEncoder.release()]);
  }

  private checkIds(ids: Int32Array): void {
    const { maxLength: L, vocabSize } = this.tokens;
    if (!(ids instanceof Int32Array) || ids.length < L || ids.length > MAX_BATCH * L || ids.length % L !== 0) {
      throw new InvalidInputError('ids', `must be an Int32Array of count × ${L} token ids (count 1 … ${MAX_BATCH})`, ids);
    }
    const bad = ids.findIndex((id) => id < 0 || id >= vocabSize);
    if (bad >= 0) throw new InvalidInputError('ids', `must be token ids in [0, ${vocabSize - 1}]; index ${bad} is ${ids[bad]}`);
  }

  private async runImages(images: readonly RgbaImage[]): Promise<Embeddings> {
    const x = rgbaBatchToModel(images, this.manifest.image);
    const out = await runSession(this.imageEncoder, { [CLIP_NAMES.image]: this.runtime.tensor('float32', x.data, x.dims) }, CLIP_NAMES.imageEmbeds);
    return { data: out.data, shape: [images.length, this.clip.embedDim] };
  }

  private async runTokens(ids: Int32Array): Promise<Embeddings> {
    const count = ids.length / this.tokens.maxLength;
    const input = this.runtime.tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [count, this.tokens.maxLength]);
    const out = await runSession(this.textEncoder, { [CLIP_NAMES.inputIds]: input }, CLIP_NAMES.textEmbeds);
    return { data: out.data, shape: [count, this.clip.embedDim] };
  }
}
