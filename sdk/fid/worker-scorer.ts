/**
 * createFidScorer's worker side: the extractor's onnxruntime-web session, the FidScorer and the statistics WebAssembly
 * module all live in the SDK's worker (worker.ts spreads these methods into its comlink API; backends: worker/host.ts).
 * The page only posts packed images; one scorer per worker. `webgen-stats.wasm` and `ort-<version>/` are found beside the worker.
 */
import { transfer } from 'comlink';
import { ModelLoadError } from '../errors/model-load-error.js';
import { fetchModel } from '../loader/fetch-model.js';
import { discardBody } from '../loader/discard-body.js';
import type { ProgressEvent } from '../types.js';
import { workerAssets } from '../worker-assets.js';
import { notifier, openOnBestBackend, probeWebgpu, release, type Callback, type Ort } from '../worker/host.js';
import type { FidOpenRequest } from '../worker/protocol.js';
import type { FidExtractorInfo, FrechetOptions, FrechetResult, InceptionScore, InceptionScoreRequest, KidOptions, KidResult, Side } from './api-types.js';
import type { OrtSessionLike, OrtTensorConstructor } from './extractor.js';
import { extractorFromFolder, extractorFromOnnx, ImageScorer, type ExtractorModel } from './image-scorer.js';
import type { PackedImages } from './packed-images.js';
import { gramHelper } from './gram-helper.js';
import { setGramHelper } from './stats.js';
import { setDefaultStatsWasm, statsModule } from './wasm.js';

// the covariance accumulation's second thread: a nested worker where the page is cross-origin isolated
setGramHelper(gramHelper);

async function fetchBytes(url: string, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new ModelLoadError(`cannot fetch ${what} ${url}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) {
    discardBody(res);
    throw new ModelLoadError(`cannot fetch ${what} ${url}: HTTP ${res.status} ${res.statusText}; check the URL`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

/** An onnxruntime-web session over the extractor, on the best backend (worker/host.ts). */
async function openSession(req: FidOpenRequest, model: ExtractorModel, threads: number, report: (e: ProgressEvent) => void) {
  const { value, backend } = await openOnBestBackend({
    backend: req.backend,
    assetsUrl: req.assetsUrl,
    threads,
    probe: await probeWebgpu(req.backend),
    report,
    open: async (ort: Ort, backend) => {
      try {
        return {
          session: (await ort.InferenceSession.create(model.onnx, { executionProviders: [backend], graphOptimizationLevel: 'all' })) as unknown as OrtSessionLike & { release(): Promise<void> },
          Tensor: ort.Tensor as unknown as OrtTensorConstructor,
        };
      } catch (err) {
        // On WebGPU any failure falls back to WebAssembly; there, the extractor itself is at fault.
        if (backend === 'webgpu') throw err;
        throw new ModelLoadError(`onnxruntime-web cannot load the extractor '${model.name}': ${(err as Error).message}`, { cause: err });
      }
    },
  });
  return { ...value, backend };
}

/** The scorer methods of the worker's API. */
export function fidWorkerApi() {
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
        const progress = notifier(onProgress);
        const report = (e: ProgressEvent) => progress.report(e);
        setDefaultStatsWasm(workerAssets(req.assetsUrl).statsWasm);
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
        const opened = await openSession(req, model, threads, report);
        try {
          scorer = await ImageScorer.create({ ...opened, model, ...pick(req), statsThreads: req.threads === 1 ? 1 : 2, ...(reference && { reference }) });
        } catch (err) {
          await opened.session.release().catch(() => undefined);
          throw err;
        }
        report({ status: 'ready', file: req.extractorUrl, loaded: model.onnx.length, total: model.onnx.length, backend: opened.backend });
        await progress.settled(); // 'ready' reaches the caller before the open resolves
        return scorer.info;
      } finally {
        release(onProgress);
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
    fidInceptionScore(options: InceptionScoreRequest): Promise<InceptionScore> {
      return current().inceptionScore(options);
    },
    async fidSaveStats(side: Side, note?: string): Promise<Uint8Array> {
      const bytes = await current().saveStats(side, note);
      return transfer(bytes, [bytes.buffer as ArrayBuffer]);
    },
    fidClear(side: Side): Promise<void> {
      return current().clear(side);
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
