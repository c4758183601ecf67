/** Sample grids: N images laid out in rows, for training previews and model cards. */
import { UsageError } from '../errors/usage-error.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { encodePng } from './encode-png.js';

/** Options of renderImageGrid / writeImageGrid. */
export interface ImageGridOptions {
  /** Images per row. Default: ceil(sqrt(N)). */
  cols?: number;
  /** Pixels of border around and between images, in output pixels. Default 2. */
  pad?: number;
  /** Integer upscaling factor (nearest neighbour, keeps pixels crisp). Default 1. */
  scale?: number;
  /** Gray level of the border, 0..255. Default 128. */
  padValue?: number;
  /**
   * RGBA images: 'drop' shows the colour values as they are (default); 'checkerboard' composites them over a light
   * 8-pixel checkerboard (in output pixels), so transparency is visible as in the demo.
   */
  alpha?: 'drop' | 'checkerboard';
}

/** Shape of a stack of images: [N, H, W, C] with C = 1 (gray), 3 (RGB) or 4 (RGBA). */
export type ImageStackShape = readonly [number, number, number, number];

/**
 * Lays images [N, H, W, C] in [-1, 1] out on a grid: returns 8-bit pixels [height, width, C'] where
 * C' is 1 for gray input and 3 otherwise (alpha dropped, or composited over a checkerboard: `opts.alpha`).
 */
export function renderImageGrid(
  images: Float32Array,
  shape: ImageStackShape,
  opts: ImageGridOptions = {},
): { width: number; height: number; channels: number; data: Uint8Array } {
  const [n, h, w, c] = shape;
  if (images.length !== n * h * w * c) {
    throw new UsageError(`image grid: ${images.length} values is not [${shape.join(', ')}]`);
  }
  if (c !== 1 && c !== 3 && c !== 4) throw new UsageError(`image grid: channels must be 1, 3 or 4, got ${c}`);
  const cols = opts.cols ?? Math.max(1, Math.ceil(Math.sqrt(n)));
  const pad = opts.pad ?? 2;
  const scale = opts.scale ?? 1;
  const padValue = opts.padValue ?? 128;
  if (!Number.isInteger(cols) || cols < 1) throw new UsageError(`image grid: 'cols' must be a positive integer, got ${cols}`);
  if (!Number.isInteger(pad) || pad < 0) throw new UsageError(`image grid: 'pad' must be a whole number >= 0, got ${pad}`);
  if (!Number.isInteger(scale) || scale < 1) throw new UsageError(`image grid: 'scale' must be a positive integer, got ${scale}`);
  const rows = Math.max(1, Math.ceil(n / cols));
  const oc = c === 1 ? 1 : 3;
  const checker = opts.alpha === 'checkerboard';
  const cellW = w * scale;
  const cellH = h * scale;
  const width = cols * cellW + (cols + 1) * pad;
  const height = rows * cellH + (rows + 1) * pad;
  const data = new Uint8Array(width * height * oc).fill(padValue); // [height, width, oc]
  for (let i = 0; i < n; i++) {
    const x0 = pad + (i % cols) * (cellW + pad);
    const y0 = pad + Math.floor(i / cols) * (cellH + pad);
    for (let y = 0; y < cellH; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < cellW; x++) {
        const s = ((i * h + sy) * w + Math.floor(x / scale)) * c;
        const d = ((y0 + y) * width + x0 + x) * oc;
        // Over a checkerboard: out = a·colour + (1 − a)·square, in [0, 1].
        const a = checker && c === 4 ? Math.min(1, Math.max(0, (images[s + 3]! + 1) / 2)) : undefined;
        const square = (Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0 ? 1 : 0.8;
        for (let k = 0; k < oc; k++) {
          const v = a === undefined ? Math.round((images[s + k]! + 1) * 127.5) : Math.round(255 * (a * ((images[s + k]! + 1) / 2) + (1 - a) * square));
          data[d + k] = v > 255 ? 255 : v > 0 ? v : 0;
        }
      }
    }
  }
  return { width, height, channels: oc, data };
}

/**
 * Writes images [N, H, W, C] in [-1, 1] as one PNG grid, atomically (readers never see half a file).
 * Throws OutputError when `path` cannot be written.
 */
export async function writeImageGrid(
  path: string,
  images: Float32Array,
  shape: ImageStackShape,
  opts: ImageGridOptions = {},
): Promise<void> {
  const grid = renderImageGrid(images, shape, opts);
  await writeFileAtomic(path, encodePng(grid.data, grid.width, grid.height));
}
