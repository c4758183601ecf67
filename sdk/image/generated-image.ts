import type { GeneratedImage as GeneratedImageType, Timings } from '../types.js';
import { pngEncoder } from './png-encoder.js';

/** The result of a generation: RGBA pixels with the seed and timings that produced them. */
export class GeneratedImage implements GeneratedImageType {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly data: Uint8ClampedArray,
    readonly seed: number,
    readonly timings: Timings,
  ) {}

  toImageData(): ImageData {
    if (typeof ImageData !== 'undefined') return new ImageData(new Uint8ClampedArray(this.data), this.width, this.height);
    // Node has no ImageData: an object of the same shape works with most canvas libraries.
    return { width: this.width, height: this.height, data: new Uint8ClampedArray(this.data), colorSpace: 'srgb' } as ImageData;
  }

  /** The image as an image/png Blob (OffscreenCanvas in browsers and workers, pngjs in Node). */
  toBlob(): Promise<Blob> {
    return pngEncoder()(this.data, this.width, this.height);
  }
}
