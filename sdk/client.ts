/**
 * createGenerator for browsers: starts the SDK's worker (worker.ts, its own chunk), loads the model there and returns
 * a Generator whose calls post to it. The main thread only converts img2img's image to RGBA pixels and wires
 * AbortSignals and callbacks; typed errors come back as the same classes (worker/connection.ts).
 */
import { proxy } from 'comlink';
import { AbortError } from './errors/abort-error.js';
import { InvalidInputError } from './errors/invalid-input-error.js';
import type { EngineImage } from './generator/engine.js';
import { GeneratedImage } from './image/generated-image.js';
import { readImageInput } from './image/image-input.js';
import { checkPrecision } from './loader/choose-precision.js';
import { resolveAssetsUrl } from './loader/assets-url.js';
import { loadRequest } from './worker/load-request.js';
import { checkOptionNames } from './options/check-option-names.js';
import { callOnlyHints, GENERATOR_OPTION_NAMES } from './options/creation-option-names.js';
import type { Manifest } from './manifest/types.js';
import type { ActiveBackend, Backend, CommonOptions, Generator, GeneratorOptions, Img2ImgOptions, Precision, SampleOptions, StepInfo, TextToImageOptions } from './types.js';
import { pageUrl, progressProxy, WorkerConnection } from './worker/connection.js';
import type { Img2ImgRequest, SampleRequest, TextToImageRequest } from './worker/protocol.js';

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

/**
 * Loads a model in a new worker. Resolves when the model is downloaded (or read from the Cache API), verified and
 * running; see types.ts GeneratorOptions for the options and their defaults.
 */
export async function createGenerator(options: GeneratorOptions): Promise<Generator> {
  checkOptions(options);
  const req = loadRequest(options);
  const { connection, loaded } = await WorkerConnection.open(req.assetsUrl, (remote) => remote.load(req, progressProxy(options.onProgress)));
  return new WorkerGenerator(connection, loaded.manifest, loaded.backend, loaded.precision);
}

type Method = 'sample' | 'textToImage' | 'img2img';


/** A Generator whose engine runs in the SDK worker. */
class WorkerGenerator implements Generator {
  /** Calls are posted in call order, even when one first has to read its image. */
  private posting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connection: WorkerConnection,
    readonly manifest: Manifest,
    readonly backend: ActiveBackend,
    readonly precision: Precision,
  ) {}

  async sample(options?: SampleOptions): Promise<GeneratedImage[]> {
    return ((await this.call('sample', options)) as EngineImage[]).map(GeneratedImage.from);
  }

  async textToImage(options?: TextToImageOptions): Promise<GeneratedImage> {
    return GeneratedImage.from((await this.call('textToImage', options)) as EngineImage);
  }

  async img2img(options: Img2ImgOptions): Promise<GeneratedImage> {
    return GeneratedImage.from((await this.call('img2img', options)) as EngineImage);
  }

  dispose(): Promise<void> {
    return this.connection.dispose((remote) => remote.dispose());
  }

  private call(method: Method, options: SampleOptions | TextToImageOptions | Img2ImgOptions | undefined): Promise<EngineImage | EngineImage[]> {
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      return Promise.reject(new InvalidInputError('options', `of ${method}() must be an object like { steps: 20 }`, options));
    }
    const { signal, onStep, ...rest } = (options ?? {}) as CommonOptions & Record<string, unknown>;
    if (onStep !== undefined && typeof onStep !== 'function') return Promise.reject(new InvalidInputError('onStep', 'must be a function ({ step, total, timestep, preview }) => void', onStep));
    return this.connection.abortable(`model '${this.manifest.name}' was disposed; create a new generator`, signal, (remote, id) => {
      const prepared = this.posting.then(async () => {
        if (signal?.aborted) throw new AbortError();
        if (method === 'img2img' && 'image' in rest) rest.image = await readImageInput(rest.image as Img2ImgOptions['image']);
        return rest;
      });
      this.posting = prepared.catch(() => undefined);
      return prepared.then((o): Promise<EngineImage | EngineImage[]> => {
        if (signal?.aborted) throw new AbortError();
        // The wrapper returns nothing, so the worker's wait for the last step never waits on a promise the callback returns.
        const step = onStep ? proxy((s: StepInfo) => void onStep(s)) : undefined;
        if (method === 'img2img') return remote.img2img(id, o as unknown as Img2ImgRequest, step);
        return method === 'sample' ? remote.sample(id, o as SampleRequest, step) : remote.textToImage(id, o as TextToImageRequest, step);
      });
    });
  }
}
