/**
 * Resolves the CLI's `--data` spec to a data set:
 *   shapes | shapes:N              procedural captioned shapes (the default; N examples, default 10000)
 *   emoji | emoji:PART             the Noto and Twemoji images with captions (fetched from npm on first use); PART is
 *                                  train (default), held-out-concept, held-out-style, held-out (both) or all
 *   mnist                          MNIST IDX files in ../shared/data/mnist (relative to the working directory)
 *   mnist:DIR                      MNIST IDX files in DIR
 *   idx:IMAGES[,LABELS]            any IDX image file, with optional labels
 *   PATH                           a folder of PNG/JPEG images (optional captions.jsonl)
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataError } from '../errors/data-error.js';
import { UsageError } from '../errors/usage-error.js';
import type { Dataset } from './dataset.js';
import { loadEmojiDataset } from './emoji/emoji-dataset.js';
import { defaultEmojiDir, ensureEmojiPackages } from './emoji/packages.js';
import { loadImageFolder } from './image-folder.js';
import { findMnist, loadIdxDataset } from './mnist-idx.js';
import { createShapesDataset, type ShapesOptions } from './shapes.js';
import { withChannels } from './with-channels.js';

/** The forms a spec can take, for help text and errors. */
export const DATA_SPEC_FORMS = [
  'shapes[:N]  procedural captioned shapes, N examples (default 10000)',
  'emoji[:PART]  Noto + Twemoji 64x64 RGBA with captions, fetched from npm on first use (PART: train, held-out-concept, held-out-style, held-out = both, all)',
  'mnist  MNIST in ../shared/data/mnist',
  'mnist:DIR  MNIST IDX files in DIR',
  'idx:IMAGES[,LABELS]  an IDX images file and optional labels file',
  'PATH  a folder of .png/.jpg images, optional captions.jsonl',
] as const;

const EMOJI_PARTS = ['train', 'held-out-concept', 'held-out-style', 'held-out', 'all'] as const;

/** Options of openDataset. */
export interface OpenDatasetOptions {
  /** Folder relative paths resolve against. Default process.cwd(). */
  cwd?: string;
  /** Image width. Default: 32 (shapes, image folders; IDX images are padded to it when larger than theirs). */
  width?: number;
  /** Image height. Default: `width`. */
  height?: number;
  /** Channels to convert to (1 or 3). Default: the source's own (shapes 3, IDX 1, folders 3). */
  channels?: number;
  /** Seed of the shapes data set. Default 0. */
  seed?: number;
  /** Extra shapes options (maxShapes, background, holdOutCombos…). */
  shapes?: Omit<ShapesOptions, 'size' | 'seed' | 'width' | 'height'>;
}

function formsList(): string {
  return DATA_SPEC_FORMS.map((f) => `  ${f}`).join('\n');
}

/** Opens the data set `spec` names (see the module comment). Unknown specs and missing paths name the spec and list the valid forms. */
export async function openDataset(spec: string, opts: OpenDatasetOptions = {}): Promise<Dataset> {
  const cwd = opts.cwd ?? process.cwd();
  const width = opts.width ?? 32;
  const height = opts.height ?? width;
  const ds = await open(spec.trim() === '' ? 'shapes' : spec.trim(), cwd, width, height, opts);
  return opts.channels === undefined ? ds : withChannels(ds, opts.channels);
}

async function open(spec: string, cwd: string, width: number, height: number, opts: OpenDatasetOptions): Promise<Dataset> {
  const colon = spec.indexOf(':');
  // "C:\..." is a Windows drive, not a scheme.
  const scheme = colon > 1 ? spec.slice(0, colon) : spec;
  const arg = colon > 1 ? spec.slice(colon + 1) : undefined;
  // IDX images are padded (centred, with background) to the requested size; equal size pads nothing.
  const idxPad = (): number => {
    if (width !== height) throw new UsageError(`--data '${spec}': IDX images are padded to a square; got width ${width} and height ${height}`);
    return width;
  };
  switch (scheme) {
    case 'shapes': {
      const size = arg === undefined ? undefined : Number(arg);
      if (size !== undefined && !(Number.isInteger(size) && size > 0)) {
        throw new UsageError(`--data '${spec}': shapes size must be a positive integer, e.g. shapes:10000`);
      }
      return createShapesDataset({ ...opts.shapes, ...(size !== undefined && { size }), seed: opts.seed ?? 0, width, height });
    }
    case 'emoji': {
      const part = arg === undefined || arg === '' ? 'train' : arg;
      if (!EMOJI_PARTS.includes(part as (typeof EMOJI_PARTS)[number])) throw new UsageError(`--data '${spec}': the emoji part must be one of ${EMOJI_PARTS.join(', ')}`);
      const dir = defaultEmojiDir();
      await ensureEmojiPackages(dir, (line) => process.stderr.write(`${line}\n`));
      const channels = opts.channels === undefined ? 4 : opts.channels;
      if (channels !== 1 && channels !== 3 && channels !== 4) throw new UsageError(`--data '${spec}': channels must be 1, 3 or 4, got ${channels}`);
      return loadEmojiDataset({ dir, part: part as (typeof EMOJI_PARTS)[number], width: opts.width ?? 64, height: opts.height ?? opts.width ?? 64, channels, seed: opts.seed ?? 0 });
    }
    case 'mnist': {
      const found = findMnist(cwd, arg === undefined || arg === '' ? undefined : arg);
      return loadIdxDataset({ images: found.images, labels: found.labels, name: 'mnist', pad: idxPad() });
    }
    case 'idx': {
      const [images, labels, extra] = (arg ?? '').split(',').map((s) => s.trim());
      if (!images || extra !== undefined) {
        throw new UsageError(`--data '${spec}': expected idx:IMAGES or idx:IMAGES,LABELS`);
      }
      return loadIdxDataset({
        images: resolve(cwd, images),
        ...(labels && { labels: resolve(cwd, labels) }),
        name: 'idx',
        pad: idxPad(),
      });
    }
  }
  if (colon > 1 && !existsSync(resolve(cwd, spec))) {
    throw new UsageError(`--data '${spec}': unknown data source '${scheme}'. Valid forms:\n${formsList()}`);
  }
  const path = resolve(cwd, spec);
  if (!existsSync(path)) {
    throw new DataError(spec, `no such data set or folder. Valid forms of --data:\n${formsList()}`);
  }
  if (!statSync(path).isDirectory()) {
    throw new DataError(spec, `is a file; --data takes a folder of images, or idx:FILE for an IDX file. Valid forms:\n${formsList()}`);
  }
  return loadImageFolder(path, { width, height });
}
