/**
 * createGan for browsers: loads the GAN generator in a new SDK worker (the same worker and loader as createGenerator:
 * Cache API, sha256 integrity, progress events, WebGPU first with a WebAssembly fallback) and returns a Gan whose
 * calls post to it. Typed errors come back as the same classes (worker/connection.ts).
 */
import type { Remote } from 'comlink';
import { GAN_OPTION_NAMES } from '../options/creation-option-names.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { EngineImage } from '../generator/engine.js';
import { GeneratedImage } from '../image/generated-image.js';
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend } from '../types.js';
import type { WorkerApi } from '../worker.js';
import { openWorkerModel, type WorkerModel } from '../worker/open-worker-model.js';
import type { GanGenerateRequest, GanInterpolateRequest, GanMixRequest } from '../worker/protocol.js';
import type { Gan, GanGenerateOptions, GanInterpolateOptions, GanMixOptions, GanOptions } from './types.js';

/**
 * Loads a GAN generator (manifest kind 'gan-generator') in a new worker. Resolves when it is downloaded (or read from
 * the Cache API), verified and running; see gan/types.ts GanOptions for the options and their defaults.
 */
export async function createGan(options: GanOptions): Promise<Gan> {
  const model = await openWorkerModel(options, {
    names: GAN_OPTION_NAMES,
    callee: 'createGan()',
    calls: 'generate(), interpolate(), mix()',
    what: 'GAN',
    load: (remote, req, onProgress) => remote.loadGan(req, onProgress),
  });
  return new WorkerGan(model);
}

/** A Gan whose engine runs in the SDK worker. */
class WorkerGan implements Gan {
  readonly classes: readonly string[] | undefined;
  readonly manifest: Manifest;
  readonly backend: ActiveBackend;
  readonly latentDim: number;
  readonly styleLayers: number | undefined;

  constructor(private readonly model: WorkerModel) {
    this.manifest = model.loaded.manifest;
    this.backend = model.loaded.backend;
    this.latentDim = this.manifest.latent!.dim;
    this.classes = this.manifest.conditioning?.classes;
    this.styleLayers = this.manifest.latent!.styleLayers;
  }

  generate(options?: GanGenerateOptions): Promise<GeneratedImage[]> {
    return this.call(options, '{ count: 4, seed: 1 }', (remote, id, o) => remote.generate(id, o as GanGenerateRequest | undefined), 'generate');
  }

  interpolate(options: GanInterpolateOptions): Promise<GeneratedImage[]> {
    return this.call(options, '{ from: 1, to: 2, frames: 8 }', (remote, id, o) => remote.interpolate(id, o as GanInterpolateRequest | undefined), 'interpolate');
  }

  mix(options: GanMixOptions): Promise<GeneratedImage[]> {
    return this.call(options, '{ coarse: 1, fine: 2, crossover: [2, 4] }', (remote, id, o) => remote.mix(id, o as GanMixRequest | undefined), 'mix');
  }

  dispose(): Promise<void> {
    return this.model.dispose();
  }

  private async call(options: object | undefined, example: string, post: (remote: Remote<WorkerApi>, id: number, o: object | undefined) => Promise<EngineImage[]>, method: string): Promise<GeneratedImage[]> {
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      throw new InvalidInputError('options', `of ${method}() must be an object like ${example}`, options);
    }
    // The signal stays here (it cannot cross to the worker); the worker gets an abort message instead.
    const { signal, ...rest } = (options ?? {}) as { signal?: AbortSignal };
    const images = await this.model.call(signal, (remote, id) => post(remote, id, options === undefined ? undefined : rest));
    return images.map(GeneratedImage.from);
  }
}
