/**
 * What `webgen fid` and `webgen eval fid` compare: image folders (through a feature extractor), .npy
 * feature matrices and saved .fidstats statistics, fed into the SDK's FidScorer. Node side: files,
 * onnxruntime-node sessions.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createOnnxExtractor, type FeatureExtractor, type ImageBatch } from '../../sdk/fid/extractor.js';
import { parseNpy } from '../../sdk/fid/npy.js';
import type { FidScorer, Side } from '../../sdk/fid/scorer.js';
import { decodeStats, isStatsFile, type SavedStats } from '../../sdk/fid/stats-file.js';
import { DataError } from '../errors/data-error.js';
import { UsageError } from '../errors/usage-error.js';
import { convertChannels } from '../../sdk/image/pixels.js';
import { decodeImage } from '../image/decode-image.js';
import { readNpzEntries } from './fid-npz.js';
import { openDataset } from '../data/open-dataset.js';
import { describeOnnx, verifyModelFolder } from '../export/model-folder.js';

/** An input path, by kind. */
export type FidInput =
  | { kind: 'images'; path: string; files: string[] }
  | { kind: 'npy'; path: string }
  | { kind: 'stats'; path: string; stats: SavedStats }
  | { kind: 'dataset'; path: string; spec: string; start: number; end?: number; step: number };

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/**
 * Classifies `path`: a folder of images (sorted by name, as pytorch-fid's glob), a .npy matrix, .fidstats
 * statistics, or `data:SPEC[@START:END]` — a webgen-train data set (`data:mnist`, `data:shapes:5000`, any
 * --data spec) or a slice of it (`data:mnist@0:5000`).
 */
export async function openFidInput(path: string): Promise<FidInput> {
  if (path.startsWith('data:')) {
    const m = /^data:(.+?)(?:@(\d+):(\d+)?(?::(\d+))?)?$/.exec(path);
    if (!m) throw new UsageError(`'${path}' is not data:SPEC or data:SPEC@START:END[:STEP]`);
    const start = m[2] ? Number(m[2]) : 0;
    const end = m[3] ? Number(m[3]) : undefined;
    const step = m[4] ? Number(m[4]) : 1;
    if (end !== undefined && end <= start) throw new UsageError(`'${path}': END must be greater than START`);
    if (step < 1) throw new UsageError(`'${path}': STEP must be at least 1`);
    return { kind: 'dataset', path, spec: m[1]!, start, step, ...(end !== undefined && { end }) };
  }
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new DataError(path, 'no such file or folder (give a folder of images, a .npy feature matrix or a .fidstats file)');
  }
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = await readdir(path);
    } catch (err) {
      throw new DataError(path, `cannot list the folder (${errorCode(err)})`);
    }
    const files = names.filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    if (files.length === 0) throw new DataError(path, 'folder has no .png or .jpg images');
    return { kind: 'images', path, files };
  }
  const bytes = await readInputFile(path, 'the file');
  if (isStatsFile(bytes)) return { kind: 'stats', path, stats: decodeStats(bytes, path) };
  if (extname(path).toLowerCase() === '.npy') return { kind: 'npy', path };
  if (extname(path).toLowerCase() === '.npz') return { kind: 'stats', path, stats: npzStats(bytes, path) };
  throw new DataError(path, 'is neither a folder of images, a .npy feature matrix, .npz statistics (mu, sigma) nor a .fidstats file');
}

/**
 * pytorch-fid's saved statistics (`--save-stats`: np.savez_compressed(mu=…, sigma=…)). They do not record
 * the sample count: `count` is Infinity (FID does not use it).
 */
function npzStats(bytes: Uint8Array, path: string): SavedStats {
  const entries = readNpzEntries(bytes, path);
  const mu = entries.get('mu');
  const sigma = entries.get('sigma');
  if (!mu || !sigma) throw new DataError(path, `has arrays ${[...entries.keys()].join(', ') || '(none)'}; FID statistics need 'mu' and 'sigma' (pytorch-fid --save-stats)`);
  const m = parseNpy(mu, `${path}:mu`, { allow1d: true }).data;
  const s = parseNpy(sigma, `${path}:sigma`);
  const d = m.length;
  if (s.shape[0] !== d || s.shape[1] !== d) throw new DataError(path, `sigma is ${s.shape.join('x')}, mu has ${d} entries; expected sigma ${d}x${d}`);
  return { count: Infinity, dim: d, mean: Float64Array.from(m), cov: Float64Array.from(s.data), note: 'pytorch-fid .npz statistics' };
}

