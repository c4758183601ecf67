import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { MAX_IMAGE_PIXELS } from '../../sdk/image/max-image-pixels.js';
import { DataError } from '../errors/data-error.js';

/** A decoded image: `data` is [height, width, 4] RGBA bytes. */
export interface DecodedImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/**
 * A PNG's declared size, from its IHDR chunk (bytes 16–23), without decoding: a small file can declare
 * 100,000 × 100,000, so callers check it against MAX_IMAGE_PIXELS first. Undefined for anything but a PNG.
 */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !startsWith(bytes, PNG_MAGIC)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Decodes PNG or JPEG bytes, chosen by their magic number (not the file name), to RGBA.
 * `path` only names the file in errors.
 */
export function decodeImage(bytes: Uint8Array, path: string): DecodedImage {
  if (startsWith(bytes, PNG_MAGIC)) {
    const size = pngSize(bytes);
    if (size && size.width * size.height > MAX_IMAGE_PIXELS) throw new DataError(path, `is ${size.width}x${size.height}, more than the ${MAX_IMAGE_PIXELS} pixels (8192x8192) webgen reads; scale it down first`);
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } catch (err) {
      throw new DataError(path, `corrupt PNG: ${(err as Error).message}`);
    }
  }
  if (startsWith(bytes, JPEG_MAGIC)) {
    try {
      // Limits keep a hostile or huge file from exhausting memory: the same pixel limit as PNG (64 MP), 1 GB in all.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    } catch (err) {
      throw new DataError(path, `corrupt JPEG: ${(err as Error).message}`);
    }
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new DataError(
    path,
    `not a PNG or JPEG image (first bytes ${head || '(empty file)'}; expected 89 50 4e 47 or ff d8 ff)`,
  );
}
