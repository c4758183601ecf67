import type { AttentionMaps, GeneratedImage as GeneratedImageType, Timings } from '../types.js';
import { pngEncoder } from './png-encoder.js';

/** A generated picture as plain data: what the engines return and what crosses the worker boundary. */
export interface EngineImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  seed: number;
  timings: Timings;
  /** The model's output before 8-bit rounding: [C, H, W] in the manifest's image range. */
  values: Float32Array;
  /** Text models: the prompt's words the vocabulary lacks (types.ts GeneratedImage.unknownWords). */
  unknownWords?: string[];
  /** textToImage({ attentionMaps: true }) (types.ts GeneratedImage.attentionMaps). */
  attentionMaps?: AttentionMaps;
}

/** The result of a generation: RGBA pixels with the seed and timings that produced them. */
export class GeneratedImage implements GeneratedImageType {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly data: Uint8ClampedArray,
    readonly seed: number,
    readonly timings: Timings,
    readonly values?: Float32Array,
    readonly unknownWords?: string[],
    readonly attentionMaps?: AttentionMaps,
  ) {}

  /** Wraps an engine's result (every client, browser or Node). */
  static from(r: EngineImage): GeneratedImage {
    return new GeneratedImage(r.width, r.height, r.data, r.seed, r.timings, r.values, r.unknownWords, r.attentionMaps);
  }

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
