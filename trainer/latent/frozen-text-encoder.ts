/**
 * A shipped CLIP text tower (manifest kind 'clip', e.g. models/emoji-clip), frozen: captions → its per-token states
 * `last_hidden_state` [B, L, D], the cross-attention context of a latent U-Net (Rombach et al. 2022 condition on a
 * frozen text encoder's token states the same way). The captions are cut to the tokenizer's length as CLIP trained
 * them (trainer/clip/clip-text.ts captionWords); the empty prompt (all padding) is the null condition of guidance.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as OrtNode from 'onnxruntime-node';
import type { Manifest, ManifestTokenizer } from '../../sdk/manifest/types.js';
import { TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';
import * as ortNode from 'onnxruntime-node';
import { WordTokenizer } from '../../sdk/text/tokenizer.js';
import { captionWords } from '../clip/clip-text.js';
import { UsageError } from '../errors/usage-error.js';
import { verifyModelFolder } from '../export/model-folder.js';

/** Captions encoded per call: bounds the session's activations. */
const CHUNK = 256;

export class FrozenTextEncoder {
  readonly tokenizer: WordTokenizer;

  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    private readonly ort: typeof OrtNode,
    private readonly session: OrtNode.InferenceSession,
    /** D: the width of one token's state. */
    readonly dim: number,
  ) {
    this.tokenizer = WordTokenizer.fromManifest(manifest.conditioning!.tokenizer!);
  }

  /** Opens the CLIP model folder `dir` (the value of `flag`, for errors); its text encoder must output last_hidden_state. */
  static async open(dir: string, flag = '--text-model'): Promise<FrozenTextEncoder> {
    const abs = resolve(dir);
    const manifest = await verifyModelFolder(abs);
    const file = manifest.files.textEncoder;
    const hidden = file?.outputs.find((o) => o.name === TENSOR_NAMES.hidden);
    if (!file || !manifest.conditioning?.tokenizer || !hidden) {
      throw new UsageError(`${flag} ${dir}: needs a model folder with a text encoder that outputs '${TENSOR_NAMES.hidden}' [batch, length, dim] and a tokenizer (a CLIP model such as models/emoji-clip), got kind '${manifest.kind}'`);
    }
    const dim = hidden.shape[2];
    if (typeof dim !== 'number') throw new UsageError(`${flag} ${dir}: files.textEncoder's '${TENSOR_NAMES.hidden}' must have a fixed width, got shape [${hidden.shape.join(', ')}]`);
    const ort = ortNode;
    const session = await ort.InferenceSession.create(await readFile(join(abs, file.path)), { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
    return new FrozenTextEncoder(abs, manifest, ort, session, dim);
  }

  /** L: tokens per prompt. */
  get length(): number {
    return this.tokenizer.maxLength;
  }

  /** The manifest's tokenizer, for the latent model's own manifest. */
  get tokenizerManifest(): ManifestTokenizer {
    return this.manifest.conditioning!.tokenizer!;
  }

  /** The caption as the text encoder reads it (cut to its first L words). */
  prompt(caption: string): string {
    return captionWords(caption, this.length);
  }

  /** Captions → [N, L, D] states (the empty string: the null condition). `onProgress` hears (done, total). */
  async encode(captions: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
    const L = this.length;
    const out = new Float32Array(captions.length * L * this.dim);
    for (let start = 0; start < captions.length; start += CHUNK) {
      const part = captions.slice(start, start + CHUNK);
      const ids = new BigInt64Array(part.length * L);
      part.forEach((c, i) => this.tokenizer.encode(this.prompt(c), `caption ${start + i}`).forEach((id, j) => (ids[i * L + j] = BigInt(id))));
      const res = await this.session.run({ [TENSOR_NAMES.inputIds]: new this.ort.Tensor('int64', ids, [part.length, L]) });
      out.set(res[TENSOR_NAMES.hidden]!.data as Float32Array, start * L * this.dim);
      onProgress?.(Math.min(start + CHUNK, captions.length), captions.length);
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
