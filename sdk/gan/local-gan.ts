import { GeneratedImage } from '../image/generated-image.js';
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend } from '../types.js';
import type { GanEngine } from './gan-engine.js';
import type { Gan, GanGenerateOptions, GanInterpolateOptions, GanMixOptions } from './types.js';


/** A Gan whose engine runs in this thread (Node; the browser worker uses the engine directly). */
export class LocalGan implements Gan {
  constructor(private readonly engine: GanEngine) {}

  get backend(): ActiveBackend {
    return this.engine.backend;
  }

  get manifest(): Manifest {
    return this.engine.manifest;
  }

  get latentDim(): number {
    return this.engine.latentDim;
  }

  get classes(): readonly string[] | undefined {
    return this.engine.classes;
  }

  get styleLayers(): number | undefined {
    return this.engine.styleLayers;
  }

  async generate(options?: GanGenerateOptions): Promise<GeneratedImage[]> {
    return (await this.engine.generate(options)).map(GeneratedImage.from);
  }

  async interpolate(options: GanInterpolateOptions): Promise<GeneratedImage[]> {
    return (await this.engine.interpolate(options)).map(GeneratedImage.from);
  }

  async mix(options: GanMixOptions): Promise<GeneratedImage[]> {
    return (await this.engine.mix(options)).map(GeneratedImage.from);
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
