/**
 * The scorer behind createFidScorer, environment-neutral (the browser worker and the Node entry both run it): an
 * extractor model (a classifier's manifest + ONNX file, or a bare .onnx) opened on an onnxruntime session the caller
 * made, a FidScorer over it, and packed images in. Calls run one at a time in call order, so results do not depend on
 * how the caller's calls interleave.
 */
import { ModelLoadError } from '../errors/model-load-error.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { OrtValueMetadata } from '../generator/runtime.js';
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend } from '../types.js';
import type { FidExtractorInfo, InceptionScoreRequest } from './api-types.js';
import type { InceptionScore } from './inception-score.js';
import { createOnnxExtractor, type OrtSessionLike, type OrtTensorConstructor } from './extractor.js';
import type { FrechetOptions, FrechetResult } from './frechet.js';
import type { KidOptions, KidResult } from './kid.js';
import { toModelBatch, type PackedImages } from './packed-images.js';
import { FidScorer, type Side } from './scorer.js';
import { decodeStats } from './stats-file.js';

/** The output of a classifier's class logits (webgen's classifiers: 'features' and 'logits'). */
const LOGITS = 'logits';

/** An extractor network before it is opened: its ONNX bytes, the name its features go by, its input size when known. */
export interface ExtractorModel {
  name: string;
  onnx: Uint8Array;
  /** [C, H, W]; undefined for a .onnx file (read from the session, or given). */
  inputShape?: [number, number, number];
}

/** The extractor of a model folder (kind 'classifier' or 'feature-extractor'), named as `webgen fid --extractor DIR` names it. */
export function extractorFromFolder(manifest: Manifest, files: Record<string, Uint8Array>, outputName?: string): ExtractorModel {
  if (manifest.kind !== 'classifier' && manifest.kind !== 'feature-extractor') {
    throw new ModelLoadError(`'${manifest.name}' is a '${manifest.kind}' model; createFidScorer's extractor must be a classifier or feature extractor (e.g. models/mnist-classifier)`);
  }
  const role = 'classifier' in files ? 'classifier' : Object.keys(files)[0]!;
  const { channels, height, width } = manifest.image;
  return { name: `${manifest.name}/${outputName ?? 'features'}`, onnx: files[role]!, inputShape: [channels, height, width] };
}

/** The extractor in a bare .onnx file at `url`, named as `webgen fid --extractor FILE.onnx` names it. */
export function extractorFromOnnx(url: string | URL, bytes: Uint8Array, outputName?: string): ExtractorModel {
  const file = new URL(url, 'file:///').pathname.split('/').pop() || 'extractor.onnx';
  return { name: `${decodeURIComponent(file)}/${outputName ?? 'features'}`, onnx: bytes };
}

/** Options of {@link ImageScorer.create}. */
export interface ImageScorerOptions {
  model: ExtractorModel;
  /** A session over `model.onnx`, and the Tensor constructor of the same onnxruntime. */
  session: OrtSessionLike & { release(): Promise<void> };
  Tensor: OrtTensorConstructor;
  backend: ActiveBackend;
  inception?: boolean;
  outputName?: string;
  inputShape?: readonly [number, number, number];
  kidSamples?: number;
  seed?: number;
  /** Threads of the mean and covariance (FidScorerOptions.threads). Default 2. */
  statsThreads?: 1 | 2;
  /** `.fidstats` bytes of the real side. */
  reference?: Uint8Array;
}

export class ImageScorer {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly scorer: FidScorer,
    private readonly session: { release(): Promise<void> },
    private readonly channels: number,
    readonly info: FidExtractorInfo,
  ) {}

  static async create(o: ImageScorerOptions): Promise<ImageScorer> {
    const inception = o.inception ?? false;
    const inputShape = o.inputShape ?? o.model.inputShape ?? (inception ? [3, 299, 299] : sessionInputShape(o.session, o.model.name));
    if (o.outputName !== undefined && !o.session.outputNames.includes(o.outputName)) {
      throw new InvalidInputError('outputName', `must be one of the extractor's outputs (${o.session.outputNames.join(', ')})`, o.outputName);
    }
    // A classifier's 'logits' ride along with its features (one run): the Inception Score's predictions.
    const logitsName = o.session.outputNames.includes(LOGITS) && o.outputName !== LOGITS ? LOGITS : undefined;
    const extractor = createOnnxExtractor({
      session: o.session,
      Tensor: o.Tensor,
      inputShape,
      preprocess: inception ? 'inception' : 'none',
      name: o.model.name,
      ...(o.outputName !== undefined && { outputName: o.outputName }),
      ...(logitsName && { logitsName }),
    });
    const scorer = await FidScorer.create({ extractor, kidSamples: o.kidSamples ?? 10_000, seed: o.seed ?? 0, threads: o.statsThreads ?? 2 });
    if (o.reference) scorer.loadStats(decodeStats(o.reference, 'reference'), 'real');
    // pytorch-fid's Inception takes RGB (grey pictures repeated); other extractors take their own channel count
    return new ImageScorer(scorer, o.session, inception ? 3 : inputShape[0], { name: o.model.name, inputShape: [...inputShape] as [number, number, number], backend: o.backend, ...(logitsName && { logits: logitsName }) });
  }

  add(side: Side, images: PackedImages): Promise<number> {
    return this.serial(() => {
      const batch = toModelBatch(images, this.channels);
      return side === 'real' ? this.scorer.addReal(batch) : this.scorer.addFake(batch);
    });
  }

  counts(): Promise<Record<Side, number>> {
    return this.serial(async () => this.scorer.counts);
  }

  fid(opts?: FrechetOptions): Promise<FrechetResult> {
    return this.serial(() => this.scorer.fid(opts));
  }

  kid(opts?: KidOptions): Promise<KidResult> {
    return this.serial(() => this.scorer.kid(opts));
  }

  inceptionScore(opts: InceptionScoreRequest = {}): Promise<InceptionScore> {
    return this.serial(async () => this.scorer.inceptionScore(opts.side ?? 'fake', opts.splits !== undefined ? { splits: opts.splits } : {}));
  }

  saveStats(side: Side = 'real', note?: string): Promise<Uint8Array> {
    return this.serial(async () => this.scorer.saveStats(side, note));
  }

  clear(side: Side): Promise<void> {
    return this.serial(async () => this.scorer.clear(side));
  }

  loadStats(side: Side, stats: Uint8Array): Promise<void> {
    return this.serial(async () => this.scorer.loadStats(decodeStats(stats, 'stats'), side));
  }

  async dispose(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.session.release();
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** [C, H, W] of the session's first input, when onnxruntime reports fixed sizes. */
function sessionInputShape(session: OrtSessionLike, name: string): [number, number, number] {
  const meta = (session as { inputMetadata?: readonly OrtValueMetadata[] }).inputMetadata?.[0];
  const dims = meta?.shape?.slice(1);
  if (dims?.length === 3 && dims.every((d) => typeof d === 'number' && d > 0)) return dims as [number, number, number];
  throw new InvalidInputError('inputShape', `must be given for extractor '${name}': its input shape [${meta?.shape?.join(', ') ?? '?'}] is not fixed (e.g. inputShape: [3, 64, 64])`);
}
