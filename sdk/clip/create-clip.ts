/**
 * createClip for browsers: loads the image and text encoders in a new SDK worker (the same worker and loader as
 * createGenerator: Cache API, sha256 integrity, progress events, WebGPU first with a WebAssembly fallback) and returns
 * a Clip whose forward passes post to it. Images are read and texts tokenized on this thread (an <img> cannot travel;
 * a too-long prompt is refused before anything is posted).
 */
import type { RgbaImage } from '../types.js';
import { openWorkerModel, type WorkerModel } from '../worker/open-worker-model.js';
import { ClipBase, CREATE_CLIP } from './clip-base.js';
import type { Clip, ClipOptions, Embeddings } from './types.js';

/**
 * Loads a CLIP model (manifest kind 'clip') in a new worker. Resolves when it is downloaded (or read from the Cache
 * API), verified and running; see clip/types.ts for the options and the API.
 */
export async function createClip(options: ClipOptions): Promise<Clip> {
  return new WorkerClip(await openWorkerModel(options, { ...CREATE_CLIP, load: (remote, req, onProgress) => remote.loadClip(req, onProgress) }));
}

/** A Clip whose engine runs in the SDK worker. */
class WorkerClip extends ClipBase {
  constructor(private readonly worker: WorkerModel) {
    super(worker.loaded.manifest, worker.loaded.backend);
  }

  protected embedRgba(images: RgbaImage[], signal: AbortSignal | undefined): Promise<Embeddings> {
    return this.worker.call(signal, (remote, id) => remote.clipImages(id, { images }));
  }

  protected embedIds(ids: Int32Array, signal: AbortSignal | undefined): Promise<Embeddings> {
    return this.worker.call(signal, (remote, id) => remote.clipTokens(id, { ids }));
  }

  dispose(): Promise<void> {
    return this.worker.dispose();
  }
}
