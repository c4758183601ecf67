/**
 * Feature extractors: images → [N, F] features. An ONNX network run by an onnxruntime session the
 * caller passes in (onnxruntime-web in the browser, onnxruntime-node in Node — sdk/fid never imports
 * either), or any function.
 */
import { ExtractorOutputError } from '../errors/extractor-output-error.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { inceptionPreprocess } from './preprocess.js';

/** A batch of images: NCHW float32 with values in [-1, 1] (the layout and range of webgen's models). */
export interface ImageBatch {
  data: Float32Array;
  /** [N, C, H, W]. */
  shape: readonly [number, number, number, number];
}

/** Turns images into feature vectors. */
export interface FeatureExtractor {
  /** Names the features (model and output), stored with saved statistics so mismatched comparisons are caught. */
  readonly name: string;
  /** Feature dimension F, when known before the first call. */
  readonly dim?: number;
  /** Features [N, F] of `images`, row-major. */
  extract(images: ImageBatch): Promise<Float32Array>;
  /**
   * Features and class logits [N, K] of `images` in one pass, for an extractor that is also a classifier (its
   * `logitsName` output): what the Inception Score reads. Absent when the network has no logits output.
   */
  extractWithLogits?(images: ImageBatch): Promise<{ features: Float32Array; logits: Float32Array; classes: number }>;
}

/** The part of an onnxruntime InferenceSession (web or node) the extractor uses. */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>, fetches?: readonly string[]): Promise<Record<string, { dims: readonly number[]; data: unknown }>>;
}

/** onnxruntime's Tensor constructor (`ort.Tensor`), passed in with the session. */
export type OrtTensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;

/** Options of {@link createOnnxExtractor}. */
export interface OnnxExtractorOptions {
  /** The extractor network's session. */
  session: OrtSessionLike;
  /** `ort.Tensor` of the same onnxruntime. */
  Tensor: OrtTensorConstructor;
  /** Input size the network takes, [C, H, W]; images of another size are refused (except with 'inception', which resizes). */
  inputShape: readonly [number, number, number];
  /** Input name. Default: the session's first input. */
  inputName?: string;
  /** Output holding the features. Default 'features' when the model has it, else the last output. */
  outputName?: string;
  /** Expected feature dimension; the first batch checks it. Default: taken from the first batch. */
  dim?: number;
  /**
   * 'none' (default): images go in as they are, NCHW in [-1, 1] (webgen's classifiers).
   * 'inception': pytorch-fid's InceptionV3 preprocessing (bilinear resize to 299x299, align_corners=False,
   * [0, 1] → [−1, 1], grey → RGB); use with an ONNX export of pytorch-fid's FID Inception (pool3, 2048-d).
   */
  preprocess?: 'none' | 'inception';
  /** Images per session run. Default 64 (16 with 'inception'). */
  batchSize?: number;
  /** Name stored with statistics. Default `onnx/<outputName>`. */
  name?: string;
  /** The output holding class logits [N, K] (a classifier's 'logits'), for extractWithLogits. Default none. */
  logitsName?: string;
}

