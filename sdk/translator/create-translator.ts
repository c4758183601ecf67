/**
 * createTranslator for browsers: loads the translator in a new SDK worker (the same worker and loader as
 * createGenerator: Cache API, sha256 integrity, progress events, WebGPU first with a WebAssembly fallback) and returns
 * a Translator whose forward passes post to it. The picture is read on this thread (an <img> cannot travel).
 */
import type { EngineImage } from '../generator/engine.js';
import type { RgbaImage } from '../types.js';
import { openWorkerModel, type WorkerModel } from '../worker/open-worker-model.js';
import { CREATE_TRANSLATOR, TranslatorBase } from './translator-base.js';
import type { Translator, TranslatorOptions } from './types.js';

/** Loads a translator (manifest kind 'translator') in a new worker; see translator/types.ts for the API. */
export async function createTranslator(options: TranslatorOptions): Promise<Translator> {
  return new WorkerTranslator(await openWorkerModel(options, { ...CREATE_TRANSLATOR, load: (remote, req, onProgress) => remote.loadTranslator(req, onProgress) }));
}

/** A Translator whose engine runs in the SDK worker. */
class WorkerTranslator extends TranslatorBase {
  constructor(private readonly worker: WorkerModel) {
    super(worker.loaded.manifest, worker.loaded.backend);
  }

  protected run(image: RgbaImage, signal: AbortSignal | undefined): Promise<EngineImage> {
    return this.worker.call(signal, (remote, id) => remote.translate(id, { image }));
  }

  dispose(): Promise<void> {
    return this.worker.dispose();
  }
}
