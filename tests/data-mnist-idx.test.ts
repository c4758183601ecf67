import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { findMnist, loadIdxDataset } from '../trainer/data/mnist-idx.js';
import type { Dataset } from '../trainer/data/dataset.js';
import { DataError } from '../trainer/errors/data-error.js';

/** IDX bytes: magic 0x0000_08_<ndims>, big-endian dims, then `values`. */
function idx(dims: number[], values: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'webgen-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, bytes: Uint8Array): string => {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
};
// 5 images of 4x3 whose pixel k of image i is 10·i + k; labels 0..4.
const imgValues = Uint8Array.from({ length: 5 * 12 }, (_, k) => 10 * Math.floor(k / 12) + (k % 12));
const smallImages = idx([5, 4, 3], imgValues);
const smallLabels = idx([5], Uint8Array.of(0, 1, 2, 3, 4));

describe('loadIdxDataset on small generated files', () => {
  it('reads raw and gzip files identically, scaling bytes to [-1, 1]', async () => {
    const raw = await loadIdxDataset({ images: write('a-images', smallImages), labels: write('a-labels', smallLabels) });
    const gz = await loadIdxDataset({ images: write('a-images.gz', gzipSync(smallImages)), labels: write('a-labels.gz', gzipSync(smallLabels)) });
    expect([raw.size, raw.height, raw.width, raw.channels, raw.numClasses]).toEqual([5, 4, 3, 1, 5]);
    for (let i = 0; i < 5; i++) {
      expect(gz.get(i)).toEqual(raw.get(i));
      expect(raw.get(i).label).toBe(i);
      expect(raw.get(i).image[7]).toBeCloseTo((10 * i + 7) / 127.5 - 1, 6);
    }
  });

  it('pads to a square with background, centred', async () => {
    const ds = await loadIdxDataset({ images: write('b-images', smallImages), pad: 8 });
    expect([ds.width, ds.height]).toEqual([8, 8]);
    const img = ds.get(2).image;
    // 4 rows → 2 above; 3 cols → 2 left.
    expect(img[2 * 8 + 2]).toBeCloseTo(20 / 127.5 - 1, 6);
    expect(img[0]).toBe(-1);
    expect(img[7 * 8 + 7]).toBe(-1);
    expect(ds.get(0).label).toBeUndefined();
    await expect(loadIdxDataset({ images: write('b2-images', smallImages), pad: 3 })).rejects.toThrow(/pad/);
  });

  const rejects = async (opts: Parameters<typeof loadIdxDataset>[0], path: string, pattern: RegExp) => {
    const err = await loadIdxDataset(opts).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).path).toBe(path);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(pattern);
  };

  it('names a bad magic number and the value found', async () => {
    const bad = smallImages.slice();
    bad[0] = 0x12;
    bad[1] = 0x34;
    const p = write('c-images', bad);
    await rejects({ images: p }, p, /bad IDX magic number 0x12340803/);
  });

  it('names a file shorter than its header says, with both sizes', async () => {
    const p = write('d-images', smallImages.subarray(0, smallImages.length - 7));
    await rejects({ images: p }, p, new RegExp(`5x4x3 = 60 values \\(${smallImages.length} bytes\\).*${smallImages.length - 7} bytes`));
    const q = write('d2-images', smallImages.subarray(0, 9));
    await rejects({ images: q }, q, /shorter than its 16-byte header/);
  });

  it('names an image count that differs from the label count', async () => {
    const images = write('e-images', smallImages);
    const labels = write('e-labels', idx([4], Uint8Array.of(0, 1, 2, 3)));
    await rejects({ images, labels }, labels, /4 labels but .*e-images has 5 images/);
  });

  it('names a dimension mismatch (labels given as images, and the reverse)', async () => {
    const images = write('f-images', smallImages);
    const labels = write('f-labels', smallLabels);
    await rejects({ images: labels }, labels, /3 dimensions.*found 1/);
    await rejects({ images, labels: images }, images, /1 dimension.*found 3/);
  });

  it('names corrupt or truncated gzip data', async () => {
    const gz = gzipSync(smallImages);
    const p = write('g-images.gz', gz.subarray(0, gz.length - 10));
    await rejects({ images: p }, p, /gzip/);
    const flipped = Uint8Array.from(gz);
    flipped[20] = flipped[20]! ^ 0xff;
    const q = write('g2-images.gz', flipped);
    await rejects({ images: q }, q, /gzip|truncated|bytes/);
  });

  it('names a missing file', async () => {
    const p = join(tmp, 'nope-images');
    await rejects({ images: p }, p, /no such file/);
  });

  it('checks files against an MD5SUMS file beside them', async () => {
    const dir = join(tmp, 'sums');
    mkdirSync(dir);
    const p = join(dir, 'h-images');
    writeFileSync(p, smallImages);
    const good = createHash('md5').update(smallImages).digest('hex');
    writeFileSync(join(dir, 'MD5SUMS'), `${'0'.repeat(32)}  h-images\n`);
    await rejects({ images: p }, p, new RegExp(`MD5 ${good} does not match 0{32}`));
    expect((await loadIdxDataset({ images: p, verifyMd5: false })).size).toBe(5);
    writeFileSync(join(dir, 'MD5SUMS'), `${good}  h-images\n`);
    expect((await loadIdxDataset({ images: p })).describe()).toMatchObject({ md5: good, count: 5 });
  });
});

