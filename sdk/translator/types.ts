/**
 * The public API of image-to-image translators (manifest kind 'translator': pix2pix models that redraw a picture from
 * one style in another, e.g. Noto emoji → Twemoji), declared as types (implemented in translator-base.ts over
 * translator-engine.ts, with create-translator.ts for the browser worker and create-translator-node.ts for
 * onnxruntime-node). One forward pass per picture.
 */
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, GeneratedImage, GeneratorOptions, ImageInput } from '../types.js';

/** Options of createTranslator: those of createGenerator, plus a signal. */
export interface TranslatorOptions extends GeneratorOptions {
  /** Stops the load (download, session start) with AbortError. Default none. */
  signal?: AbortSignal;
}

/** Options of translate(). */
export interface TranslateOptions {
  /** The picture in the source style (any size: resized, bilinear, to the model's; its alpha is kept). Required. */
  image: ImageInput;
  /** Stops the call with AbortError if it has not started. Default none. */
  signal?: AbortSignal;
}

export interface Translator {
  readonly manifest: Manifest;
  readonly backend: ActiveBackend;
  /** The style the model reads (manifest translator.source, e.g. 'noto'). */
  readonly source: string;
  /** The style it draws (manifest translator.target, e.g. 'twemoji'). */
  readonly target: string;
  /** Redraws `image` in the target style: RGBA pixels at the model's size, with the model's raw values and timings. */
  translate(options: TranslateOptions): Promise<GeneratedImage>;
  /** Releases the model; later calls throw ModelLoadError. */
  dispose(): Promise<void>;
}
