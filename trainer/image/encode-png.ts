import { PNG } from 'pngjs';
import { UsageError } from '../errors/usage-error.js';

/**
 * Encodes 8-bit pixels as PNG bytes. The channel count is read from the length:
 * width·height·4 is RGBA, ·3 is RGB, ·1 is grayscale.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new UsageError(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  const channels = pixels.length / n;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new UsageError(
      `encodePng: ${pixels.length} bytes is not ${width}x${height} times 1 (gray), 3 (RGB) or 4 (RGBA) channels`,
    );
  }
  const png = new PNG({ width, height });
  const out = png.data; // [H, W, 4]
  for (let i = 0; i < n; i++) {
    if (channels === 4) {
      out[4 * i] = pixels[4 * i]!;
      out[4 * i + 1] = pixels[4 * i + 1]!;
      out[4 * i + 2] = pixels[4 * i + 2]!;
      out[4 * i + 3] = pixels[4 * i + 3]!;
    } else if (channels === 3) {
      out[4 * i] = pixels[3 * i]!;
      out[4 * i + 1] = pixels[3 * i + 1]!;
      out[4 * i + 2] = pixels[3 * i + 2]!;
      out[4 * i + 3] = 255;
    } else {
      out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = pixels[i]!;
      out[4 * i + 3] = 255;
    }
  }
  // Grayscale input is written as a gray PNG (colorType 0): a third of the bytes of RGB.
  const buf = PNG.sync.write(png, channels === 1 ? { colorType: 0 } : channels === 3 ? { colorType: 2 } : {});
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
