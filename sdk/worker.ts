/**
 * The SDK's dedicated worker (its own entry, dist/worker.js): onnxruntime-web is imported here, never on the main
 * thread. Exposed with comlink; the clients' type is derived from `WorkerApi`. One model per worker: a diffusion
 * generator, a GAN generator, an autoencoder, a CLIP model, a classifier, a translator or a FID scorer. Backends, onnxruntime-web and callbacks: worker/host.ts; the requests'
 * types: worker/protocol.ts.
 */
import { expose, transfer } from 'comlink';
import { AbortError } from './errors/abort-error.js';
import { ModelLoadError } from './errors/model-load-error.js';
import { fidWorkerApi } from './fid/worker-scorer.js';
import { AutoencoderEngine } from './autoencoder/autoencoder-engine.js';
import type { Latents } from './autoencoder/types.js';
import { ClassifierEngine, type ClassifierOutputs } from './classifier/classifier-engine.js';
import { ClipEngine } from './clip/clip-engine.js';
import type { Embeddings } from './clip/types.js';
import { GanEngine } from './gan/gan-engine.js';
import { TranslatorEngine } from './translator/translator-engine.js';
import { DiffusionEngine, type EngineImage } from './generator/engine.js';
import type { OrtRuntime } from './generator/runtime.js';
import { checkPrecision, choosePrecision } from './loader/choose-precision.js';
import { fetchFiles, fetchManifest } from './loader/fetch-model.js';
import { validateManifest } from './manifest/validate-manifest.js';
import type { Manifest } from './manifest/types.js';
import type { ActiveBackend, ProgressEvent, StepInfo } from './types.js';
import { notifier, openOnBestBackend, probeWebgpu, release, runtimeOf, type Callback } from './worker/host.js';
import type { AutoencoderDecodeRequest, AutoencoderEncodeRequest, ClassifyRequest, ClipImagesRequest, ClipTokensRequest, GanGenerateRequest, GanInterpolateRequest, GanMixRequest, Img2ImgRequest, LoadRequest, LoadResult, SampleRequest, TextToImageRequest, TranslateRequest } from './worker/protocol.js';
import './worker/protocol.js';

let engine: DiffusionEngine | undefined;
let gan: GanEngine | undefined;
let autoencoder: AutoencoderEngine | undefined;
let clip: ClipEngine | undefined;
let classifier: ClassifierEngine | undefined;
let translator: TranslatorEngine | undefined;
const controllers = new Map<number, AbortController>();

/** What the worker holds: a model opened on one runtime (DiffusionEngine, GanEngine). */
interface Engine {
  readonly backend: ActiveBackend;
  warmUp(): Promise<void>;
  dispose(): Promise<void>;
}

function transferImages<T extends EngineImage | EngineImage[]>(result: T): T {
  const list = Array.isArray(result) ? result : [result];
  return transfer(result, list.flatMap((r) => [r.data.buffer as ArrayBuffer, r.values.buffer as ArrayBuffer]));
}

/** Runs call `id` with its abort controller (see api.abort). */
async function withController<T>(id: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    return await run(controller.signal);
  } finally {
    controllers.delete(id);
  }
}

/** Transfers (rather than copies) the Float32Array of latents or embeddings. */
function transferData<T extends { data: Float32Array }>(result: T): T {
  return transfer(result, [result.data.buffer as ArrayBuffer]);
}

/**
 * Runs call `id` on the one-engine model this worker holds (`held`: a GanEngine, AutoencoderEngine, ClipEngine), or
 * rejects with ModelLoadError when there is none (`what` and `create` name it and how to make a new one).
 */
function engineCall<E, T>(held: E | undefined, what: string, create: string, id: number, run: (e: E, signal: AbortSignal) => Promise<T>): Promise<T> {
  if (!held) return Promise.reject(new ModelLoadError(`no ${what} is loaded in this worker (it was disposed); create a new one with ${create}`));
  return withController(id, (signal) => run(held, signal));
}

/** Runs one GAN call. */
function ganCall(id: number, run: (g: GanEngine, signal: AbortSignal) => Promise<EngineImage[]>): Promise<EngineImage[]> {
  return engineCall(gan, 'GAN', 'createGan', id, async (g, signal) => transferImages(await run(g, signal)));
}

