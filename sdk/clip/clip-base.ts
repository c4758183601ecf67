/**
 * The Clip API over two primitives, embedding RGBA pixels and embedding token ids (at most MAX_BATCH a pass), which
 * the Node client runs in this thread and the browser client posts to its worker. Reading images (drawing an <img> or
 * canvas), tokenizing (errors name the text at fault), checking options, batching long lists, and the math of
 * similarity, zeroShot and clipScore (clip-math.ts) live here once for both.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { readImageInput } from '../image/image-input.js';
import { MAX_BATCH } from '../image/model-input.js';
import type { Manifest } from '../manifest/types.js';
import { checkCallOptions } from '../options/call-options.js';
import { checkFloatBatch } from '../options/check-float-batch.js';
import { CLIP_OPTION_NAMES } from '../options/creation-option-names.js';
import { splitWords, WordTokenizer } from '../text/tokenizer.js';
import type { ActiveBackend, ImageInput, RgbaImage } from '../types.js';
import { clipScores, cosineMatrix, softmax } from './clip-math.js';
import type { Clip, ClipCallOptions, ClipImages, ClipTexts, Embeddings, SimilarityMatrix, TextEmbeddings, ZeroShotLabel, ZeroShotOptions } from './types.js';

/**
 * createClip as both entries describe it (worker/open-worker-model.ts WorkerModelSpec, node-engine.ts NodeEngineSpec):
 * its option names, its name, the calls of what it makes (for options given to createClip that belong to one of
 * them), and what the model is called after dispose.
 */
export const CREATE_CLIP = { names: CLIP_OPTION_NAMES, callee: 'createClip()', calls: 'embedText(), embedImages(), zeroShot(), clipScore()', what: 'CLIP model' };

const creator = 'createClip()';
/** The options of embedText(), embedImages() and clipScore(). */
const SIGNAL_ONLY = { names: ['signal'], creator };
/** Most rows one similarity() side may have (far beyond any matrix that fits in memory squared). */
const MAX_ROWS = 1_000_000;

/** A call's inputs as a list, and how errors name each: 'texts' for a lone value, 'texts[i]' in a list. */
interface Named<T> {
  items: readonly T[];
  name(i: number): string;
}

/** One value or a non-empty list of them (`what`: how the error describes one). */
function listOf<T>(x: T | readonly T[], parameter: string, what: string): Named<T> {
  if (!Array.isArray(x)) return { items: [x as T], name: () => parameter };
  if (x.length === 0) throw new InvalidInputError(parameter, `must be ${what} or a non-empty list of them`, x);
  return { items: x, name: (i) => `${parameter}[${i}]` };
}

/** zeroShot's labels: a non-empty list of distinct strings, each with a word. */
function checkLabels(labels: unknown): readonly string[] {
  if (!Array.isArray(labels) || labels.length === 0) throw new InvalidInputError('labels', "must be a non-empty list of label strings like ['cat', 'dog']", labels);
  const seen = new Set<string>();
  labels.forEach((label, i) => {
    if (typeof label !== 'string' || splitWords(label).length === 0) throw new InvalidInputError(`labels[${i}]`, 'must be a string with a word in it (letters or digits)', label);
    if (seen.has(label)) throw new InvalidInputError('labels', `must be distinct, but ${JSON.stringify(label)} is given twice`);
    seen.add(label);
  });
  return labels;
}

/** zeroShot's template: a string with '{label}' in it. */
function checkTemplate(template: unknown): string {
  if (typeof template !== 'string' || !template.includes('{label}')) {
    throw new InvalidInputError('template', "must be a string containing '{label}', like 'an emoji of {label}'", template);
  }
  return template;
}

export abstract class ClipBase implements Clip {
  private words: WordTokenizer | undefined;

  constructor(
    readonly manifest: Manifest,
    readonly backend: ActiveBackend,
  ) {}

  /** Embeds checked RGBA images (any size; the engine resizes), 1 … MAX_BATCH of them. */
  protected abstract embedRgba(images: RgbaImage[], signal: AbortSignal | undefined): Promise<Embeddings>;
  /** Embeds checked token ids [count, maxLength], count 1 … MAX_BATCH. */
  protected abstract embedIds(ids: Int32Array, signal: AbortSignal | undefined): Promise<Embeddings>;
  abstract dispose(): Promise<void>;

  get embedDim(): number {
    return this.manifest.clip!.embedDim;
  }

  get logitScale(): number {
    return this.manifest.clip!.logitScale;
  }

  async embedText(texts: ClipTexts, options?: ClipCallOptions): Promise<TextEmbeddings> {
    const signal = checkCallOptions(options, { method: 'embedText', ...SIGNAL_ONLY });
    const named = listOf(texts, 'texts', 'a string');
    const ids = this.tokenize(named);
    const unknownWords = named.items.map((t) => this.tokenizer.unknownWords(t));
    return { ...(await this.embedTokenRows(ids, signal)), unknownWords };
  }