/** Options of {@link loadExtractor}. */
export interface ExtractorSpec {
  /** Model folder (manifest.json + model.onnx, kind classifier / feature-extractor) or a .onnx file. */
  path: string;
  /** Output with the features (default 'features', else the last output). */
  outputName?: string;
  /** 'inception': pytorch-fid's InceptionV3 preprocessing (299x299 bilinear, [-1, 1]). */
  preprocess?: 'none' | 'inception';
  /** [C, H, W] for a bare .onnx file whose input shape is symbolic. */
  inputShape?: [number, number, number];
  /** Also read this output's class logits beside the features (the Inception Score: 'logits'). Default none. */
  logitsName?: string;
}

/** An onnxruntime-node extractor and its input shape [C, H, W]. */
export async function loadExtractor(spec: ExtractorSpec): Promise<{ extractor: FeatureExtractor; inputShape: [number, number, number]; release: () => Promise<void> }> {
  let file: string;
  let inputShape: [number, number, number] | undefined = spec.inputShape;
  let name: string;
  const isDir = (await stat(spec.path).catch(() => undefined))?.isDirectory();
  if (isDir) {
    const manifest = await verifyModelFolder(spec.path);
    if (manifest.kind !== 'classifier' && manifest.kind !== 'feature-extractor') {
      throw new UsageError(`--extractor ${spec.path} holds a '${manifest.kind}' model; FID needs a classifier or feature extractor (e.g. models/mnist-classifier)`);
    }
    const f = manifest.files.classifier ?? Object.values(manifest.files)[0]!;
    file = join(spec.path, f.path);
    inputShape ??= [manifest.image.channels, manifest.image.height, manifest.image.width];
    name = `${manifest.name}/${spec.outputName ?? 'features'}`;
  } else {
    file = spec.path;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch {
      throw new DataError(file, 'cannot read the extractor (give a model folder or a .onnx file)');
    }
    // the network's own [C, H, W] where the file fixes it: a different --input-shape would fail inside onnxruntime
    const dims = describeOnnx(bytes, file).inputs[0]?.shape.slice(1);
    const fixed = dims?.length === 3 && dims.every((d) => typeof d === 'number' && d > 0) ? (dims as [number, number, number]) : undefined;
    if (fixed && inputShape && inputShape.join(',') !== fixed.join(',')) {
      throw new UsageError(`--input-shape ${inputShape.join(',')}: --extractor ${file} takes ${fixed.join(',')} (C,H,W); leave out --input-shape`);
    }
    inputShape ??= fixed;
    if (!inputShape && spec.preprocess !== 'inception') throw new UsageError(`--extractor ${file}: input shape [${dims?.join(', ')}] is not fixed; pass --input-shape C,H,W`);
    inputShape ??= [3, 299, 299];
    name = `${basename(file)}/${spec.outputName ?? 'features'}`;
  }
  if (spec.preprocess === 'inception' && inputShape.join(',') !== '3,299,299') {
    throw new UsageError(`--inception resizes images to 3x299x299 (pytorch-fid's Inception), but --extractor ${spec.path} takes ${inputShape.join('x')} images (CxHxW): leave out --inception`);
  }
  let session: ort.InferenceSession;
  try {
    // logSeverityLevel 4 (fatal only): onnxruntime also writes a failing run's error to stderr itself, natively and
    // in colour; the rejection carries the same message, which the CLI prints once, on one line
    session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], logSeverityLevel: 4 });
  } catch (err) {
    throw new DataError(file, `onnxruntime cannot load the extractor (${(err as Error).message})`);
  }
  const outputName = spec.outputName ?? (session.outputNames.includes('features') ? 'features' : session.outputNames[session.outputNames.length - 1]!);
  if (!session.outputNames.includes(outputName)) throw new UsageError(`--output ${outputName}: the extractor's outputs are ${session.outputNames.join(', ')}`);
  if (spec.logitsName !== undefined && !session.outputNames.includes(spec.logitsName)) throw new UsageError(`--is reads the extractor's '${spec.logitsName}' output; ${spec.path} has ${session.outputNames.join(', ')} (a classifier, e.g. models/mnist-classifier)`);
  const extractor = createOnnxExtractor({
    session: session as unknown as Parameters<typeof createOnnxExtractor>[0]['session'],
    Tensor: ort.Tensor as unknown as Parameters<typeof createOnnxExtractor>[0]['Tensor'],
    inputShape,
    outputName,
    preprocess: spec.preprocess ?? 'none',
    name,
    ...(spec.logitsName !== undefined && { logitsName: spec.logitsName }),
  });
  return { extractor, inputShape, release: () => session.release() };
}

