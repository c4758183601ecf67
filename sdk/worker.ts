/**
 * The SDK's dedicated worker: onnxruntime-web is imported here, never on the main thread. Exposed with comlink;
 * client.ts derives its type from `WorkerApi`. One model per worker.
 *
 * onnxruntime-web is loaded at run time from the `ort/` folder the build copies beside this file (never a CDN):
 * `ort.wasm.min.mjs` (+ ort-wasm-simd-threaded.{mjs,wasm}) for WebAssembly, `ort.min.mjs` (+ the .jsep files) when
 * WebGPU is tried. Each file's URL comes from worker-assets.ts (what the app's bundler made of it, or `assetsUrl`), and
 * `env.wasm.wasmPaths` names the glue and .wasm files one by one, so hashed names work.
 */
import { expose, releaseProxy, transfer, type Remote } from 'comlink';
import type * as OrtWeb from 'onnxruntime-web';
import { AbortError } from './errors/abort-error.js';
import { BackendUnavailableError } from './errors/backend-unavailable-error.js';
import { ModelLoadError } from './errors/model-load-error.js';
import { fidWorkerApi } from './fid/worker-scorer.js';
import { GanEngine } from './gan/gan-engine.js';
import { DiffusionEngine, type EngineImage } from './generator/engine.js';
import type { OrtRuntime, OrtSessionLike, OrtTensorLike } from './generator/runtime.js';
import { checkPrecision, choosePrecision } from './loader/choose-precision.js';
import { fetchFiles, fetchManifest } from './loader/fetch-model.js';
import { ASSETS_HINT, describeImportFailure, fetchWasm } from './loader/fetch-wasm.js';
import type { Manifest } from './manifest/types.js';
import type { ActiveBackend, Precision, ProgressEvent, StepInfo } from './types.js';
import type { LoadRequest, LoadResult } from './worker-protocol.js';
import './worker-protocol.js';
import { workerAssets, type OrtBuildUrls } from './worker-assets.js';

type Ort = typeof OrtWeb;
type Callback<T> = ((value: T) => void) | Remote<(value: T) => void>;

let engine: DiffusionEngine | undefined;
let gan: GanEngine | undefined;
const controllers = new Map<number, AbortController>();
const modules = new Map<string, Promise<Ort>>();

/**
 * Imports one onnxruntime-web build and configures it (once per build). Its WebAssembly is fetched here (fetchWasm), so a
 * 404 or an HTML answer is an error naming the URL and status, and handed over as `wasmBinary`.
 */
function loadOrt(build: 'wasm' | 'webgpu', urls: OrtBuildUrls, threads: number): Promise<Ort> {
  let m = modules.get(build);
  if (!m) {
    m = (async () => {
      const binary = fetchWasm(urls.wasm);
      binary.catch(() => undefined);
      let ort: Ort;
      try {
        ort = (await import(/* @vite-ignore */ /* webpackIgnore: true */ urls.entry)) as Ort;
      } catch (err) {
        throw new BackendUnavailableError(build === 'webgpu' ? 'webgpu' : 'wasm', `cannot load onnxruntime-web: ${await describeImportFailure(urls.entry, err)}; ${ASSETS_HINT}`);
      }
      let wasmBinary: ArrayBuffer;
      try {
        wasmBinary = await binary;
      } catch (err) {
        throw new BackendUnavailableError(build === 'webgpu' ? 'webgpu' : 'wasm', `cannot load onnxruntime-web's WebAssembly: ${(err as Error).message}; ${ASSETS_HINT}`);
      }
      ort.env.wasm.wasmPaths = { mjs: urls.mjs, wasm: urls.wasm };
      ort.env.wasm.wasmBinary = wasmBinary;
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = false; // already off the main thread
      ort.env.logLevel = 'error';
      return ort;
    })();
    modules.set(build, m);
    m.catch(() => modules.delete(build));
  }
  return m;
}

/** A macrotask turn without setTimeout's 4 ms clamp: lets the abort message in between two steps. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function runtimeOf(ort: Ort, backend: 'wasm' | 'webgpu', modelName: string): OrtRuntime {
  return {
    backend,
    yieldToEvents,
    tensor: (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => new ort.Tensor(type, data, dims) as unknown as OrtTensorLike,
    createSession: async (bytes: Uint8Array, role: string) => {
      try {
        return (await ort.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: 'all' })) as unknown as OrtSessionLike;
      } catch (err) {
        const msg = (err as Error).message ?? String(err);
        if (backend === 'webgpu' || /no available backend|backend not found|failed to fetch|dynamically imported module|WebAssembly/i.test(msg)) {
          throw new BackendUnavailableError(backend, `onnxruntime-web could not start a session: ${msg}`);
        }
        throw new ModelLoadError(`onnxruntime-web cannot load files.${role} of '${modelName}': ${msg}`, { cause: err });
      }
    },
  } as OrtRuntime;
}

/** What WebGPU offers here: `reason` it cannot be used (undefined when an adapter exists), and whether the adapter has 'shader-f16'. */
interface WebgpuProbe {
  reason: string | undefined;
  shaderF16: boolean;
}