  async embedImages(images: ClipImages, options?: ClipCallOptions): Promise<Embeddings> {
    const signal = checkCallOptions(options, { method: 'embedImages', ...SIGNAL_ONLY });
    return this.embedImageRows(await this.readImages(listOf(images, 'images', 'an image')), signal);
  }

  similarity(a: Embeddings, b: Embeddings): SimilarityMatrix {
    const d = [this.embedDim];
    const rows = checkFloatBatch(a, d, 'a', MAX_ROWS, 'embeddings', 'embedText() or embedImages()');
    const cols = checkFloatBatch(b, d, 'b', MAX_ROWS, 'embeddings', 'embedText() or embedImages()');
    return { data: cosineMatrix(a.data, b.data, this.embedDim), shape: [rows, cols] };
  }

  async zeroShot(options: ZeroShotOptions): Promise<ZeroShotLabel[]> {
    const signal = checkCallOptions(options, { method: 'zeroShot', names: ['image', 'labels', 'template', 'signal'], creator, example: "{ image, labels: ['cat', 'dog'], template: 'an emoji of {label}' }", required: true });
    const labels = checkLabels(options.labels);
    const template = options.template === undefined ? '{label}' : checkTemplate(options.template);
    const captions = labels.map((label) => template.split('{label}').join(label));
    const ids = this.tokenize({ items: captions, name: (i) => `labels[${i}]` });
    const image = await this.embedImageRows([await readImageInput(options.image as ImageInput, 'image')], signal);
    const texts = await this.embedTokenRows(ids, signal);
    const cos = cosineMatrix(image.data, texts.data, this.embedDim); // [1, labels]
    const p = softmax(cos, this.logitScale);
    return labels.map((label, k) => ({ label, probability: p[k]!, similarity: cos[k]! })).sort((x, y) => y.probability - x.probability);
  }

  async clipScore(images: ClipImages, prompts: ClipTexts, options?: ClipCallOptions): Promise<number[]> {
    const signal = checkCallOptions(options, { method: 'clipScore', ...SIGNAL_ONLY });
    const pictures = listOf(images, 'images', 'an image');
    const texts = listOf(prompts, 'prompts', 'a string');
    if (texts.items.length !== pictures.items.length) {
      throw new InvalidInputError('prompts', `must be one per image (clipScore pairs images[i] with prompts[i]): ${pictures.items.length} image(s), ${texts.items.length} prompt(s)`);
    }
    const ids = this.tokenize(texts);
    const a = await this.embedImageRows(await this.readImages(pictures), signal);
    const b = await this.embedTokenRows(ids, signal);
    return clipScores(a.data, b.data, this.embedDim);
  }

  /** The manifest's tokenizer (checked when the model loaded). */
  private get tokenizer(): WordTokenizer {
    this.words ??= WordTokenizer.fromManifest(this.manifest.conditioning!.tokenizer);
    return this.words;
  }

  /**
   * Texts → ids [count, maxLength]; a non-string, a text without words or a too long one (PromptTooLongError) throws
   * naming it. A text of no words would be all padding, whose embedding is the zero vector: no direction to compare.
   */
  private tokenize(texts: Named<string>): Int32Array {
    const t = this.tokenizer;
    const ids = new Int32Array(texts.items.length * t.maxLength);
    texts.items.forEach((text, i) => {
      const row = t.encode(text, texts.name(i));
      if (row[0] === t.padId) throw new InvalidInputError(texts.name(i), 'must have a word in it (letters or digits): a text of none has no embedding', text);
      ids.set(row, i * t.maxLength);
    });
    return ids;
  }

  private async readImages(images: Named<ImageInput>): Promise<RgbaImage[]> {
    const out: RgbaImage[] = [];
    for (let i = 0; i < images.items.length; i++) out.push(await readImageInput(images.items[i], images.name(i)));
    return out;
  }

  private embedImageRows(images: RgbaImage[], signal: AbortSignal | undefined): Promise<Embeddings> {
    return this.inBatches(images.length, (start, end) => this.embedRgba(images.slice(start, end), signal));
  }

  private embedTokenRows(ids: Int32Array, signal: AbortSignal | undefined): Promise<Embeddings> {
    const L = this.tokenizer.maxLength;
    // slice, not subarray: a view would post its whole buffer to the worker.
    return this.inBatches(ids.length / L, (start, end) => this.embedIds(ids.slice(start * L, end * L), signal));
  }

  /** The rows of `count` inputs, embedded MAX_BATCH at a time (each batch one forward pass) and concatenated. */
  private async inBatches(count: number, embed: (start: number, end: number) => Promise<Embeddings>): Promise<Embeddings> {
    const d = this.embedDim;
    const data = new Float32Array(count * d);
    for (let start = 0; start < count; start += MAX_BATCH) data.set((await embed(start, Math.min(count, start + MAX_BATCH))).data, start * d);
    return { data, shape: [count, d] };
  }
}