/**
 * Feeds one input into a side of the scorer: images in chunks of `chunk` (constant memory), a .npy
 * matrix whole, saved statistics as they are. Returns the number of samples.
 */
/** What feedInput needs of a scorer: FidScorer, or a collector of raw extractor outputs (the Inception Score). */
export type FidSink = Pick<FidScorer, 'loadStats' | 'addFeatures' | 'addReal' | 'addFake'>;

export async function feedInput(scorer: FidSink, side: Side, input: FidInput, inputShape: [number, number, number] | undefined, opts: { chunk?: number; anySize?: boolean } = {}): Promise<number> {
  if (input.kind === 'stats') {
    scorer.loadStats(input.stats, side);
    return input.stats.count;
  }
  if (input.kind === 'npy') {
    const m = parseNpy(await readInputFile(input.path, 'the feature matrix'), input.path);
    return scorer.addFeatures(m.data, side, m.shape[1]);
  }
  if (!inputShape) throw new UsageError(`${input.path} is ${input.kind === 'dataset' ? 'a data set' : 'a folder of images'}: pass --extractor (a model folder such as models/mnist-classifier, or a .onnx file)`);
  const chunk = opts.chunk ?? 256;
  let count = 0;
  if (input.kind === 'dataset') {
    const [C, H, W] = inputShape;
    const ds = await openDataset(input.spec, { width: W, height: H, channels: C });
    const end = input.end ?? ds.size;
    if (end > ds.size) throw new UsageError(`${input.path}: the data set has ${ds.size} images, fewer than END ${end}`);
    const per = C * H * W;
    const indices: number[] = [];
    for (let i = input.start; i < end; i += input.step) indices.push(i);
    for (let start = 0; start < indices.length; start += chunk) {
      const n = Math.min(chunk, indices.length - start);
      const data = new Float32Array(n * per);
      for (let i = 0; i < n; i++) {
        const img = ds.get(indices[start + i]!).image; // [H, W, C]
        for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) data[i * per + c * H * W + p] = img[p * C + c]!;
      }
      const batch: ImageBatch = { data, shape: [n, C, H, W] };
      count = await (side === 'real' ? scorer.addReal(batch) : scorer.addFake(batch));
    }
    return count;
  }
  for (let start = 0; start < input.files.length; start += chunk) {
    const files = input.files.slice(start, start + chunk);
    const batch = await readImages(input.path, files, inputShape, opts.anySize ?? false);
    count = await (side === 'real' ? scorer.addReal(batch) : scorer.addFake(batch));
  }
  return count;
}

/** Decodes images into an NCHW batch in [-1, 1] with the extractor's channels; all must have its size (or one common size with anySize). */
async function readImages(dir: string, files: string[], [C, H, W]: [number, number, number], anySize: boolean): Promise<ImageBatch> {
  let h = H;
  let w = W;
  let data: Float32Array | undefined;
  for (const [i, f] of files.entries()) {
    const path = join(dir, f);
    const img = decodeImage(await readInputFile(path, 'the image'), path);
    if (i === 0 && anySize) {
      h = img.height;
      w = img.width;
    }
    if (img.width !== w || img.height !== h) {
      throw new DataError(path, `is ${img.width}x${img.height}; ${anySize ? `the folder's first image is ${w}x${h} (all images must share one size)` : `the extractor takes ${W}x${H} images (resize them, or use an extractor made for this size)`}`);
    }
    data ??= new Float32Array(files.length * C * h * w);
    const px = convertChannels(img.data, 4, C === 1 ? 1 : 3, 255, 255); // [h, w, C] bytes, white behind transparency
    const plane = h * w;
    const base = i * C * plane;
    for (let p = 0; p < plane; p++) for (let c = 0; c < C; c++) data[base + c * plane + p] = px[p * C + c]! / 127.5 - 1;
  }
  return { data: data!, shape: [files.length, C, h, w] };
}

/**
 * The bytes of an input file, or a DataError naming it (exit 1, one line): unreadable (EACCES, a dangling link),
 * a folder where an image should be, or not a regular file at all — a FIFO or /dev/zero would block or never end.
 */
async function readInputFile(path: string, what: string): Promise<Uint8Array> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new DataError(path, `cannot read ${what}: ${st.isDirectory() ? 'it is a folder' : 'it is not a regular file'}`);
    return await readFile(path);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(path, `cannot read ${what} (${errorCode(err)})`);
  }
}

/** An fs error's code (ENOENT, EACCES…), else its message. */
function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
