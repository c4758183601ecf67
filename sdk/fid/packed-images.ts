/**
 * createFidScorer's images on their way to the extractor: packed on the caller's side into one buffer (one copy, one
 * transfer to the worker; the caller's images stay intact), then turned into the NCHW [-1, 1] batch the extractor
 * takes. RGBA → model values as `webgen fid` reads PNG files (both through image/pixels.ts): alpha over white, grey =
 * round(BT.601 luma) as a byte, then v / 127.5 − 1 — so the SDK and the CLI give the same features for the same pixels.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkRgba } from '../image/image-input.js';
import { convertChannels, fromUint8, nhwcToNchw } from '../image/pixels.js';
import type { RgbaImage } from '../types.js';
import type { ImageBatch } from './extractor.js';

/** One call's images in a single transferable buffer. */
export type PackedImages =
  /** RGBA bytes [N, H, W, 4]. */
  | { kind: 'rgba'; count: number; width: number; height: number; data: Uint8Array }
  /** An NCHW float batch as given. */
  | { kind: 'nchw'; data: Float32Array; shape: [number, number, number, number] };

const EXPECTED = 'must be an array of RGBA images of one size (GeneratedImage, ImageData, { width, height, data }) or an NCHW batch { data: Float32Array, shape: [N, C, H, W] }';

/** Checks the structure of `images` and copies them into one buffer (sizes and values are checked by the extractor). */
export function packImages(images: unknown, parameter = 'images'): PackedImages {
  if (Array.isArray(images)) {
    if (images.length === 0) throw new InvalidInputError(parameter, 'must hold at least one image', images);
    const first = images[0] as RgbaImage;
    const rgba = (im: unknown, i: number): RgbaImage => {
      const r = im as Partial<RgbaImage> | null;
      if (typeof r !== 'object' || r === null || !(r.data instanceof Uint8ClampedArray || r.data instanceof Uint8Array)) throw new InvalidInputError(`${parameter}[${i}]`, EXPECTED.replace('an array of ', 'one of the '), im);
      return checkRgba(r as RgbaImage, `${parameter}[${i}]`);
    };
    const { width, height } = rgba(first, 0);
    const per = width * height * 4;
    const data = new Uint8Array(images.length * per);
    for (const [i, im] of images.entries()) {
      const r = rgba(im, i);
      if (r.width !== width || r.height !== height) throw new InvalidInputError(`${parameter}[${i}]`, `must be ${width}x${height} like ${parameter}[0] (one size per call)`, `${r.width}x${r.height}`);
      data.set(r.data, i * per);
    }
    return { kind: 'rgba', count: images.length, width, height, data };
  }
  const b = images as Partial<ImageBatch> | null;
  if (typeof b !== 'object' || b === null || !(b.data instanceof Float32Array) || !Array.isArray(b.shape) || b.shape.length !== 4) throw new InvalidInputError(parameter, EXPECTED, images);
  return { kind: 'nchw', data: b.data.slice(), shape: [...b.shape] as [number, number, number, number] };
}

/** The buffer to transfer with a packed call. */
export const packedBuffer = (p: PackedImages): ArrayBuffer => p.data.buffer as ArrayBuffer;

/** Packed images → the extractor's NCHW batch in [-1, 1] with `channels` (1: luma, 3: RGB). */
export function toModelBatch(p: PackedImages, channels: number, parameter = 'images'): ImageBatch {
  if (p.kind === 'nchw') return { data: p.data, shape: p.shape };
  if (channels !== 1 && channels !== 3) throw new InvalidInputError(parameter, `cannot be RGBA pictures for an extractor that takes ${channels} channels; pass an NCHW batch { data, shape }`);
  const { count, width, height, data } = p;
  // As `webgen fid` reads a PNG: alpha over white, grey = round(luma) as a byte, then bytes → [-1, 1].
  const nhwc = fromUint8(convertChannels(data, 4, channels, 255, 255));
  const out = nhwcToNchw(nhwc, count, height, width, channels);
  return { data: out, shape: [count, channels, height, width] };
}
