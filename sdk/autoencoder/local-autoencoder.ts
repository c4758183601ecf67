import type { EngineImage } from '../generator/engine.js';
import type { RgbaImage } from '../types.js';
import { AutoencoderBase } from './autoencoder-base.js';
import type { AutoencoderEngine } from './autoencoder-engine.js';
import type { Latents } from './types.js';

/** An Autoencoder whose engine runs in this thread (Node; the browser worker uses the engine directly). */
export class LocalAutoencoder extends AutoencoderBase {
  constructor(private readonly engine: AutoencoderEngine) {
    super(engine.manifest, engine.backend);
  }

  protected encodeRgba(images: RgbaImage[], signal: AbortSignal | undefined): Promise<Latents> {
    return this.engine.encode(images, signal);
  }

  protected decodeLatents(latents: Latents, signal: AbortSignal | undefined): Promise<EngineImage[]> {
    return this.engine.decode(latents, signal);
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
