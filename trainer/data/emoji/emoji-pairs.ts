/**
 * Paired emoji for image-to-image translation: the same image (same code points, skin tone included) drawn in two
 * styles, as two data sets aligned by index (source.get(i) and target.get(i) show one emoji). Built on the emoji data
 * set and its concept split, so a held-out concept is never in the 'train' pairs; a concept held out in one style only
 * has no training pair either (one side is missing from the training part).
 *
 * Fully transparent pixels have their colour cleared to black (RGBA 0, 0, 0, 0, i.e. −1 in model units): the Noto
 * PNGs keep arbitrary colours under alpha 0 (Twemoji's are black), which no one sees, which an L1 loss would ask the
 * generator to reproduce, and which a browser canvas (premultiplied) never hands the SDK anyway.
 */
import { UsageError } from '../../errors/usage-error.js';
import { subsetDataset, type Dataset, type Example } from '../dataset.js';
import { loadEmojiDataset, type EmojiDatasetOptions } from './emoji-dataset.js';
import type { EmojiStyle } from './packages.js';

export interface EmojiPairs {
  /** Images in the source style [S, S, C], index-aligned with `target`. */
  source: Dataset;
  target: Dataset;
  /** The code points of pair i ('1F385-1F3FB'). */
  unified: readonly string[];
}

export interface EmojiPairsOptions extends Omit<EmojiDatasetOptions, 'styles'> {
  from: EmojiStyle;
  to: EmojiStyle;
}

/** Loads the pairs of one part (see the module comment). No pair at all is a UsageError naming the part. */
export function loadEmojiPairs(opts: EmojiPairsOptions): EmojiPairs {
  if (opts.from === opts.to) throw new UsageError(`emoji pairs: the source and target styles must differ, got '${opts.from}' twice`);
  const { from, to, ...rest } = opts;
  const a = loadEmojiDataset({ ...rest, styles: [from] });
  const b = loadEmojiDataset({ ...rest, styles: [to] });
  const inB = new Map<string, number>();
  for (let i = 0; i < b.size; i++) inB.set(String(b.get(i).attributes!.unified), i);
  const ia: number[] = [];
  const ib: number[] = [];
  const unified: string[] = [];
  for (let i = 0; i < a.size; i++) {
    const u = String(a.get(i).attributes!.unified);
    const j = inB.get(u);
    if (j === undefined) continue;
    ia.push(i);
    ib.push(j);
    unified.push(u);
  }
  const part = opts.part ?? 'train';
  if (ia.length === 0) throw new UsageError(`emoji pairs: no emoji of the '${part}' part is drawn in both ${from} and ${to}`);
  const info = { pairs: `${from} → ${to}`, part, transparent: 'colour cleared' };
  return {
    source: withClearedTransparency(subsetDataset(a, Int32Array.from(ia), `emoji/${from}`, info)),
    target: withClearedTransparency(subsetDataset(b, Int32Array.from(ib), `emoji/${to}`, info)),
    unified,
  };
}

/** `ds` with the colour of every fully transparent pixel set to black (RGBA in [-1, 1], [H, W, 4]). */
function withClearedTransparency(ds: Dataset): Dataset {
  return {
    ...ds,
    get(index: number): Example {
      const ex = ds.get(index);
      const image = Float32Array.from(ex.image);
      for (let p = 3; p < image.length; p += 4) if (image[p]! <= -1) image.fill(-1, p - 3, p);
      return { ...ex, image };
    },
  };
}