async function probeWebgpu(): Promise<WebgpuProbe> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features?: ReadonlySet<string> } | null> } }).gpu;
  if (!gpu) return { reason: 'navigator.gpu is missing (this browser or context has no WebGPU)', shaderF16: false };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { reason: undefined, shaderF16: adapter.features?.has('shader-f16') === true } : { reason: 'navigator.gpu.requestAdapter() found no adapter', shaderF16: false };
  } catch (err) {
    return { reason: `navigator.gpu.requestAdapter() failed: ${(err as Error).message}`, shaderF16: false };
  }
}

/** Why WebGPU cannot be used here, or undefined when an adapter exists. */
async function webgpuUnavailable(): Promise<string | undefined> {
  return (await probeWebgpu()).reason;
}

/** What the worker holds: a model opened on one runtime (DiffusionEngine, GanEngine). */
interface Engine {
  readonly backend: ActiveBackend;
  warmUp(): Promise<void>;
  dispose(): Promise<void>;
}

/** Opens the model with `open` on WebGPU (warmed up) when asked and possible (`probe`), else on WebAssembly. */
async function createEngine<E extends Engine>(req: LoadRequest, manifest: Manifest, threads: number, report: (e: ProgressEvent) => void, open: (runtime: OrtRuntime) => Promise<E>, probe: WebgpuProbe): Promise<E> {
  const { ort: urls } = workerAssets(req.assetsUrl);
  let ort: Ort | undefined;
  if (req.backend !== 'wasm') {
    const reason = probe.reason;
    let failure = reason;
    if (!reason) {
      try {
        ort = await loadOrt('webgpu', urls.webgpu, threads);
        const e = await open(runtimeOf(ort, 'webgpu', manifest.name));
        try {
          await e.warmUp();
        } catch (err) {
          await e.dispose();
          throw err;
        }
        return e;
      } catch (err) {
        if (err instanceof ModelLoadError) throw err; // the model is at fault, not the backend
        failure = `the WebGPU session failed: ${(err as Error).message}`;
      }
    }
    if (req.backend === 'webgpu') throw new BackendUnavailableError('webgpu', failure!);
    report({ status: 'backend-fallback', from: 'webgpu', to: 'wasm', reason: failure! });
  }
  // The JSEP build (already loaded for a failed WebGPU try) runs WebAssembly just as well.
  if (!ort) {
    try {
      ort = await loadOrt('wasm', urls.wasm, threads);
    } catch (err) {
      if (err instanceof BackendUnavailableError) throw err;
      throw new BackendUnavailableError('wasm', `cannot start onnxruntime-web from ${urls.wasm.entry}: ${(err as Error).message}`);
    }
  }
  if (!globalThis.crossOriginIsolated) {
    report({ status: 'warning', code: 'single-threaded', message: 'WebAssembly runs on 1 thread: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' });
  }
  return open(runtimeOf(ort, 'wasm', manifest.name));
}

function call(cb: Callback<never> | undefined, value: unknown): void {
  if (cb) void Promise.resolve((cb as (v: unknown) => unknown)(value)).catch(() => undefined);
}

function release(cb: unknown): void {
  const r = cb as { [releaseProxy]?: () => void } | undefined;
  try {
    r?.[releaseProxy]?.();
  } catch {
    /* already released */
  }
}

function transferImages<T extends EngineImage | EngineImage[]>(result: T): T {
  const list = Array.isArray(result) ? result : [result];
  return transfer(result, list.map((r) => r.data.buffer as ArrayBuffer));
}

/** Runs one GAN call with its abort controller. */
async function ganCall(id: number, run: (g: GanEngine, signal: AbortSignal) => Promise<EngineImage[]>): Promise<EngineImage[]> {
  if (!gan) throw new ModelLoadError('no GAN is loaded in this worker (it was disposed); create a new one with createGan');
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    return transferImages(await run(gan, controller.signal));
  } finally {
    controllers.delete(id);
  }
}

/** Runs one generation call with its abort controller and step callback. */
async function generation<T extends EngineImage | EngineImage[]>(
  id: number,
  options: Record<string, unknown> | undefined,
  onStep: Callback<StepInfo> | undefined,
  run: (e: DiffusionEngine, o: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  if (!engine) throw new ModelLoadError('no model is loaded in this worker (it was disposed); create a new generator');
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    const o = { ...options, signal: controller.signal, ...(onStep && { onStep: (s: StepInfo) => call(onStep as Callback<never>, s) }) };
    return transferImages(await run(engine, o));
  } finally {
    controllers.delete(id);
    release(onStep);
  }
}

