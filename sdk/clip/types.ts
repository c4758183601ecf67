/**
 * The public API of CLIP models, declared as types (implemented in clip-base.ts over clip-engine.ts, with
 * create-clip.ts for the browser worker and create-clip-node.ts for onnxruntime-node). A CLIP model (manifest kind
 * 'clip', Radford et al. 2021) maps images and texts into one embedding space of unit vectors, where the cosine of an
 * image and a caption says how well they match. Each embedding call runs one encoder once per batch of up to 64.
 *
 * Notation (clip-math.ts): I_e, T_e unit embeddings [n, d_e]; cos(i, t) = I_e[i] · T_e[t]; s = `logitScale` = exp(t),
 * the learned inverse temperature.
 */
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, GeneratorOptions, ImageInput } from '../types.js';

/** Options of createClip: those of createGenerator, plus a signal. */
export interface ClipOptions extends GeneratorOptions {
  /** Stops the load (download, session start) with AbortError. Default none. */
  signal?: AbortSignal;
}

/**
 * Embeddings of `count` inputs, one row each: `data` holds count × embedDim numbers, row-major [count, embedDim]. The
 * model's rows have unit L2 norm; rows of your own (a mean of several prompts, say) need not.
 */
export interface Embeddings {
  data: Float32Array;
  /** [count, embedDim]. */
  shape: readonly [count: number, embedDim: number];
}

/** Embeddings of texts, with the words of each text that the model's vocabulary lacks (each read as `<unk>`). */
export interface TextEmbeddings extends Embeddings {
  /** Per text, its words the tokenizer maps to the unknown token (lower-cased as the tokenizer reads them). */
  unknownWords: string[][];
}

/** cos(a_i, b_j) for every row i of `a` and j of `b`: `data` row-major [countA, countB], each in [-1, 1]. */
export interface SimilarityMatrix {
  data: Float32Array;
  /** [countA, countB]. */
  shape: readonly [rows: number, cols: number];
}

/** The images of one call: one image or a non-empty list, each resized (bilinear) to the model's size, alpha over white. */
export type ClipImages = ImageInput | readonly ImageInput[];

/** The texts of one call: one string or a non-empty list, each of 1 … the tokenizer's maxLength words (runs of letters or digits). */
export type ClipTexts = string | readonly string[];

/** Options every call takes. */
export interface ClipCallOptions {
  /** Stops the call with AbortError before its next forward pass (a forward pass is not interrupted). Default none. */
  signal?: AbortSignal;
}

/** Options of `clip.zeroShot()`: which of the labels an image shows (CLIP's zero-shot classifier). */
export interface ZeroShotOptions extends ClipCallOptions {
  /** The image to classify. Required. */
  image: ImageInput;
  /** The candidate labels: 1 or more distinct strings, each with a word. Required. */
  labels: readonly string[];
  /** The caption each label is put in: a string containing '{label}' (every occurrence is replaced). Default '{label}'. */
  template?: string;
}

/** One label of a zero-shot result. */
export interface ZeroShotLabel {
  label: string;
  /** softmax over the labels of logitScale · cos(image, caption): the probabilities of one call sum to 1. */
  probability: number;
  /** cos(image, caption of this label), in [-1, 1]. */
  similarity: number;
}

/** A loaded CLIP model. Calls run one at a time, in call order. */
export interface Clip {
  readonly manifest: Manifest;
  readonly backend: ActiveBackend;
  /** Width d_e of the joint embedding (the embeddings' second dimension). */
  readonly embedDim: number;
  /** exp(t), the inverse temperature learned in training: logits = logitScale · cos. */
  readonly logitScale: number;
  /** Embeds texts ([count, embedDim], unit rows), in batches of 64. */
  embedText(texts: ClipTexts, options?: ClipCallOptions): Promise<TextEmbeddings>;
  /** Embeds images ([count, embedDim], unit rows), in batches of 64; RGBA in, composited over white. */
  embedImages(images: ClipImages, options?: ClipCallOptions): Promise<Embeddings>;
  /** The cosine of every row of `a` with every row of `b` ([countA, countB]): plain math, no model run (it works after dispose too). */
  similarity(a: Embeddings, b: Embeddings): SimilarityMatrix;
  /** The labels ranked for one image, most probable first. */
  zeroShot(options: ZeroShotOptions): Promise<ZeroShotLabel[]>;
  /**
   * CLIPScore (Hessel et al. 2021) of each image with the prompt at the same index: 100 · max(cos(image_i, prompt_i), 0),
   * in [0, 100] (w = 100 as torchmetrics' CLIPScore; the paper's w is 2.5). `images` and `prompts` have equal lengths.
   */
  clipScore(images: ClipImages, prompts: ClipTexts, options?: ClipCallOptions): Promise<number[]>;
  /** Releases the model; later embedding calls throw ModelLoadError. */
  dispose(): Promise<void>;
}
