/**
 * createClassifier for browsers: loads the classifier in a new SDK worker (the same worker and loader as
 * createGenerator: Cache API, sha256 integrity, progress events, WebGPU first with a WebAssembly fallback) and returns
 * a Classifier whose forward passes post to it. Images are read on this thread (an <img> cannot travel).
 */
import type { RgbaImage } from '../types.js';
import { openWorkerModel, type WorkerModel } from '../worker/open-worker-model.js';
import { ClassifierBase, CREATE_CLASSIFIER } from './classifier-base.js';
import type { ClassifierOutputs } from './classifier-engine.js';
import type { Classifier, ClassifierOptions } from './types.js';

/** Loads a classifier (manifest kind 'classifier') in a new worker; see classifier/types.ts for the API. */
export async function createClassifier(options: ClassifierOptions): Promise<Classifier> {
  return new WorkerClassifier(await openWorkerModel(options, { ...CREATE_CLASSIFIER, load: (remote, req, onProgress) => remote.loadClassifier(req, onProgress) }));
}

/** A Classifier whose engine runs in the SDK worker. */
class WorkerClassifier extends ClassifierBase {
  constructor(private readonly worker: WorkerModel) {
    super(worker.loaded.manifest, worker.loaded.backend);
  }

  protected run(images: RgbaImage[], withMaps: boolean, signal: AbortSignal | undefined): Promise<ClassifierOutputs> {
    return this.worker.call(signal, (remote, id) => remote.classify(id, { images, withMaps }));
  }

  dispose(): Promise<void> {
    return this.worker.dispose();
  }
}