/** An extractor over an onnxruntime session; checks image sizes and the output's shape. */
export function createOnnxExtractor(opts: OnnxExtractorOptions): FeatureExtractor {
  const { session, Tensor } = opts;
  const inputName = opts.inputName ?? session.inputNames[0];
  if (!inputName || !session.inputNames.includes(inputName)) throw new InvalidInputError('inputName', `must be one of the session's inputs (${session.inputNames.join(', ')})`, inputName);
  const outputName = opts.outputName ?? (session.outputNames.includes('features') ? 'features' : session.outputNames[session.outputNames.length - 1]);
  if (!outputName || !session.outputNames.includes(outputName)) throw new InvalidInputError('outputName', `must be one of the session's outputs (${session.outputNames.join(', ')})`, outputName);
  const [C, H, W] = opts.inputShape;
  const inception = opts.preprocess === 'inception';
  // the preprocessing feeds [b, 3, 299, 299] whatever inputShape says: a network taking another size would fail in onnxruntime
  if (inception && (C !== 3 || H !== 299 || W !== 299)) {
    throw new InvalidInputError('inputShape', "must be [3, 299, 299] with preprocess 'inception' (it resizes every image to pytorch-fid's Inception input); leave preprocess out for a network of another size", `[${[C, H, W].join(', ')}]`);
  }
  const batchSize = opts.batchSize ?? (inception ? 16 : 64);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidInputError('batchSize', 'must be a positive integer', batchSize);
  let dim = opts.dim;
  const logitsName = opts.logitsName;
  if (logitsName !== undefined && (!session.outputNames.includes(logitsName) || logitsName === outputName)) {
    throw new InvalidInputError('logitsName', `must be one of the session's outputs other than the features (${session.outputNames.join(', ')})`, logitsName);
  }
  let classes: number | undefined;
  /** The features (and the logits) of `images`, batch by batch. */
  const run = async (images: ImageBatch, withLogits: boolean): Promise<{ features: Float32Array; logits?: Float32Array; classes?: number }> => {
    const [n, c, h, w] = checkImages(images, inception ? undefined : [C, H, W]);
    const per = c * h * w;
    const chunks: Float32Array[] = [];
    const logitChunks: Float32Array[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      let x = images.data.subarray(start * per, (start + b) * per);
      let dims: number[] = [b, c, h, w];
      if (inception) {
        x = inceptionPreprocess(x, b, c, h, w);
        dims = [b, 3, 299, 299];
      }
      const fetches = withLogits ? [outputName, logitsName!] : [outputName];
      const res = await session.run({ [inputName]: new Tensor('float32', x, dims) }, fetches);
      const out = res[outputName]!;
      // [b, F] or [b, F, 1, 1] (Inception's pool3)
      const od = out.dims;
      const flat = od.length === 2 || (od.length === 4 && od[2] === 1 && od[3] === 1);
      if (!flat || od[0] !== b || !(out.data instanceof Float32Array) || (dim !== undefined && od[1] !== dim)) {
        throw new ExtractorOutputError(outputName, od, `[${b}, ${dim ?? 'F'}] float32 (or [${b}, F, 1, 1]); pick the penultimate-layer output with 'outputName'`);
      }
      dim = od[1]!;
      chunks.push(out.data);
      if (withLogits) {
        const lg = res[logitsName!]!;
        if (lg.dims.length !== 2 || lg.dims[0] !== b || !(lg.data instanceof Float32Array) || lg.dims[1]! < 2 || (classes !== undefined && lg.dims[1] !== classes)) {
          throw new ExtractorOutputError(logitsName!, lg.dims, `[${b}, K] float32 class logits (K ≥ 2)`);
        }
        classes = lg.dims[1]!;
        logitChunks.push(lg.data);
      }
    }
    return { features: concat(chunks, n * dim!), ...(withLogits && { logits: concat(logitChunks, n * classes!), classes: classes! }) };
  };
  return {
    name: opts.name ?? `onnx/${outputName}`,
    get dim() {
      return dim;
    },
    async extract(images: ImageBatch): Promise<Float32Array> {
      return (await run(images, false)).features;
    },
    ...(logitsName !== undefined && {
      async extractWithLogits(images: ImageBatch) {
        const r = await run(images, true);
        return { features: r.features, logits: r.logits!, classes: r.classes! };
      },
    }),
  };
}

function concat(chunks: readonly Float32Array[], length: number): Float32Array {
  const all = new Float32Array(length);
  let o = 0;
  for (const ch of chunks) {
    all.set(ch, o);
    o += ch.length;
  }
  return all;
}

/**
 * Checks an ImageBatch: NCHW, data length matching the shape, values finite and within [-1.5, 1.5] (samplers
 * overshoot a little; 0…255 pixels are a mistake), and the expected [C, H, W] when given.
 */
export function checkImages(images: ImageBatch, expected?: readonly [number, number, number], name = 'images'): [number, number, number, number] {
  if (!images || !(images.data instanceof Float32Array) || !Array.isArray(images.shape) || images.shape.length !== 4) {
    throw new InvalidInputError(name, 'must be { data: Float32Array, shape: [N, C, H, W] } (NCHW, values in [-1, 1])', images);
  }
  const [n, c, h, w] = images.shape;
  if (![n, c, h, w].every((v) => Number.isInteger(v) && v >= 1) || n * c * h * w !== images.data.length) {
    throw new InvalidInputError(`${name}.shape`, `must be positive integers whose product is data.length (${images.data.length})`, `[${images.shape.join(', ')}]`);
  }
  if (expected && (c !== expected[0] || h !== expected[1] || w !== expected[2])) {
    throw new InvalidInputError(name, `must be [N, ${expected.join(', ')}] for this extractor (resize or convert the images first)`, `[${images.shape.join(', ')}]`);
  }
  if (!expected && c !== 1 && c !== 3) throw new InvalidInputError(name, 'must have 1 or 3 channels', `${c} channels`);
  const d = images.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= -1.5 && v <= 1.5)) throw new InvalidInputError(name, `values must be in [-1, 1]; index ${i} is ${v} (0…255 pixels: x / 127.5 − 1)`);
  }
  return [n, c, h, w];
}
