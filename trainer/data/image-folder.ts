/**
 * A folder of PNG/JPEG images as a data set, optionally captioned or labelled by `captions.jsonl`
 * (one JSON object per line: {"file": "a.png", "caption": "…"} and/or "label": 3 or "label": "cat").
 * Images are decoded once at load, centre-cropped to the target aspect, resized (area when
 * shrinking, bilinear when enlarging) and kept as bytes; get() converts to [-1, 1].
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DataError } from '../errors/data-error.js';
import { UsageError } from '../errors/usage-error.js';
import { convertChannels } from '../../sdk/image/pixels.js';
import { decodeImage } from '../image/decode-image.js';
import { resizePixels } from '../../sdk/image/resize.js';
import { centerCropBox, cropImage } from '../image/crop.js';
import { checkIndex, type Dataset, type Example } from './dataset.js';
import { portablePath } from './portable-path.js';

/** Options of loadImageFolder. */
export interface ImageFolderOptions {
  /** Target width in pixels. Default 32. */
  width?: number;
  /** Target height in pixels. Default 32. */
  height?: number;
  /** Channels of the examples: 1 (gray), 3 (RGB) or 4 (RGBA). Default 3. */
  channels?: 1 | 3 | 4;
  /** 'crop': centre-crop to the target aspect ratio, then resize; 'stretch': resize as is. Default 'crop'. */
  fit?: 'crop' | 'stretch';
  /** What transparent pixels become when alpha is dropped. Default 'white'. */
  alphaBackground?: 'white' | 'black';
  /** Name of the captions file inside the folder. Default 'captions.jsonl'. */
  captionsFile?: string;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

interface Annotation {
  caption?: string;
  label?: number | string;
}

/** Parses captions.jsonl; every problem names the file and the 1-based line. */
function parseCaptions(text: string, path: string): Map<string, Annotation> {
  const out = new Map<string, Annotation>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `line ${i + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new DataError(path, `${where}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new DataError(path, `${where}: expected an object like {"file": "a.png", "caption": "..."}`);
    }
    const { file, caption, label } = obj as Record<string, unknown>;
    if (typeof file !== 'string' || file === '') throw new DataError(path, `${where}: missing "file" (a file name in the folder)`);
    if (caption !== undefined && typeof caption !== 'string') throw new DataError(path, `${where}: "caption" must be a string`);
    if (label !== undefined && !(typeof label === 'string' || (Number.isInteger(label) && (label as number) >= 0))) {
      throw new DataError(path, `${where}: "label" must be a non-negative integer or a class name string, got ${JSON.stringify(label)}`);
    }
    if (caption === undefined && label === undefined) throw new DataError(path, `${where}: needs "caption" or "label"`);
    if (out.has(file)) throw new DataError(path, `${where}: "${file}" is listed twice`);
    out.set(file, { ...(caption !== undefined && { caption }), ...(label !== undefined && { label: label as number | string }) });
  });
  return out;
}

/**
 * Loads every .png/.jpg/.jpeg directly in `dir` (sorted by name) as a data set. Throws DataError
 * for a missing or empty folder, an undecodable image, a bad captions line, or a caption for a
 * file that is not there.
 */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<Dataset> {
  const width = opts.width ?? 32;
  const height = opts.height ?? 32;
  const channels = opts.channels ?? 3;
  const fit = opts.fit ?? 'crop';
  const captionsName = opts.captionsFile ?? 'captions.jsonl';
  for (const [what, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`image folder: '${what}' must be a positive integer, got ${v}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new UsageError(`image folder: 'channels' must be 1, 3 or 4, got ${channels}`);
  }
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new DataError(dir, 'image folder not found');
  }
  if (!isDir) throw new DataError(dir, 'is a file, not a folder of images');
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new DataError(dir, 'folder has no .png, .jpg or .jpeg images');

  const captionsPath = join(dir, captionsName);
  let notes = new Map<string, Annotation>();
  let captionsText: string | undefined;
  try {
    captionsText = await readFile(captionsPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new DataError(captionsPath, `cannot read: ${(err as Error).message}`);
  }
  if (captionsText !== undefined) {
    notes = parseCaptions(captionsText, captionsPath);
    const present = new Set(names);
    for (const file of notes.keys()) {
      if (!present.has(file)) throw new DataError(captionsPath, `has an entry for "${file}", which is not an image in ${dir}`);
    }
  }

  // Labels: integers as given; strings become indices of their sorted distinct names.
  const labelValues = [...notes.values()].map((a) => a.label).filter((l) => l !== undefined);
  const mixed = labelValues.some((l) => typeof l === 'string') && labelValues.some((l) => typeof l === 'number');
  if (mixed) throw new DataError(captionsPath, 'labels mix numbers and names; use one kind');
  let classNames: string[] | undefined;
  let numClasses: number | undefined;
  if (labelValues.length > 0) {
    if (typeof labelValues[0] === 'string') classNames = [...new Set(labelValues as string[])].sort();
    else {
      numClasses = Math.max(...(labelValues as number[])) + 1;
      classNames = Array.from({ length: numClasses }, (_, k) => String(k));
    }
    numClasses = classNames.length;
  }

  const pixels = width * height * channels;
  const store = new Uint8Array(names.length * pixels); // [N, H, W, C]
  const hash = createHash('md5');
  const bg = (opts.alphaBackground ?? 'white') === 'white' ? 255 : 0;
  for (const [i, name] of names.entries()) {
    const path = join(dir, name);
    const bytes = await readFile(path);
    hash.update(name).update(bytes);
    const img = decodeImage(bytes, path);
    if (img.width < 1 || img.height < 1) throw new DataError(path, `image is ${img.width}x${img.height}`);
    let rgba = img.data;
    let w = img.width;
    let h = img.height;
    if (fit === 'crop') {
      const box = centerCropBox(w, h, width, height);
      rgba = cropImage(rgba, w, 4, box);
      w = box.width;
      h = box.height;
    }
    // Compositing over the background before resizing is exact (both steps are linear); only 4-channel
    // output averages colours unpremultiplied at soft transparent edges.
    const converted = convertChannels(rgba, 4, channels, bg, 255);
    const resized = resizePixels(converted, w, h, channels, width, height);
    for (let k = 0; k < pixels; k++) store[i * pixels + k] = Math.min(255, Math.max(0, Math.round(resized[k]!)));
  }

  const labelOf = (a: Annotation | undefined): number | undefined =>
    a?.label === undefined ? undefined : typeof a.label === 'number' ? a.label : classNames!.indexOf(a.label);
  // One digest over names and bytes of every image, in order: identifies the folder's contents.
  const digest = hash.digest('hex');
  const ds: Dataset = {
    name: 'image-folder',
    size: names.length,
    width,
    height,
    channels,
    ...(numClasses !== undefined && { numClasses, classNames }),
    get(index: number): Example {
      checkIndex(ds, index);
      const image = new Float32Array(pixels);
      const src = store.subarray(index * pixels, (index + 1) * pixels);
      for (let k = 0; k < pixels; k++) image[k] = src[k]! / 127.5 - 1;
      const note = notes.get(names[index]!);
      const label = labelOf(note);
      return {
        image,
        ...(label !== undefined && { label }),
        ...(note?.caption !== undefined && { caption: note.caption }),
        attributes: { file: names[index]! },
      };
    },
    describe: () => ({
      source: 'image-folder',
      path: portablePath(dir),
      count: names.length,
      md5: digest,
      captioned: notes.size,
      fit,
    }),
  };
  return ds;
}
