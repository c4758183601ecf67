/**
 * The emoji data set: the Noto and Twemoji images (64×64 RGBA) with captions (catalogue.ts) and a concept-level split
 * (split.ts). Images are decoded once at load and kept as bytes; get() converts to [-1, 1], resizing (sdk/image/resize.ts)
 * and dropping alpha (over white) when asked.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../errors/data-error.js';
import { UsageError } from '../../errors/usage-error.js';
import { convertChannels } from '../../../sdk/image/pixels.js';
import { decodeImage } from '../../image/decode-image.js';
import { resizePixels } from '../../../sdk/image/resize.js';
import { checkIndex, type Dataset, type Example } from '../dataset.js';
import { emojiCaption, readEmojiCatalogue, type EmojiEntry } from './catalogue.js';
import { EMOJI_PACKAGES, packageDir, type EmojiStyle } from './packages.js';
import { splitEmoji, type EmojiPart, type EmojiSplitOptions } from './split.js';

export interface EmojiDatasetOptions extends EmojiSplitOptions {
  /** Folder of the unpacked packages (packages.ts defaultEmojiDir). */
  dir: string;
  /** Which part: 'train' (default), 'held-out-concept', 'held-out-style', 'held-out' (both held-out parts), or 'all'. */
  part?: EmojiPart | 'held-out' | 'all';
  /** Styles to read. Default both. */
  styles?: readonly EmojiStyle[];
  /** Size of the examples. Default 64 (the images' own). */
  width?: number;
  height?: number;
  /** 4 (RGBA, the default), 3 (RGB over white) or 1 (grey over white). */
  channels?: 1 | 3 | 4;
}

const SOURCE = 64;

/** Loads the emoji data set (see the module comment). Missing packages are a DataError saying how to fetch them. */
export function loadEmojiDataset(opts: EmojiDatasetOptions): Dataset {
  const part = opts.part ?? 'train';
  const width = opts.width ?? SOURCE;
  const height = opts.height ?? width;
  const channels = opts.channels ?? 4;
  if (![1, 3, 4].includes(channels)) throw new UsageError(`emoji: channels must be 1, 3 or 4, got ${channels}`);
  const all = readEmojiCatalogue(opts.dir, opts.styles);
  const parts = splitEmoji(all, opts);
  const entries: EmojiEntry[] = all.filter((_, i) => part === 'all' || parts[i] === part || (part === 'held-out' && parts[i] !== 'train'));
  const pixels = SOURCE * SOURCE * 4;
  const bytes = new Uint8Array(entries.length * pixels);
  const md5 = createHash('md5');
  entries.forEach((e, i) => {
    const path = join(packageDir(opts.dir, e.style), e.file);
    let file: Buffer;
    try {
      file = readFileSync(path);
    } catch (err) {
      throw new DataError(path, `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the emoji package is incomplete: delete its folder and run 'webgen-train data emoji'`);
    }
    const img = decodeImage(file, path);
    if (img.width !== SOURCE || img.height !== SOURCE) throw new DataError(path, `is ${img.width}x${img.height}; the emoji sets are ${SOURCE}x${SOURCE}`);
    bytes.set(img.data, i * pixels);
    md5.update(file);
  });
  const digest = md5.digest('hex');
  const classNames = [...new Set(entries.map((e) => e.category))];
  return {
    name: 'emoji',
    size: entries.length,
    width,
    height,
    channels,
    get(index: number): Example {
      checkIndex(this, index);
      const e = entries[index]!;
      const rgba = bytes.subarray(index * pixels, (index + 1) * pixels);
      // Alpha over white when dropped; kept (RGBA) otherwise. Bytes → [-1, 1].
      const converted = channels === 4 ? rgba : convertChannels(rgba, 4, channels, 255, 255);
      const sized = width === SOURCE && height === SOURCE ? converted : resizePixels(converted, SOURCE, SOURCE, channels, width, height);
      const image = new Float32Array(sized.length);
      for (let i = 0; i < sized.length; i++) image[i] = sized[i]! / 127.5 - 1;
      return {
        image,
        caption: emojiCaption(e),
        label: classNames.indexOf(e.category),
        attributes: { concept: e.concept, unified: e.unified, style: e.style, name: e.name, category: e.category, subcategory: e.subcategory, ...(e.skinTone && { skinTone: e.skinTone }) },
      };
    },
    numClasses: classNames.length,
    classNames,
    describe: () => ({
      source: 'emoji',
      part,
      count: entries.length,
      md5: digest,
      packages: Object.values(EMOJI_PACKAGES).map((p) => `${p.name}@${p.version}`),
      split: { heldOutConcepts: opts.heldOutConcepts ?? 0.05, heldOutStyle: opts.heldOutStyle ?? 0.05, seed: opts.seed ?? 0 },
    }),
  };
}
