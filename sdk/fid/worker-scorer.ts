/**
 * createFidScorer's worker side: the extractor's onnxruntime-web session, the FidScorer and the statistics WebAssembly
 * module all live in the SDK's worker (worker.ts spreads these methods into its comlink API). The page only posts
 * packed images; one scorer per worker. `webgen-stats.wasm` and `ort/` are found beside the worker script.
 */
import { releaseProxy, transfer, type Remote } from 'comlink';
import type * as OrtWeb from 'onnxruntime-web';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { fetchModel } from '../loader/fetch-model.js';
import type { ActiveBackend, Backend, ProgressEvent } from '../types.js';
import type { FidExtractorInfo, FrechetOptions, FrechetResult, KidOptions, KidResult, Side } from './api-types.js';
import type { OrtSessionLike, OrtTensorConstructor } from './extractor.js';
import { extractorFromFolder, extractorFromOnnx, ImageScorer, type ExtractorModel } from './image-scorer.js';
import type { PackedImages } from './packed-images.js';
import { setDefaultStatsWasm, statsModule } from './wasm.js';
import type { OrtBuildUrls, WorkerAssets } from '../worker-assets.js';

type Ort = typeof OrtWeb;
type Callback<T> = ((value: T) => void) | Remote<(value: T) => void>;

/** What worker.ts lends: its onnxruntime-web loader and WebGPU probe, and where its files are. */
export interface FidWorkerContext {
  /** Imports (once) and configures one onnxruntime-web build from its files' URLs. */
  loadOrt(build: 'wasm' | 'webgpu', urls: OrtBuildUrls, threads: number): Promise<Ort>;
  /** Why WebGPU cannot be used here, or undefined when an adapter exists. */
  webgpuUnavailable(): Promise<string | undefined>;
  /** Where the run-time files are, given the request's assetsUrl (worker-assets.ts). */
  assets(assetsUrl: string | undefined): WorkerAssets;
}

/** What the client sends to open a scorer (URLs absolute: the worker's base URL differs from the page's). */
export interface FidOpenRequest {
  /** A model folder's manifest.json, or a .onnx file. */
  extractorUrl: string;
  referenceUrl?: string;
  reference?: Uint8Array;
  inception?: boolean;
  outputName?: string;
  inputShape?: readonly [number, number, number];
  kidSamples?: number;
  seed?: number;
  backend: Backend;
  threads: number | undefined;
  cache: boolean;
  /** Absolute folder URL of a served copy of the package's dist/ (CreateFidScorerOptions.assetsUrl). Default: the bundled files. */
  assetsUrl?: string;
}