/** Runs one generation call with its step callback. */
async function generation<T extends EngineImage | EngineImage[]>(id: number, options: object | undefined, onStep: Callback<StepInfo> | undefined, run: (e: DiffusionEngine, o: Record<string, unknown>) => Promise<T>): Promise<T> {
  try {
    const e = engine;
    if (!e) throw new ModelLoadError('no model is loaded in this worker (it was disposed); create a new generator');
    const steps = notifier(onStep);
    return await withController(id, async (signal) => {
      const o = { ...options, signal, ...(onStep && { onStep: (s: StepInfo) => steps.report(s) }) };
      const images = await run(e, o);
      await steps.settled(); // the caller sees the last step before the result
      return transferImages(images);
    });
  } finally {
    release(onStep);
  }
}

/**
 * Fetches the manifest, picks the files to load (choose-precision.ts: float16 variants on WebGPU with 'shader-f16'
 * under 'auto'), fetches and verifies those only, then opens them with `create` on the best backend and gives the
 * engine to `hold` (which keeps it for the calls); reports 'ready'. Resolves with what the client learns of the load.
 */
async function openModel<E extends Engine>(
  req: LoadRequest,
  onProgress: Callback<ProgressEvent> | undefined,
  create: (manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime) => Promise<E>,
  hold: (engine: E) => void,
): Promise<LoadResult> {
  try {
    if (engine || gan || autoencoder || clip) throw new ModelLoadError('this worker already holds a model');
    const progress = notifier(onProgress);
    const report = (e: ProgressEvent) => progress.report(e);
    const isolated = globalThis.crossOriginIsolated === true;
    // Every core up to 4 (onnxruntime-web's own default takes half of them): generation runs in this worker while the
    // page mostly waits, and on a 2-core machine the second thread makes a 20-step guided DDIM 1.7x faster (npm run bench).
    const threads = isolated ? (req.threads ?? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))) : 1;
    const requested = checkPrecision(req.precision);
    const url = new URL(req.manifestUrl);
    // One fetch per load: a manifest the page already read (GeneratorOptions.manifest) is validated, not fetched again.
    const manifest = req.manifest !== undefined ? validateManifest(req.manifest) : await fetchManifest(url);
    const probe = await probeWebgpu(req.backend);
    // Chosen for the backend tried first: a WebGPU session that then falls back runs the same files on WebAssembly.
    const choice = choosePrecision(requested, { backend: probe.reason === undefined ? 'webgpu' : 'wasm', shaderF16: probe.shaderF16 }, manifest);
    const files = await fetchFiles(url, choice.files, { cache: req.cache, onProgress: report });
    const { value: e } = await openOnBestBackend({
      backend: req.backend,
      assetsUrl: req.assetsUrl,
      threads,
      probe,
      report,
      open: (ort, backend) => create(manifest, files, runtimeOf(ort, backend, manifest.name)),
      check: (e) => e.warmUp(),
      release: (e) => e.dispose(),
    });
    const total = Object.values(choice.files).reduce((n, f) => n + f.bytes, 0);
    report({ status: 'ready', file: req.manifestUrl, loaded: total, total, backend: e.backend, precision: choice.precision });
    await progress.settled(); // 'ready' reaches the caller before the load resolves
    hold(e);
    return { manifest, backend: e.backend, precision: choice.precision };
  } finally {
    release(onProgress);
  }
}

