/**
 * A PNG named on the command line, read as RGBA pixels (`webgen sample --init`, `webgen translate --in`); every
 * problem is a UsageError naming the flag: unreadable, not a PNG, or (checked from the header, before decoding: a small
 * file can declare 100,000 × 100,000) more pixels than the SDK takes.
 */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { MAX_IMAGE_PIXELS } from '../../sdk/image/max-image-pixels.js';
import type { RgbaImage } from '../../sdk/types.js';
import { UsageError } from '../errors/usage-error.js';
import { pngSize } from './decode-image.js';

/** Reads `path` for `flag` ('--init'); `use` names what takes the picture in the size message ('img2img'). */
export function readPngFlag(path: string, flag: string, use: string): RgbaImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(`${flag}: cannot read '${path}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const size = pngSize(bytes);
  if (size && size.width * size.height > MAX_IMAGE_PIXELS) throw new UsageError(`${flag}: '${path}' is ${size.width}x${size.height}, more than the ${MAX_IMAGE_PIXELS} pixels (8192x8192) ${use} takes; scale it down first`);
  try {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  } catch (err) {
    throw new UsageError(`${flag}: '${path}' is not a PNG image (${(err as Error).message})`);
  }
}
