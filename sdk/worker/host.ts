/**
 * The worker's side of the boundary, shared by every model kind it hosts: onnxruntime-web imported and configured from
 * the package's own files (never a CDN), the WebGPU probe, and the one place a model is opened on the best backend —
 * WebGPU (warmed up) when asked and possible, else WebAssembly, with one 'backend-fallback' event saying why.
 *
 * onnxruntime-web is loaded at run time from the `ort-<version>/` folder (worker-assets.ts ORT_FOLDER) the build copies beside the worker: `ort.wasm.min.mjs`
 * (+ ort-wasm-simd-threaded.{mjs,wasm}) for WebAssembly, `ort.min.mjs` (+ the .jsep files) when WebGPU is tried. Each
 * file's URL comes from worker-assets.ts (what the app's bundler made of it, or `assetsUrl`), and
 * `env.wasm.wasmPaths` names the glue and .wasm files one by one, so hashed names work.
 */
import { releaseProxy, type Remote } from 'comlink';
import type * as OrtWeb from 'onnxruntime-web';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import type { OrtRuntime, OrtSessionLike, OrtTensorLike } from '../generator/runtime.js';
import { ASSETS_HINT, describeImportFailure, fetchWasm } from '../loader/fetch-wasm.js';
import type { Backend, ProgressEvent } from '../types.js';
import { workerAssets, type OrtBuildUrls } from '../worker-assets.js';

export type Ort = typeof OrtWeb;
/** A callback from the main thread: a comlink proxy (or, in tests, a plain function). */
export type Callback<T> = ((value: T) => void) | Remote<(value: T) => void>;

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

/** The OrtRuntime the engines run on, over one onnxruntime-web build and execution provider. */
export function runtimeOf(ort: Ort, backend: 'wasm' | 'webgpu', modelName: string): OrtRuntime {
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
export interface WebgpuProbe {
  reason: string | undefined;
  shaderF16: boolean;
}

/** Asks for a WebGPU adapter (a `backend` of 'wasm' asks nothing). */
export async function probeWebgpu(backend: Backend): Promise<WebgpuProbe> {
  if (backend === 'wasm') return { reason: 'not asked for', shaderF16: false };
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features?: ReadonlySet<string> } | null> } }).gpu;
  if (!gpu) return { reason: 'navigator.gpu is missing (this browser or context has no WebGPU)', shaderF16: false };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { reason: undefined, shaderF16: adapter.features?.has('shader-f16') === true } : { reason: 'navigator.gpu.requestAdapter() found no adapter', shaderF16: false };
  } catch (err) {
    return { reason: `navigator.gpu.requestAdapter() failed: ${(err as Error).message}`, shaderF16: false };
  }
}

/** How to open one model: on which backends, with what, and what to do with a WebGPU result before trusting it. */
export interface OpenPlan<E> {
  /** The backend asked for: 'webgpu' fails without WebGPU, 'auto' falls back, 'wasm' never tries WebGPU. */
  backend: Backend;
  /** GeneratorOptions.assetsUrl, resolved. */
  assetsUrl: string | undefined;
  /** WebAssembly threads (1 unless the page is cross-origin isolated). */
  threads: number;
  probe: WebgpuProbe;
  report: (e: ProgressEvent) => void;
  /** Opens the model on one build and execution provider. A ModelLoadError means the model is at fault: no fallback. */
  open(ort: Ort, backend: 'webgpu' | 'wasm'): Promise<E>;
  /** Runs once on a WebGPU result (a warm-up pass); a failure falls back like a failed open. */
  check?(e: E): Promise<void>;
  /** Releases a result that failed `check`. */
  release?(e: E): Promise<void>;
}

/** Opens a model on WebGPU when asked and possible, else on WebAssembly (see OpenPlan). */
export async function openOnBestBackend<E>(plan: OpenPlan<E>): Promise<{ value: E; backend: 'webgpu' | 'wasm' }> {
  const { ort: urls } = workerAssets(plan.assetsUrl);
  let ort: Ort | undefined;
  if (plan.backend !== 'wasm') {
    let failure = plan.probe.reason;
    if (!failure) {
      try {
        ort = await loadOrt('webgpu', urls.webgpu, plan.threads);
        const value = await plan.open(ort, 'webgpu');
        try {
          await plan.check?.(value);
        } catch (err) {
          await plan.release?.(value);
          throw err;
        }
        return { value, backend: 'webgpu' };
      } catch (err) {
        if (err instanceof ModelLoadError) throw err; // the model is at fault, not the backend
        failure = `the WebGPU session failed: ${(err as Error).message}`;
      }
    }
    if (plan.backend === 'webgpu') throw new BackendUnavailableError('webgpu', failure);
    plan.report({ status: 'backend-fallback', from: 'webgpu', to: 'wasm', reason: failure });
  }
  // The JSEP build (already loaded for a failed WebGPU try) runs WebAssembly just as well.
  if (!ort) {
    try {
      ort = await loadOrt('wasm', urls.wasm, plan.threads);
    } catch (err) {
      if (err instanceof BackendUnavailableError) throw err;
      throw new BackendUnavailableError('wasm', `cannot start onnxruntime-web from ${urls.wasm.entry}: ${(err as Error).message}`);
    }
  }
  if (!globalThis.crossOriginIsolated) {
    plan.report({ status: 'warning', code: 'single-threaded', message: 'WebAssembly runs on 1 thread: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' });
  }
  return { value: await plan.open(ort, 'wasm'), backend: 'wasm' };
}

/** A main-thread callback as the worker calls it: `report` does not wait; `settled` waits for every report so far. */
export interface Notifier<T> {
  report(value: T): void;
  /** Resolves once the main thread has run every report made so far (never rejects). */
  settled(): Promise<void>;
}

/**
 * Wraps a main-thread callback (a comlink proxy, or undefined). A callback that throws is its own business. A call
 * awaits `settled()` before it returns: the callback's port and the call's port are not ordered with each other, so
 * without it the caller could see the result before the last progress or step event.
 */
export function notifier<T>(cb: Callback<T> | undefined): Notifier<T> {
  let last: Promise<void> = Promise.resolve();
  return {
    report(value) {
      if (!cb) return;
      // Messages on one port are handled in order, so the last report's reply comes after every earlier one's.
      last = Promise.resolve((cb as (v: T) => unknown)(value)).then(
        () => undefined,
        () => undefined,
      );
    },
    settled: () => last,
  };
}

/** Releases a comlink callback proxy (a plain function or an already released one is fine). */
export function release(cb: unknown): void {
  const r = cb as { [releaseProxy]?: () => void } | undefined;
  try {
    r?.[releaseProxy]?.();
  } catch {
    /* already released */
  }
}
