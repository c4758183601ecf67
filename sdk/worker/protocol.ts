/**
 * The worker boundary's contract, imported by both sides: what each request carries (the public option types minus
 * what cannot cross — `signal` and `onStep` stay on the main thread, which posts `abort(id)` and a proxied callback
 * instead), what loading returns, and how errors cross: comlink's 'throw' handler is replaced so that an error thrown
 * in the worker arrives on the main thread as the same typed error class with its fields (errors.ts).
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import type { Latents } from '../autoencoder/types.js';
import type { CreateFidScorerOptions } from '../fid/api-types.js';
import type { GanGenerateOptions, GanInterpolateOptions, GanMixOptions } from '../gan/types.js';
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, Backend, Img2ImgOptions, Precision, RgbaImage, SampleOptions, TextToImageOptions } from '../types.js';
import { deserializeError, serializeError, type SerializedError } from './errors.js';

/** A call's options as they cross: without the AbortSignal and the step callback. */
export type CallOptions<T> = Omit<T, 'signal' | 'onStep'>;

export type SampleRequest = CallOptions<SampleOptions>;
export type TextToImageRequest = CallOptions<TextToImageOptions>;
/** img2img's image arrives as RGBA pixels: the client draws images, bitmaps and canvases first. */
export type Img2ImgRequest = Omit<CallOptions<Img2ImgOptions>, 'image'> & { image: RgbaImage };
export type GanGenerateRequest = CallOptions<GanGenerateOptions>;
export type GanInterpolateRequest = CallOptions<GanInterpolateOptions>;
export type GanMixRequest = CallOptions<GanMixOptions>;
/** An autoencoder's encode: the images already read as RGBA pixels on the main thread. */
export interface AutoencoderEncodeRequest {
  images: RgbaImage[];
}
/** An autoencoder's decode: checked latents. */
export interface AutoencoderDecodeRequest {
  latents: Latents;
}
/** A CLIP model's image embedding: as an autoencoder's encode, the images already read as RGBA pixels. */
export type ClipImagesRequest = AutoencoderEncodeRequest;
/** A CLIP model's text embedding: the texts tokenized on the main thread, ids [count, maxLength] row-major. */
export interface ClipTokensRequest {
  ids: Int32Array;
}

/** A classifier's forward pass: the images read as RGBA pixels on the main thread; `withMaps` fetches the Grad-CAM maps. */
export interface ClassifyRequest {
  images: RgbaImage[];
  withMaps: boolean;
}

/** A translator's forward pass: the picture read as RGBA pixels on the main thread. */
export interface TranslateRequest {
  image: RgbaImage;
}

/** What the client sends to load a model (createGenerator, createGan, createAutoencoder, createClip). */
export interface LoadRequest {
  /** Absolute URL of manifest.json (resolved on the main thread: the worker's base URL differs). */
  manifestUrl: string;
  /** GeneratorOptions.manifest: the manifest the page already read; the worker validates it instead of fetching. */
  manifest?: unknown;
  backend: Backend;
  /** Undefined = the default for this page (types.ts GeneratorOptions.threads). */
  threads: number | undefined;
  cache: boolean;
  /** types.ts GeneratorOptions.precision. Default 'auto'. */
  precision?: 'auto' | Precision;
  /** Absolute folder URL (ending in '/') of a served copy of the package's dist/ (GeneratorOptions.assetsUrl). Default: the files the bundler placed beside the worker (worker-assets.ts). */
  assetsUrl?: string;
}

export interface LoadResult {
  manifest: Manifest;
  backend: ActiveBackend;
  precision: Precision;
}

/** What the client sends to open a FID scorer (URLs absolute: the worker's base URL differs from the page's). */
export interface FidOpenRequest extends Pick<CreateFidScorerOptions, 'inception' | 'outputName' | 'inputShape' | 'kidSamples' | 'seed'> {
  /** A model folder's manifest.json, or a .onnx file. */
  extractorUrl: string;
  referenceUrl?: string;
  reference?: Uint8Array;
  backend: Backend;
  threads: number | undefined;
  cache: boolean;
  /** Absolute folder URL of a served copy of the package's dist/ (CreateFidScorerOptions.assetsUrl). Default: the bundled files. */
  assetsUrl?: string;
}

const base = transferHandlers.get('throw')!;
const throwHandler: TransferHandler<{ value: unknown }, { typed: SerializedError }> = {
  canHandle: base.canHandle as (v: unknown) => v is { value: unknown },
  serialize: ({ value }) => [{ typed: serializeError(value) }, []],
  deserialize: (s) => {
    throw deserializeError(s.typed);
  },
};
transferHandlers.set('throw', throwHandler as TransferHandler<unknown, unknown>);
