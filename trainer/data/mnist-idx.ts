/**
 * MNIST-style IDX files (MNIST, Fashion-MNIST, KMNIST…): unsigned-byte images (idx3-ubyte) and
 * labels (idx1-ubyte), raw or gzip (detected by the 1f 8b magic, not the name).
 *
 * IDX layout: 2 zero bytes, a type byte (0x08 = unsigned byte), a dimension count, then one
 * big-endian uint32 per dimension, then the values row-major.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../errors/data-error.js';
import { UsageError } from '../errors/usage-error.js';
import { portablePath } from './portable-path.js';
import { checkIndex, type Dataset, type Example } from './dataset.js';

/** A parsed IDX file of unsigned bytes. */
export interface IdxArray {
  dims: number[];
  /** The values, row-major. */
  data: Uint8Array;
}

/** Parses IDX bytes (already gunzipped). `path` names the file in errors. */
export function parseIdx(bytes: Uint8Array, path: string): IdxArray {
  if (bytes.length < 4) throw new DataError(path, `file is ${bytes.length} bytes, shorter than the 4-byte IDX magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[3] === 0) {
    throw new DataError(path, `bad IDX magic number ${hex} (expected 0x00000801 for labels or 0x00000803 for images)`);
  }
  if (bytes[2] !== 0x08) {
    throw new DataError(path, `IDX magic number ${hex} declares element type 0x${bytes[2]!.toString(16)}; only unsigned bytes (0x08) are supported`);
  }
  const ndims = bytes[3]!;
  const header = 4 + 4 * ndims;
  if (bytes.length < header) {
    throw new DataError(path, `file is ${bytes.length} bytes, shorter than its ${header}-byte header (${ndims} dimensions)`);
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = header + count;
  if (bytes.length < expected) {
    throw new DataError(
      path,
      `file is truncated: header says ${dims.join('x')} = ${count} values (${expected} bytes) but the file has ${bytes.length} bytes`,
    );
  }
  if (bytes.length > expected) {
    throw new DataError(path, `file has ${bytes.length - expected} bytes after the ${dims.join('x')} values its header declares (${expected} bytes); wrong or corrupt file`);
  }
  return { dims, data: bytes.subarray(header, expected) };
}

/** Reads an IDX file, gunzipping when it starts with 1f 8b. Returns the file's bytes as stored too. */
export async function readIdxFile(path: string): Promise<IdxArray & { fileBytes: Uint8Array }> {
  let fileBytes: Uint8Array;
  try {
    fileBytes = await readFile(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DataError(path, e.code === 'ENOENT' ? 'no such file' : `cannot read: ${e.message}`);
  }
  let bytes = fileBytes;
  if (fileBytes[0] === 0x1f && fileBytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(fileBytes);
    } catch (err) {
      throw new DataError(path, `gzip data is corrupt or truncated (${(err as Error).message})`);
    }
  }
  return { ...parseIdx(bytes, path), fileBytes };
}

function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Options of loadIdxDataset. */
export interface IdxDatasetOptions {
  /** Path of the images file (idx3-ubyte, [N, H, W]), raw or gzip. */
  images: string;
  /** Path of the labels file (idx1-ubyte, [N]). Default: none (unlabelled). */
  labels?: string;
  /**
   * Pad each image with background (-1) to this square size, centred; e.g. 32 turns MNIST's 28×28
   * into the 32×32 that U-Nets with three downsamplings want; the images' own size pads nothing.
   * Default: no padding.
   */
  pad?: number;
  /** Class names, index = label. Default: '0', '1', … up to the largest label. */
  classNames?: string[];
  /**
   * Check each file against an MD5SUMS file in its folder when one lists it (DataError on mismatch).
   * Default true.
   */
  verifyMd5?: boolean;
  /** Name of the data set. Default 'idx' (or 'mnist' from openDataset). */
  name?: string;
}

/** Reads `MD5SUMS` beside `path` (lines "<md5>  <file>") and returns the sum listed for it, if any. */
async function listedMd5(path: string): Promise<string | undefined> {
  const sums = join(dirname(path), 'MD5SUMS');
  if (!existsSync(sums)) return undefined;
  const text = await readFile(sums, 'utf8');
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{32})\s+\*?(.+?)\s*$/i.exec(line);
    if (m && m[2] === basename(path)) return m[1]!.toLowerCase();
  }
  return undefined;
}

/**
 * Loads an IDX image file (and optionally its labels) as a 1-channel data set with values in [-1, 1]
 * (0 = background = -1). Throws DataError naming the file for missing, corrupt or inconsistent data.
 */
export async function loadIdxDataset(opts: IdxDatasetOptions): Promise<Dataset> {
  const verify = opts.verifyMd5 ?? true;
  const files: Array<{ path: string; role: string }> = [{ path: opts.images, role: 'images' }];
  if (opts.labels !== undefined) files.push({ path: opts.labels, role: 'labels' });
  const read = await Promise.all(files.map((f) => readIdxFile(f.path)));
  const sums: Record<string, string> = {};
  for (const [k, f] of files.entries()) {
    const sum = md5(read[k]!.fileBytes);
    sums[f.role] = sum;
    const listed = verify ? await listedMd5(f.path) : undefined;
    if (listed !== undefined && listed !== sum) {
      throw new DataError(f.path, `MD5 ${sum} does not match ${listed} listed in ${join(dirname(f.path), 'MD5SUMS')}; the file is corrupt or was replaced`);
    }
  }
  const img = read[0]!;
  if (img.dims.length !== 3) {
    throw new DataError(opts.images, `expected an images file with 3 dimensions [count, rows, cols], found ${img.dims.length}: [${img.dims.join(', ')}]`);
  }
  const [count, rows, cols] = img.dims as [number, number, number];
  if (rows < 1 || cols < 1) throw new DataError(opts.images, `image size ${rows}x${cols} is empty`);
  let labels: Uint8Array | undefined;
  if (opts.labels !== undefined) {
    const lab = read[1]!;
    if (lab.dims.length !== 1) {
      throw new DataError(opts.labels, `expected a labels file with 1 dimension [count], found ${lab.dims.length}: [${lab.dims.join(', ')}]; are images and labels swapped?`);
    }
    if (lab.dims[0] !== count) {
      throw new DataError(opts.labels, `has ${lab.dims[0]} labels but ${opts.images} has ${count} images`);
    }
    labels = lab.data;
  }
  const pad = opts.pad;
  if (pad !== undefined && (!Number.isInteger(pad) || pad < Math.max(rows, cols))) {
    throw new UsageError(`idx: 'pad' must be an integer >= the image size ${rows}x${cols}, got ${pad}`);
  }
  const height = pad ?? rows;
  const width = pad ?? cols;
  const top = Math.floor((height - rows) / 2);
  const left = Math.floor((width - cols) / 2);
  let numClasses: number | undefined;
  let classNames = opts.classNames;
  if (labels) {
    let max = 0;
    for (const l of labels) max = Math.max(max, l);
    numClasses = Math.max(max + 1, classNames?.length ?? 0);
    classNames ??= Array.from({ length: numClasses }, (_, k) => String(k));
    if (classNames.length < numClasses) {
      throw new UsageError(`idx: ${classNames.length} class names given but ${opts.labels} has labels up to ${max}`);
    }
  }
  const ds: Dataset = {
    name: opts.name ?? 'idx',
    size: count,
    width,
    height,
    channels: 1,
    ...(numClasses !== undefined && { numClasses, classNames }),
    get(index: number): Example {
      checkIndex(ds, index);
      const image = new Float32Array(height * width).fill(-1); // [H, W, 1]
      const src = img.data.subarray(index * rows * cols, (index + 1) * rows * cols);
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < cols; x++) image[(y + top) * width + x + left] = src[y * cols + x]! / 127.5 - 1;
      }
      return labels ? { image, label: labels[index]!, attributes: { index } } : { image, attributes: { index } };
    },
    describe: () => ({
      source: 'idx',
      // Relative to the working directory: manifests must not carry this machine's absolute paths.
      path: portablePath(opts.images),
      ...(opts.labels !== undefined && { labelsPath: portablePath(opts.labels) }),
      count,
      md5: sums.images,
      ...(sums.labels && { labelsMd5: sums.labels }),
      sourceSize: [rows, cols],
      ...(pad !== undefined && pad !== rows && { pad }),
    }),
  };
  return ds;
}

/** File names tried by findMnist, most preferred first (the training set when a user has it). */
const MNIST_CANDIDATES = [
  ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
] as const;

/**
 * Locates MNIST IDX files. With `dir`, looks there; otherwise in `../shared/data/mnist` relative to
 * `root` (default process.cwd()). Accepts `.gz` or raw files; prefers the training set, then t10k.
 * Throws DataError when the folder or the files are missing, saying what was expected.
 */
export function findMnist(root: string = process.cwd(), dir?: string): { dir: string; images: string; labels: string } {
  const folder = dir !== undefined ? resolve(root, dir) : resolve(root, '..', 'shared', 'data', 'mnist');
  if (!existsSync(folder)) {
    throw new DataError(
      folder,
      `MNIST folder not found. Put t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (or the train-* pair) there, or pass --data mnist:DIR / idx:IMAGES,LABELS`,
    );
  }
  for (const [imagesName, labelsName] of MNIST_CANDIDATES) {
    for (const ext of ['.gz', '']) {
      const images = join(folder, imagesName + ext);
      const labels = join(folder, labelsName + ext);
      if (existsSync(images) && existsSync(labels)) return { dir: folder, images, labels };
    }
  }
  throw new DataError(
    folder,
    `no MNIST files found; expected ${MNIST_CANDIDATES.map(([i, l]) => `${i}[.gz] + ${l}[.gz]`).join(' or ')}`,
  );
}
