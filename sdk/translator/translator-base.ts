/**
 * The Translator API over one primitive, the translation of one RGBA picture, which the Node client runs in this
 * thread and the browser client posts to its worker. Reading the picture and checking the options live here once for
 * both.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { GeneratedImage } from '../image/generated-image.js';
import { readImageInput } from '../image/image-input.js';
import type { EngineImage } from '../generator/engine.js';
import type { Manifest } from '../manifest/types.js';
import { checkCallOptions } from '../options/call-options.js';
import { TRANSLATOR_OPTION_NAMES } from '../options/creation-option-names.js';
import type { ActiveBackend, RgbaImage } from '../types.js';
import { checkTranslatorManifest, type TranslatorSpec } from './translator-model-check.js';
import type { TranslateOptions, Translator } from './types.js';

/** createTranslator as both entries describe it (worker/open-worker-model.ts, node-engine.ts). */
export const CREATE_TRANSLATOR = { names: TRANSLATOR_OPTION_NAMES, callee: 'createTranslator()', calls: 'translate()', what: 'translator' };

export abstract class TranslatorBase implements Translator {
  private readonly spec: TranslatorSpec;

  constructor(
    readonly manifest: Manifest,
    readonly backend: ActiveBackend,
  ) {
    this.spec = checkTranslatorManifest(manifest);
  }

  /** One forward pass over one checked picture. */
  protected abstract run(image: RgbaImage, signal: AbortSignal | undefined): Promise<EngineImage>;
  abstract dispose(): Promise<void>;

  get source(): string {
    return this.spec.styles.source;
  }
  get target(): string {
    return this.spec.styles.target;
  }

  async translate(options: TranslateOptions): Promise<GeneratedImage> {
    const signal = checkCallOptions(options, { method: 'translate', names: ['image', 'signal'], creator: 'createTranslator()', example: '{ image }', required: true });
    if (options.image === undefined) throw new InvalidInputError('image', 'is required: the picture to translate (an RgbaImage, ImageData, canvas, <img>, ImageBitmap or Blob)');
    const rgba = await readImageInput(options.image, 'image');
    return GeneratedImage.from(await this.run(rgba, signal));
  }
}