const api = {
  /** Fetches, verifies and opens the model; resolves with its manifest and the backend chosen. */
  load(req: LoadRequest, onProgress?: Callback<ProgressEvent>): Promise<LoadResult> {
    return openModel(req, onProgress, DiffusionEngine.create, (e) => (engine = e));
  },
  /** As load, for a GAN generator (createGan). */
  loadGan(req: LoadRequest, onProgress?: Callback<ProgressEvent>): Promise<LoadResult> {
    return openModel(req, onProgress, GanEngine.create, (e) => (gan = e));
  },
  /** As load, for an autoencoder (createAutoencoder). */
  loadAutoencoder(req: LoadRequest, onProgress?: Callback<ProgressEvent>): Promise<LoadResult> {
    return openModel(req, onProgress, AutoencoderEngine.create, (e) => (autoencoder = e));
  },
  /** The autoencoder's encoder over a batch of RGBA images. */
  encode(id: number, req: AutoencoderEncodeRequest): Promise<Latents> {
    return engineCall(autoencoder, 'autoencoder', 'createAutoencoder', id, async (a, signal) => transferData(await a.encode(req?.images, signal)));
  },
  /** The autoencoder's decoder over a batch of latents. */
  decode(id: number, req: AutoencoderDecodeRequest): Promise<EngineImage[]> {
    return engineCall(autoencoder, 'autoencoder', 'createAutoencoder', id, async (a, signal) => transferImages(await a.decode(req?.latents, signal)));
  },
  /** As load, for a CLIP model (createClip). */
  loadClip(req: LoadRequest, onProgress?: Callback<ProgressEvent>): Promise<LoadResult> {
    return openModel(req, onProgress, ClipEngine.create, (e) => (clip = e));
  },
  /** The CLIP image encoder over a batch of RGBA images. */
  clipImages(id: number, req: ClipImagesRequest): Promise<Embeddings> {
    return engineCall(clip, 'CLIP model', 'createClip', id, async (c, signal) => transferData(await c.embedImages(req?.images, signal)));
  },
  /** The CLIP text encoder over a batch of token ids. */
  clipTokens(id: number, req: ClipTokensRequest): Promise<Embeddings> {
    return engineCall(clip, 'CLIP model', 'createClip', id, async (c, signal) => transferData(await c.embedTokens(req?.ids, signal)));
  },
  /** As load, for a classifier (createClassifier). */
  loadClassifier(req: LoadRequest, onProgress?: Callback<ProgressEvent>): Promise<LoadResult> {
    return openModel(req, onProgress, ClassifierEngine.create, (e) => (classifier = e));
  },
  /** The classifier over a batch of RGBA images: logits, and the Grad-CAM maps when asked. */
  classify(id: number, req: ClassifyRequest): Promise<ClassifierOutputs> {
    return engineCall(classifier, 'classifier', 'createClassifier', id, (c, signal) => c.run(req?.images, req?.withMaps === true, signal));
  },
  /** As load, for a translator (createTranslator). */
  loadTranslator(req: LoadRequest, onProgress?: Callback<ProgressEvent>): Promise<LoadResult> {
    return openModel(req, onProgress, TranslatorEngine.create, (e) => (translator = e));
  },
  /** The translation of one RGBA picture. */
  translate(id: number, req: TranslateRequest): Promise<EngineImage> {
    return engineCall(translator, 'translator', 'createTranslator', id, async (t, signal) => transferImages(await t.translate(req?.image, signal)));
  },
  /** One GAN forward pass over the call's latents. */
  generate(id: number, options: GanGenerateRequest | undefined): Promise<EngineImage[]> {
    return ganCall(id, (g, signal) => g.generate({ ...options, signal }));
  },
  /** The frames of a latent interpolation. */
  interpolate(id: number, options: GanInterpolateRequest | undefined): Promise<EngineImage[]> {
    return ganCall(id, (g, signal) => g.interpolate(options && { ...options, signal }));
  },
  /** Style mixing of two latents (a style-based generator). */
  mix(id: number, options: GanMixRequest | undefined): Promise<EngineImage[]> {
    return ganCall(id, (g, signal) => g.mix(options && { ...options, signal }));
  },
  sample(id: number, options: SampleRequest | undefined, onStep?: Callback<StepInfo>): Promise<EngineImage[]> {
    return generation(id, options, onStep, (e, o) => e.sample(o));
  },
  textToImage(id: number, options: TextToImageRequest | undefined, onStep?: Callback<StepInfo>): Promise<EngineImage> {
    return generation(id, options, onStep, (e, o) => e.textToImage(o));
  },
  img2img(id: number, options: Img2ImgRequest, onStep?: Callback<StepInfo>): Promise<EngineImage> {
    return generation(id, options, onStep, (e, o) => e.img2img(o));
  },
  /** Stops call `id` between two steps (or before it starts). */
  abort(id: number): void {
    controllers.get(id)?.abort(new AbortError());
  },
  async dispose(): Promise<void> {
    const e = engine;
    const g = gan;
    const a = autoencoder;
    const c = clip;
    const k = classifier;
    const t = translator;
    engine = undefined;
    gan = undefined;
    autoencoder = undefined;
    clip = undefined;
    classifier = undefined;
    translator = undefined;
    for (const controller of controllers.values()) controller.abort(new AbortError('the generator was disposed'));
    await Promise.all([e?.dispose(), g?.dispose(), a?.dispose(), c?.dispose(), k?.dispose(), t?.dispose()]);
  },
  // createFidScorer's methods (fid*).
  ...fidWorkerApi(),
};

/** The worker's API; the clients' type is derived from it (`Remote<WorkerApi>`). */
export type WorkerApi = typeof api;

expose(api);
