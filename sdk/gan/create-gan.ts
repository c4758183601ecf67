/**
 * createGan for browsers: loads the GAN generator in a new SDK worker (the same worker and loader as createGenerator:
 * Cache API, sha256 integrity, progress events, WebGPU first with a WebAssembly fallback) and returns a Gan whose
 * calls post to it. Typed errors come back as the same classes (worker-protocol.ts).
 */
import { proxy, wrap, type Remote } from 'comlink';
import { checkOptions, pageUrl, startWorker, workerFailure } from '../client.js';
import { resolveAssetsUrl } from '../loader/assets-url.js';
import { GAN_OPTION_NAMES } from '../options/creation-option-names.js';
import { AbortError } from '../errors/abort-error.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import type { EngineImage } from '../generator/engine.js';
import { GeneratedImage } from '../image/generated-image.js';
import { manifestUrlOf } from '../loader/model-url.js';
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, ProgressEvent } from '../types.js';
import type { WorkerApi } from '../worker.js';
import '../worker-protocol.js';
import type { Gan, GanGenerateOptions, GanInterpolateOptions, GanOptions } from './types.js';

const checkSignal = (signal: unknown) => {
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal);
};

/** Rejects with AbortError when `signal` aborts (never, without one). */
function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new AbortError()), { once: true }));
}

/**
 * Loads a GAN generator (manifest kind 'gan-generator') in a new worker. Resolves when it is downloaded (or read from
 * the Cache API), verified and running; see gan/types.ts GanOptions for the options and their defaults.
 */
export async function createGan(options: GanOptions): Promise<Gan> {
  checkOptions(options, GAN_OPTION_NAMES, 'createGan()', 'generate(), interpolate()');
  const { signal, onProgress } = options;
  checkSignal(signal);
  if (signal?.aborted) throw new AbortError();
  const manifestUrl = manifestUrlOf(options.model, pageUrl()).href;
  const assetsUrl = resolveAssetsUrl(options.assetsUrl, pageUrl());
  const worker = startWorker(assetsUrl);
  const failed = workerFailure(worker);
  failed.catch(() => undefined);
  const remote = wrap<WorkerApi>(worker);
  try {
    const loaded = await Promise.race([
      remote.loadGan(
        { manifestUrl, backend: options.backend ?? 'auto', threads: options.threads, cache: options.cache ?? true, precision: options.precision ?? 'auto', ...(assetsUrl && { assetsUrl }) },
        onProgress ? proxy((e: ProgressEvent) => onProgress(e)) : undefined,
      ),
      failed,
      aborted(signal),
    ]);
    const latent = loaded.manifest.latent!;
    return new WorkerGan(worker, remote, failed, loaded.manifest, loaded.backend, latent.dim);
  } catch (err) {
    worker.terminate();
    throw err;
  }
}

const wrapImage = (r: EngineImage) => new GeneratedImage(r.width, r.height, r.data, r.seed, r.timings);

/** A Gan whose engine runs in the SDK worker. */
class WorkerGan implements Gan {
  private nextId = 0;
  private disposed = false;
  readonly classes: readonly string[] | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly remote: Remote<WorkerApi>,
    private readonly failed: Promise<never>,
    readonly manifest: Manifest,
    readonly backend: ActiveBackend,
    readonly latentDim: number,
  ) {
    this.classes = manifest.conditioning?.classes;
  }

  generate(options?: GanGenerateOptions): Promise<GeneratedImage[]> {
    return this.call('generate', options, '{ count: 4, seed: 1 }');
  }

  interpolate(options: GanInterpolateOptions): Promise<GeneratedImage[]> {
    return this.call('interpolate', options, '{ from: 1, to: 2, frames: 8 }');
  }

  private async call(method: 'generate' | 'interpolate', options: object | undefined, example: string): Promise<GeneratedImage[]> {
    if (this.disposed) throw new ModelLoadError(`GAN '${this.manifest.name}' was disposed; create a new one with createGan`);
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      throw new InvalidInputError('options', `of ${method}() must be an object like ${example}`, options);
    }
    // The signal stays here (it cannot cross to the worker); the worker gets an abort message instead.
    const { signal, ...rest } = (options ?? {}) as { signal?: AbortSignal };
    checkSignal(signal);
    if (signal?.aborted) throw new AbortError();
    const id = ++this.nextId;
    const onAbort = () => void this.remote.abort(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const sent = options === undefined ? undefined : (rest as Record<string, unknown>);
      const images = await Promise.race([this.remote[method](id, sent), this.failed]);
      return images.map(wrapImage);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.race([this.remote.dispose(), this.failed]).catch(() => undefined);
    this.worker.terminate();
  }
}
