/**
 * createGenerator for browsers: starts the SDK's worker (worker.ts, its own chunk), loads the model there and returns
 * a Generator whose calls post to it. The main thread only converts img2img's image to RGBA pixels and wires
 * AbortSignals and callbacks; typed errors come back as the same classes (worker-protocol.ts).
 */
import { proxy, wrap, type Remote } from 'comlink';
import { AbortError } from './errors/abort-error.js';
import { BackendUnavailableError } from './errors/backend-unavailable-error.js';
import { InvalidInputError } from './errors/invalid-input-error.js';
import { ModelLoadError } from './errors/model-load-error.js';
import type { EngineImage } from './generator/engine.js';
import { GeneratedImage } from './image/generated-image.js';
import { readImageInput } from './image/image-input.js';
import { checkPrecision } from './loader/choose-precision.js';
import { resolveAssetsUrl } from './loader/assets-url.js';
import { ASSETS_HINT } from './loader/fetch-wasm.js';
import { manifestUrlOf } from './loader/model-url.js';
import { checkOptionNames } from './options/check-option-names.js';
import { callOnlyHints, GENERATOR_OPTION_NAMES } from './options/creation-option-names.js';
import type { Manifest } from './manifest/types.js';
import type { ActiveBackend, Backend, CommonOptions, Generator, GeneratorOptions, Img2ImgOptions, Precision, SampleOptions, TextToImageOptions } from './types.js';
import type { WorkerApi } from './worker.js';
import './worker-protocol.js';

const BACKENDS: readonly Backend[] = ['auto', 'webgpu', 'wasm'];

/** Checks createGenerator's options (each failure names the option). */
export function checkOptions(options: GeneratorOptions, names: readonly string[] = GENERATOR_OPTION_NAMES, callee = 'createGenerator()', calls = 'sample(), textToImage(), img2img()'): void {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError('options', "must be an object like { model: '/models/mnist-ddim' }", options);
  checkOptionNames(options, names, callee, callOnlyHints(callee, calls));
  const { backend, threads, cache, onProgress } = options;
  if (backend !== undefined && !BACKENDS.includes(backend)) throw new InvalidInputError('backend', `must be one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}`, backend);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) throw new InvalidInputError('threads', 'must be an integer in [1, 64]', threads);
  if (cache !== undefined && typeof cache !== 'boolean') throw new InvalidInputError('cache', 'must be true or false', cache);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InvalidInputError('onProgress', 'must be a function (event) => void', onProgress);
  checkPrecision(options.precision);
  resolveAssetsUrl(options.assetsUrl, pageUrl());
}

/** Rejects when the worker itself fails (its script cannot load, or it dies): a call must never hang. */
export function workerFailure(worker: Worker): Promise<never> {
  return new Promise((_, reject) => {
    worker.addEventListener('error', (e) => {
      e.preventDefault?.();
      reject(new BackendUnavailableError('worker', `the SDK worker failed: ${e.message || `its script could not be loaded; ${ASSETS_HINT}`}`));
    });
    worker.addEventListener('messageerror', () => reject(new BackendUnavailableError('worker', 'a message from the SDK worker could not be read')));
  });
}

/**
 * Starts a new SDK worker: `worker.js` from `assetsUrl` (absolute, ending in '/') when given, else the one beside this
 * module. The literal `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` is the form Vite and
 * webpack 5 recognise: they bundle the worker as an entry of its own, with the files it names (worker-assets.ts).
 */
export function startWorker(assetsUrl?: string): Worker {
  if (assetsUrl !== undefined) return new Worker(new URL('worker.js', assetsUrl), { type: 'module', name: 'webgen' });
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'webgen' });
}

/** The page's URL, against which model and asset paths resolve. */
export const pageUrl = (): string => globalThis.location?.href ?? 'http://localhost/';

