import type { EngineImage } from '../generator/engine.js';
import type { RgbaImage } from '../types.js';
import { TranslatorBase } from './translator-base.js';
import type { TranslatorEngine } from './translator-engine.js';

/** A Translator whose engine runs in this thread (Node; the browser worker uses the engine directly). */
export class LocalTranslator extends TranslatorBase {
  constructor(private readonly engine: TranslatorEngine) {
    super(engine.manifest, engine.backend);
  }

  protected run(image: RgbaImage, signal: AbortSignal | undefined): Promise<EngineImage> {
    return this.engine.translate(image, signal);
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
