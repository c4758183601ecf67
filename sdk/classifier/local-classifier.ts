import type { RgbaImage } from '../types.js';
import { ClassifierBase } from './classifier-base.js';
import type { ClassifierEngine, ClassifierOutputs } from './classifier-engine.js';

/** A Classifier whose engine runs in this thread (Node; the browser worker uses the engine directly). */
export class LocalClassifier extends ClassifierBase {
  constructor(private readonly engine: ClassifierEngine) {
    super(engine.manifest, engine.backend);
  }

  protected run(images: RgbaImage[], withMaps: boolean, signal: AbortSignal | undefined): Promise<ClassifierOutputs> {
    return this.engine.run(images, withMaps, signal);
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