async function fetchBytes(url: string, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new ModelLoadError(`cannot fetch ${what} ${url}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new ModelLoadError(`cannot fetch ${what} ${url}: HTTP ${res.status} ${res.statusText}; check the URL`);
  return new Uint8Array(await res.arrayBuffer());
}

/** An onnxruntime-web session over the extractor, on the backend asked for (WebGPU falling back to wasm for 'auto'). */
async function openSession(ctx: FidWorkerContext, req: FidOpenRequest, model: ExtractorModel, threads: number, report: (e: ProgressEvent) => void) {
  const { ort: urls } = ctx.assets(req.assetsUrl);
  const create = async (ort: Ort, backend: 'wasm' | 'webgpu') => ({
    session: (await ort.InferenceSession.create(model.onnx, { executionProviders: [backend], graphOptimizationLevel: 'all' })) as unknown as OrtSessionLike & { release(): Promise<void> },
    Tensor: ort.Tensor as unknown as OrtTensorConstructor,
    backend: backend as ActiveBackend,
  });
  let ort: Ort | undefined;
  if (req.backend !== 'wasm') {
    let failure = await ctx.webgpuUnavailable();
    if (!failure) {
      try {
        ort = await ctx.loadOrt('webgpu', urls.webgpu, threads);
        return await create(ort, 'webgpu');
      } catch (err) {
        failure = `the WebGPU session failed: ${(err as Error).message}`;
      }
    }
    if (req.backend === 'webgpu') throw new BackendUnavailableError('webgpu', failure);
    report({ status: 'backend-fallback', from: 'webgpu', to: 'wasm', reason: failure });
  }
  try {
    ort ??= await ctx.loadOrt('wasm', urls.wasm, threads);
  } catch (err) {
    if (err instanceof BackendUnavailableError) throw err;
    throw new BackendUnavailableError('wasm', `cannot start onnxruntime-web from ${urls.wasm.entry}: ${(err as Error).message}`);
  }
  if (!globalThis.crossOriginIsolated) {
    report({ status: 'warning', code: 'single-threaded', message: 'WebAssembly runs on 1 thread: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' });
  }
  try {
    return await create(ort, 'wasm');
  } catch (err) {
    throw new ModelLoadError(`onnxruntime-web cannot load the extractor '${model.name}': ${(err as Error).message}`, { cause: err });
  }
}

/** The scorer methods of the worker's API. */
export function fidWorkerApi(ctx: FidWorkerContext) {
  let scorer: ImageScorer | undefined;
  const current = (): ImageScorer => {
    if (!scorer) throw new ModelLoadError('no FID scorer is open in this worker (it was disposed); call createFidScorer again');
    return scorer;
  };
  return {
    /** Loads the extractor and the reference statistics; resolves with what the extractor is. */
    async fidOpen(req: FidOpenRequest, onProgress?: Callback<ProgressEvent>): Promise<FidExtractorInfo> {
      try {
        if (scorer) throw new ModelLoadError('this worker already holds a FID scorer');
        const report = (e: ProgressEvent) => void Promise.resolve((onProgress as ((e: ProgressEvent) => unknown) | undefined)?.(e)).catch(() => undefined);
        setDefaultStatsWasm(ctx.assets(req.assetsUrl).statsWasm);
        await statsModule(); // a statistics module that is not there fails createFidScorer, not the first fid()
        const isolated = globalThis.crossOriginIsolated === true;
        const threads = isolated ? (req.threads ?? Math.max(1, Math.min(4, Math.ceil((navigator.hardwareConcurrency || 1) / 2)))) : 1;
        const isOnnx = new URL(req.extractorUrl).pathname.toLowerCase().endsWith('.onnx');
        let model: ExtractorModel;
        if (isOnnx) {
          model = extractorFromOnnx(req.extractorUrl, await fetchBytes(req.extractorUrl, 'the extractor'), req.outputName);
        } else {
          const loaded = await fetchModel(new URL(req.extractorUrl), { cache: req.cache, onProgress: report });
          model = extractorFromFolder(loaded.manifest, loaded.files, req.outputName);
        }
        const reference = req.reference ?? (req.referenceUrl ? await fetchBytes(req.referenceUrl, 'the reference statistics') : undefined);
        const opened = await openSession(ctx, req, model, threads, report);
        try {
          scorer = await ImageScorer.create({ ...opened, model, ...pick(req), ...(reference && { reference }) });
        } catch (err) {
          await opened.session.release().catch(() => undefined);
          throw err;
        }
        report({ status: 'ready', file: req.extractorUrl, loaded: model.onnx.length, total: model.onnx.length, backend: opened.backend });
        return scorer.info;
      } finally {
        try {
          (onProgress as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.();
        } catch {
          /* already released */
        }
      }
    },
    fidAdd(side: Side, images: PackedImages): Promise<number> {
      return current().add(side, images);
    },
    fidCounts(): Promise<Record<Side, number>> {
      return current().counts();
    },
    fidScore(options?: FrechetOptions): Promise<FrechetResult> {
      return current().fid(options);
    },
    fidKid(options?: KidOptions): Promise<KidResult> {
      return current().kid(options);
    },
    async fidSaveStats(side: Side, note?: string): Promise<Uint8Array> {
      const bytes = await current().saveStats(side, note);
      return transfer(bytes, [bytes.buffer as ArrayBuffer]);
    },
    fidLoadStats(side: Side, stats: Uint8Array): Promise<void> {
      return current().loadStats(side, stats);
    },
    async fidDispose(): Promise<void> {
      const s = scorer;
      scorer = undefined;
      await s?.dispose();
    },
  };
}

/** The scorer options of a request. */
function pick(req: FidOpenRequest) {
  const { inception, outputName, inputShape, kidSamples, seed } = req;
  return { inception, outputName, inputShape, kidSamples, seed };
}

/** The worker's FID methods (part of WorkerApi). */
export type FidWorkerApi = ReturnType<typeof fidWorkerApi>;