describe('MNIST test set from ../shared/data/mnist', () => {
  let ds: Dataset;
  let files: ReturnType<typeof findMnist>;
  beforeAll(async () => {
    files = findMnist();
    ds = await loadIdxDataset({ images: files.images, labels: files.labels, pad: 32 });
  });

  it('finds the files relative to the working directory', () => {
    expect(files.images).toMatch(/t10k-images-idx3-ubyte\.gz$/);
    expect(files.labels).toMatch(/t10k-labels-idx1-ubyte\.gz$/);
  });

  it('has 10,000 digits labelled 0..9, each class about a tenth', () => {
    expect([ds.size, ds.width, ds.height, ds.channels, ds.numClasses]).toEqual([10000, 32, 32, 1, 10]);
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < ds.size; i++) counts[ds.get(i).label!]!++;
    expect(counts.reduce((a, b) => a + b)).toBe(10000);
    for (const c of counts) expect(c).toBeGreaterThan(800);
    for (const c of counts) expect(c).toBeLessThan(1200);
  });

  it('has sensible pixel statistics: dark background, ~13% ink, empty padding', () => {
    let sum = 0;
    let sq = 0;
    let n = 0;
    let borderMax = -1;
    for (let i = 0; i < 1000; i++) {
      const img = ds.get(i).image;
      for (let k = 0; k < img.length; k++) {
        const v = (img[k]! + 1) / 2; // back to [0, 1]
        sum += v;
        sq += v * v;
        n++;
        const y = Math.floor(k / 32), x = k % 32;
        if (y < 2 || y >= 30 || x < 2 || x >= 30) borderMax = Math.max(borderMax, img[k]!);
      }
    }
    // Known MNIST figures on 28x28: mean 0.1325, std 0.3105; padding to 32x32 scales the mean by (28/32)^2.
    const mean28 = (sum / n) * (32 * 32) / (28 * 28);
    expect(mean28).toBeGreaterThan(0.12);
    expect(mean28).toBeLessThan(0.145);
    expect(Math.sqrt(sq / n - (sum / n) ** 2)).toBeGreaterThan(0.25);
    expect(borderMax).toBe(-1);
  });

  it('describes itself with the file MD5 from MD5SUMS and a relative path', () => {
    const sums = readFileSync(join(files.dir, 'MD5SUMS'), 'utf8');
    const d = ds.describe();
    expect(sums).toContain(`${d.md5}  t10k-images-idx3-ubyte.gz`);
    expect(sums).toContain(`${d.labelsMd5}  t10k-labels-idx1-ubyte.gz`);
    expect(d.path).toBe('../shared/data/mnist/t10k-images-idx3-ubyte.gz');
    expect(d).toMatchObject({ source: 'idx', count: 10000, pad: 32 });
  });

  it('gives a clear DataError when the MNIST folder or its files are missing', () => {
    // A repo root one level inside a fresh folder, so ../shared cannot exist whatever tmpdir holds.
    const outer = mkdtempSync(join(tmpdir(), 'webgen-nomnist-'));
    onTestFinished(() => rmSync(outer, { recursive: true, force: true }));
    const root = join(outer, 'repo');
    mkdirSync(root);
    expect(() => findMnist(root)).toThrow(DataError);
    expect(() => findMnist(root)).toThrow(/shared\/data\/mnist: MNIST folder not found.*t10k-images-idx3-ubyte\.gz/);
    mkdirSync(join(root, 'empty'));
    expect(() => findMnist(root, 'empty')).toThrow(/no MNIST files found/);
  });
});
