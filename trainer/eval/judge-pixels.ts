/**
 * Pictures as the emoji judge reads them (its data: trainer/classifier/emoji-judge-data.ts): RGBA bytes composited over
 * white, resized (bilinear) to the judge's side, in [-1, 1]. The evals that judge drawings or translations use this, so
 * a verdict on a generated picture is made exactly as one on a real picture.
 */
import { convertChannels } from '../../sdk/image/pixels.js';
import { resizePixels } from '../../sdk/image/resize.js';

/** RGBA bytes [height, width, 4] → RGB over white [side, side, 3] in [-1, 1]. */
export function rgbaForJudge(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, side = 32): Float32Array {
  const rgb = convertChannels(new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length), 4, 3, 255, 255);
  return Float32Array.from(resizePixels(rgb, width, height, 3, side, side), (v) => v / 127.5 - 1);
}

/** Model units [-1, 1] → bytes (the quantisation a PNG or a canvas applies). */
export function unitsToBytes(x: Float32Array): Uint8ClampedArray {
  return Uint8ClampedArray.from(x, (v) => Math.round((v + 1) * 127.5));
}