/**
 * Loads a model in a new worker. Resolves when the model is downloaded (or read from the Cache API), verified and
 * running; see types.ts GeneratorOptions for the options and their defaults.
 */
export async function createGenerator(options: GeneratorOptions): Promise<Generator> {
  checkOptions(options);
  const manifestUrl = manifestUrlOf(options.model, pageUrl()).href;
  const assetsUrl = resolveAssetsUrl(options.assetsUrl, pageUrl());
  const worker = startWorker(assetsUrl);
  const failed = workerFailure(worker);
  failed.catch(() => undefined);
  const remote = wrap<WorkerApi>(worker);
  try {
    const onProgress = options.onProgress;
    const loaded = await Promise.race([
      remote.load(
        { manifestUrl, backend: options.backend ?? 'auto', threads: options.threads, cache: options.cache ?? true, precision: options.precision ?? 'auto', ...(assetsUrl && { assetsUrl }) },
        onProgress ? proxy((e: Parameters<typeof onProgress>[0]) => onProgress(e)) : undefined,
      ),
      failed,
    ]);
    return new WorkerGenerator(worker, remote, failed, loaded.manifest, loaded.backend, loaded.precision);
  } catch (err) {
    worker.terminate();
    throw err;
  }
}

type Method = 'sample' | 'textToImage' | 'img2img';

const wrapImage = (r: EngineImage) => new GeneratedImage(r.width, r.height, r.data, r.seed, r.timings);

/** A Generator whose engine runs in the SDK worker. */
class WorkerGenerator implements Generator {
  private nextId = 0;
  /** Calls are posted in call order, even when one first has to read its image. */
  private posting: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly worker: Worker,
    private readonly remote: Remote<WorkerApi>,
    private readonly failed: Promise<never>,
    readonly manifest: Manifest,
    readonly backend: ActiveBackend,
    readonly precision: Precision,
  ) {}

  async sample(options?: SampleOptions): Promise<GeneratedImage[]> {
    return ((await this.call('sample', options)) as EngineImage[]).map(wrapImage);
  }

  async textToImage(options?: TextToImageOptions): Promise<GeneratedImage> {
    return wrapImage((await this.call('textToImage', options)) as EngineImage);
  }

  async img2img(options: Img2ImgOptions): Promise<GeneratedImage> {
    return wrapImage((await this.call('img2img', options)) as EngineImage);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.race([this.remote.dispose(), this.failed]).catch(() => undefined);
    this.worker.terminate();
  }

  private call(method: Method, options: SampleOptions | TextToImageOptions | Img2ImgOptions | undefined): Promise<EngineImage | EngineImage[]> {
    if (this.disposed) return Promise.reject(new ModelLoadError(`model '${this.manifest.name}' was disposed; create a new generator`));
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      return Promise.reject(new InvalidInputError('options', `of ${method}() must be an object like { steps: 20 }`, options));
    }
    const { signal, onStep, ...rest } = (options ?? {}) as CommonOptions & Record<string, unknown>;
    if (signal !== undefined && !(signal instanceof AbortSignal)) return Promise.reject(new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal));
    if (onStep !== undefined && typeof onStep !== 'function') return Promise.reject(new InvalidInputError('onStep', 'must be a function ({ step, total, timestep, preview }) => void', onStep));
    const id = ++this.nextId;
    const prepared = this.posting.then(async () => {
      if (signal?.aborted) throw new AbortError();
      if (method === 'img2img' && 'image' in rest) rest.image = await readImageInput(rest.image as Img2ImgOptions['image']);
      return rest;
    });
    this.posting = prepared.catch(() => undefined);
    const onAbort = () => void this.remote.abort(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    const result = prepared.then((o) => {
      if (signal?.aborted) throw new AbortError();
      return Promise.race([this.remote[method](id, o, onStep ? proxy(onStep) : undefined), this.failed]);
    });
    return result.finally(() => signal?.removeEventListener('abort', onAbort));
  }
}
