import { GeneratedImage } from '../image/generated-image.js';
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, Generator, Img2ImgOptions, Precision, SampleOptions, TextToImageOptions } from '../types.js';
import type { DiffusionEngine } from './engine.js';


/** A Generator whose engine runs in this thread (Node; the browser worker uses the engine directly). */
export class LocalGenerator implements Generator {
  constructor(
    private readonly engine: DiffusionEngine,
    /** Which weights were loaded (node-model.ts). */
    readonly precision: Precision = 'float32',
  ) {}

  get backend(): ActiveBackend {
    return this.engine.backend;
  }

  get manifest(): Manifest {
    return this.engine.manifest;
  }

  async sample(options?: SampleOptions): Promise<GeneratedImage[]> {
    return (await this.engine.sample(options)).map(GeneratedImage.from);
  }

  async textToImage(options?: TextToImageOptions): Promise<GeneratedImage> {
    return GeneratedImage.from(await this.engine.textToImage(options));
  }

  async img2img(options: Img2ImgOptions): Promise<GeneratedImage> {
    return GeneratedImage.from(await this.engine.img2img(options));
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