/**
 * Fetches the manifest, picks the files to load (choose-precision.ts: float16 variants on WebGPU with 'shader-f16'
 * under 'auto'), fetches and verifies those only, then opens them with `open` (see createEngine); reports 'ready'.
 */
async function openModel<E extends Engine>(
  req: LoadRequest,
  onProgress: Callback<ProgressEvent> | undefined,
  open: (manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime) => Promise<E>,
): Promise<{ engine: E; manifest: Manifest; precision: Precision }> {
  try {
    if (engine || gan) throw new ModelLoadError('this worker already holds a model');
    const report = (e: ProgressEvent) => call(onProgress as Callback<never>, e);
    const isolated = globalThis.crossOriginIsolated === true;
    // Every core up to 4 (onnxruntime-web's own default takes half of them): generation runs in this worker while the
    // page mostly waits, and on a 2-core machine the second thread makes a 20-step guided DDIM 1.7x faster (npm run bench).
    const threads = req.threads ?? (isolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1);
    const requested = checkPrecision(req.precision);
    const url = new URL(req.manifestUrl);
    const manifest = await fetchManifest(url);
    const probe: WebgpuProbe = req.backend === 'wasm' ? { reason: 'not asked for', shaderF16: false } : await probeWebgpu();
    // Chosen for the backend tried first: a WebGPU session that then falls back runs the same files on WebAssembly.
    const choice = choosePrecision(requested, { backend: probe.reason === undefined ? 'webgpu' : 'wasm', shaderF16: probe.shaderF16 }, manifest);
    const files = await fetchFiles(url, choice.files, { cache: req.cache, onProgress: report });
    const e = await createEngine(req, manifest, isolated ? threads : 1, report, (rt) => open(manifest, files, rt), probe);
    const total = Object.values(choice.files).reduce((n, f) => n + f.bytes, 0);
    report({ status: 'ready', file: req.manifestUrl, loaded: total, total, backend: e.backend, precision: choice.precision });
    return { engine: e, manifest, precision: choice.precision };
  } finally {
    release(onProgress);
  }
}

const api = {
  /** Fetches, verifies and opens the model; resolves with its manifest and the backend chosen. */
  async load(req: LoadRequest, onProgress?: Callback<ProgressEvent>): Promise<LoadResult> {
    const r = await openModel(req, onProgress, DiffusionEngine.create);
    engine = r.engine;
    return { manifest: r.manifest, backend: r.engine.backend, precision: r.precision };
  },
  /** As load, for a GAN generator (createGan). */
  async loadGan(req: LoadRequest, onProgress?: Callback<ProgressEvent>): Promise<LoadResult> {
    const r = await openModel(req, onProgress, GanEngine.create);
    gan = r.engine;
    return { manifest: r.manifest, backend: r.engine.backend, precision: r.precision };
  },
  /** One GAN forward pass over the call's latents (gan/types.ts GanGenerateOptions, without the signal). */
  generate(id: number, options: Record<string, unknown> | undefined): Promise<EngineImage[]> {
    return ganCall(id, (g, signal) => g.generate({ ...options, signal }));
  },
  /** The frames of a latent interpolation (gan/types.ts GanInterpolateOptions, without the signal). */
  interpolate(id: number, options: Record<string, unknown> | undefined): Promise<EngineImage[]> {
    return ganCall(id, (g, signal) => g.interpolate(options && { ...options, signal }));
  },
  sample(id: number, options: Record<string, unknown> | undefined, onStep?: Callback<StepInfo>): Promise<EngineImage[]> {
    return generation(id, options, onStep, (e, o) => e.sample(o));
  },
  textToImage(id: number, options: Record<string, unknown> | undefined, onStep?: Callback<StepInfo>): Promise<EngineImage> {
    return generation(id, options, onStep, (e, o) => e.textToImage(o));
  },
  img2img(id: number, options: Record<string, unknown> | undefined, onStep?: Callback<StepInfo>): Promise<EngineImage> {
    return generation(id, options, onStep, (e, o) => e.img2img(o));
  },
  /** Stops call `id` between two steps (or before it starts). */
  abort(id: number): void {
    controllers.get(id)?.abort(new AbortError());
  },
  async dispose(): Promise<void> {
    const e = engine;
    const g = gan;
    engine = undefined;
    gan = undefined;
    for (const c of controllers.values()) c.abort(new AbortError('the generator was disposed'));
    await Promise.all([e?.dispose(), g?.dispose()]);
  },
  // createFidScorer's methods (fid*): the extractor, and the statistics module of worker-assets.ts.
  ...fidWorkerApi({ loadOrt, webgpuUnavailable, assets: workerAssets }),
};

/** The worker's API; the client's type is derived from it (`Remote<WorkerApi>`). */
export type WorkerApi = typeof api;

expose(api);
