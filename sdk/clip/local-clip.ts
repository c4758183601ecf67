import type { RgbaImage } from '../types.js';
import { ClipBase } from './clip-base.js';
import type { ClipEngine } from './clip-engine.js';
import type { Embeddings } from './types.js';

/** A Clip whose engine runs in this thread (Node; the browser worker uses the engine directly). */
export class LocalClip extends ClipBase {
  constructor(private readonly engine: ClipEngine) {
    super(engine.manifest, engine.backend);
  }

  protected embedRgba(images: RgbaImage[], signal: AbortSignal | undefined): Promise<Embeddings> {
    return this.engine.embedImages(images, signal);
  }

  protected embedIds(ids: Int32Array, signal: AbortSignal | undefined): Promise<Embeddings> {
    return this.engine.embedTokens(ids, signal);
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
