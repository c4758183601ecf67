import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../trainer/image/decode-image.js';
import { renderImageGrid, writeImageGrid } from '../trainer/image/image-grid.js';
import { OutputError } from '../trainer/errors/output-error.js';
import { UsageError } from '../trainer/errors/usage-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-grid-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** N images [2, 3, C], image i filled with value -1 + i/4 in every channel. */
function stack(n: number, c: number): Float32Array {
  const out = new Float32Array(n * 2 * 3 * c);
  for (let i = 0; i < n; i++) out.fill(-1 + i / 4, i * 6 * c, (i + 1) * 6 * c);
  return out;
}

describe('image grid', () => {
  it('lays images out in rows with padding and nearest-neighbour upscaling', () => {
    const g = renderImageGrid(stack(5, 3), [5, 2, 3, 3], { cols: 3, pad: 1, scale: 2, padValue: 7 });
    // 3 columns of 6 px, 2 rows of 4 px, plus 1 px borders.
    expect([g.width, g.height, g.channels]).toEqual([3 * 6 + 4, 2 * 4 + 3, 3]);
    const at = (x: number, y: number) => [...g.data.subarray(3 * (y * g.width + x), 3 * (y * g.width + x) + 3)];
    expect(at(0, 0)).toEqual([7, 7, 7]);
    expect(at(1, 1)).toEqual([0, 0, 0]); // image 0 = -1
    expect(at(6, 4)).toEqual([0, 0, 0]); // still image 0, last upscaled pixel
    expect(at(7, 1)).toEqual([7, 7, 7]); // gap between columns
    const v = (i: number) => Math.round((i / 4) * 127.5);
    expect(at(8, 1)).toEqual([v(1), v(1), v(1)]);
    expect(at(8, 6)).toEqual([v(4), v(4), v(4)]); // row 2, column 2 = image 4
    expect(at(15, 6)).toEqual([7, 7, 7]); // empty slot of image 5 stays border colour
  });

  it("composites RGBA over a light checkerboard with alpha: 'checkerboard', and drops alpha by default", () => {
    // Two 16x16 RGBA images: red and fully opaque; red and fully transparent.
    const px = new Float32Array(2 * 16 * 16 * 4);
    for (let i = 0; i < 2 * 256; i++) px.set([1, -1, -1, i < 256 ? 1 : -1], i * 4);
    const g = renderImageGrid(px, [2, 16, 16, 4], { cols: 2, pad: 0, alpha: 'checkerboard' });
    const at = (x: number, y: number) => [...g.data.subarray(3 * (y * g.width + x), 3 * (y * g.width + x) + 3)];
    expect(at(3, 3)).toEqual([255, 0, 0]); // opaque: the colour
    expect(at(16 + 3, 3)).toEqual([255, 255, 255]); // transparent: the light square
    expect(at(16 + 11, 3)).toEqual([204, 204, 204]); // and the next, darker one
    expect([...renderImageGrid(px, [2, 16, 16, 4], { cols: 2, pad: 0 }).data.subarray(3 * 19, 3 * 19 + 3)]).toEqual([255, 0, 0]);
  });

  it('keeps grayscale as one channel and writes a readable PNG atomically', async () => {
    const path = join(tmp, 'sub', 'grid.png');
    await writeImageGrid(path, stack(4, 1), [4, 2, 3, 1], { pad: 0 });
    const img = decodeImage(readFileSync(path), path);
    expect([img.width, img.height]).toEqual([6, 4]);
    expect([...img.data.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    expect(img.data[4 * (3 * 6 + 5)]).toBe(Math.round((3 / 4) * 127.5));
    expect(readdirSync(join(tmp, 'sub'))).toEqual(['grid.png']); // no temp file left behind
  });

  it('rejects a shape that does not match the data, and bad options', () => {
    expect(() => renderImageGrid(stack(2, 3), [3, 2, 3, 3])).toThrow(/not \[3, 2, 3, 3\]/);
    expect(() => renderImageGrid(stack(2, 3), [2, 2, 3, 3], { scale: 0 })).toThrow(UsageError);
    expect(() => renderImageGrid(stack(2, 3), [2, 2, 3, 3], { cols: 1.5 })).toThrow(/'cols'/);
  });

  it('reports an unwritable path as OutputError', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    await expect(writeImageGrid(join(file, 'grid.png'), stack(1, 3), [1, 2, 3, 3])).rejects.toThrow(OutputError);
  });
});
