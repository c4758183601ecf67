/**
 * createFidScorer for Node: the same API as the browser's, in-process on onnxruntime-node's CPU provider. `extractor`
 * and `reference` are paths (resolved against the working directory) or file:/http(s): URLs.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type * as OrtNode from 'onnxruntime-node';
import { loadOrtNode } from '../node-ort.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { fetchModel } from '../loader/fetch-model.js';
import { readModelFolder } from '../node-model.js';
import type { CreateFidScorerOptions, FidImages, FrechetOptions, FrechetResult, ImageFidScorer, InceptionScore, InceptionScoreRequest, KidOptions, KidResult, Side } from './api-types.js';
import type { OrtSessionLike, OrtTensorConstructor } from './extractor.js';
import { extractorFromFolder, extractorFromOnnx, ImageScorer, type ExtractorModel } from './image-scorer.js';
import { packImages } from './packed-images.js';
import { checkFidScorerOptions, checkSide, extractorUrlOf, inceptionRequest, statsBytes } from './scorer-options.js';

/** Opens a FID scorer over onnxruntime-node (see api-types.ts CreateFidScorerOptions; `backend` may only be 'auto'). */
export async function createFidScorer(options: CreateFidScorerOptions): Promise<ImageFidScorer> {
  const o = checkFidScorerOptions(options, ['auto']);
  const base = pathToFileURL(`${process.cwd()}/`);
  const url = extractorUrlOf(o.extractor, base);
  const isOnnx = url.pathname.toLowerCase().endsWith('.onnx');
  let model: ExtractorModel;
  if (isOnnx) model = extractorFromOnnx(url, await readBytes(url, 'the extractor'), o.outputName);
  else {
    const loaded = url.protocol === 'file:' ? await readModelFolder(url, o.onProgress, 'extractor', ', or a .onnx file') : await fetchModel(url, { cache: false, ...(o.onProgress && { onProgress: o.onProgress }) });
    model = extractorFromFolder(loaded.manifest, loaded.files, o.outputName);
  }
  const reference = o.reference instanceof Uint8Array ? o.reference : o.reference !== undefined ? await readBytes(new URL(String(o.reference), base), 'the reference statistics') : undefined;
  const ort = await loadOrtNode();
  let session: OrtNode.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model.onnx, { executionProviders: ['cpu'], ...(o.threads !== undefined && { intraOpNumThreads: o.threads }) });
  } catch (err) {
    throw new ModelLoadError(`onnxruntime-node cannot load the extractor '${model.name}': ${(err as Error).message}`, { cause: err });
  }
  let scorer: ImageScorer;
  try {
    scorer = await ImageScorer.create({
      model,
      session: session as unknown as OrtSessionLike & { release(): Promise<void> },
      Tensor: ort.Tensor as unknown as OrtTensorConstructor,
      backend: 'cpu',
      inception: o.inception,
      outputName: o.outputName,
      inputShape: o.inputShape,
      kidSamples: o.kidSamples,
      seed: o.seed,
      // threads: 1 means one thread for all of it, the statistics included
      statsThreads: o.threads === 1 ? 1 : 2,
      ...(reference && { reference }),
    });
  } catch (err) {
    await session.release().catch(() => undefined);
    throw err;
  }
  o.onProgress?.({ status: 'ready', file: url.href, loaded: model.onnx.length, total: model.onnx.length, backend: 'cpu' });
  return new LocalFidScorer(scorer);
}

/** An ImageFidScorer in this process. */
class LocalFidScorer implements ImageFidScorer {
  private disposed = false;

  constructor(private readonly scorer: ImageScorer) {}

  get extractor() {
    return this.scorer.info;
  }

  addReal(images: FidImages): Promise<number> {
    return this.call(() => this.scorer.add('real', packImages(images)));
  }

  addFake(images: FidImages): Promise<number> {
    return this.call(() => this.scorer.add('fake', packImages(images)));
  }

  counts(): Promise<Record<Side, number>> {
    return this.call(() => this.scorer.counts());
  }

  fid(options?: FrechetOptions): Promise<FrechetResult> {
    return this.call(() => this.scorer.fid(options));
  }

  kid(options?: KidOptions): Promise<KidResult> {
    return this.call(() => this.scorer.kid(options));
  }

  inceptionScore(options?: InceptionScoreRequest): Promise<InceptionScore> {
    return this.call(() => this.scorer.inceptionScore(inceptionRequest(options)));
  }

  saveStats(side: Side = 'real', note?: string): Promise<Uint8Array> {
    return this.call(() => {
      if (note !== undefined && typeof note !== 'string') throw new InvalidInputError('note', 'must be a string', note);
      return this.scorer.saveStats(checkSide(side), note);
    });
  }

  clear(side: Side): Promise<void> {
    return this.call(() => this.scorer.clear(checkSide(side)));
  }

  loadStats(side: Side, stats: Uint8Array | ArrayBuffer): Promise<void> {
    return this.call(() => this.scorer.loadStats(checkSide(side), statsBytes(stats)));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.scorer.dispose();
  }

  private async call<T>(f: () => Promise<T>): Promise<T> {
    if (this.disposed) throw new ModelLoadError(`the FID scorer of '${this.scorer.info.name}' was disposed; call createFidScorer again`);
    return f();
  }
}

async function readBytes(url: URL, what: string): Promise<Uint8Array> {
  try {
    if (url.protocol === 'file:') return new Uint8Array(await readFile(url));
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    throw new ModelLoadError(`cannot read ${what} ${url.protocol === 'file:' ? url.pathname : url.href}: ${(err as Error).message}`, { cause: err });
  }
}

