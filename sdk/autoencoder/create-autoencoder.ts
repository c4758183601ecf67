/**
 * createAutoencoder for browsers: loads the encoder and decoder in a new SDK worker (the same worker and loader as
 * createGenerator: Cache API, sha256 integrity, progress events, WebGPU first with a WebAssembly fallback) and returns
 * an Autoencoder whose forward passes post to it. Images are read on this thread (an <img> cannot travel).
 */
import type { EngineImage } from '../generator/engine.js';
import { AUTOENCODER_OPTION_NAMES } from '../options/creation-option-names.js';
import type { RgbaImage } from '../types.js';
import { openWorkerModel, type WorkerModel } from '../worker/open-worker-model.js';
import { AutoencoderBase } from './autoencoder-base.js';
import type { Autoencoder, AutoencoderOptions, Latents } from './types.js';

/**
 * Loads an autoencoder (manifest kind 'autoencoder') in a new worker. Resolves when it is downloaded (or read from the
 * Cache API), verified and running; see autoencoder/types.ts for the options and the API.
 */
export async function createAutoencoder(options: AutoencoderOptions): Promise<Autoencoder> {
  const worker = await openWorkerModel(options, {
    names: AUTOENCODER_OPTION_NAMES,
    callee: 'createAutoencoder()',
    calls: 'encode(), decode(), reconstruct(), interpolate(), traverse()',
    what: 'autoencoder',
    load: (remote, req, onProgress) => remote.loadAutoencoder(req, onProgress),
  });
  return new WorkerAutoencoder(worker);
}

/** An Autoencoder whose engine runs in the SDK worker. */
class WorkerAutoencoder extends AutoencoderBase {
  constructor(private readonly worker: WorkerModel) {
    super(worker.loaded.manifest, worker.loaded.backend);
  }

  protected encodeRgba(images: RgbaImage[], signal: AbortSignal | undefined): Promise<Latents> {
    return this.worker.call(signal, (remote, id) => remote.encode(id, { images }));
  }

  protected decodeLatents(latents: Latents, signal: AbortSignal | undefined): Promise<EngineImage[]> {
    return this.worker.call(signal, (remote, id) => remote.decode(id, { latents: { data: latents.data, shape: [...latents.shape] } }));
  }

  dispose(): Promise<void> {
    return this.worker.dispose();
  }
}
