/**
 * The emoji judge's labelled data: the emoji split (trainer/data/emoji/split.ts) with label = subcategory·2 + style
 * (198 pair classes over the catalogue's 99 subcategories and its two styles, named "face-smiling (noto)"), RGB over
 * white at `size`. It trains on the 'train' part and is held out on every image the generators never see: the
 * held-out concepts (things never seen) and the held-out styles (a seen thing in the style it was never seen in),
 * reported apart as `heldOutGroups`. pair-accuracy.ts reads a prediction as its subcategory and its style.
 */
import { checkIndex, type Dataset, type Example } from '../data/dataset.js';
import { readEmojiCatalogue } from '../data/emoji/catalogue.js';
import { loadEmojiDataset } from '../data/emoji/emoji-dataset.js';
import { defaultEmojiDir, ensureEmojiPackages, STYLE_WORD, type EmojiStyle } from '../data/emoji/packages.js';

/** The two styles in label order (label % 2). */
export const EMOJI_JUDGE_STYLES: readonly EmojiStyle[] = ['google', 'twitter'];

/** What {@link openEmojiJudgeData} returns (the shape of classifier-data.ts's split, plus the held-out groups). */
export interface EmojiJudgeData {
  train: Dataset;
  heldOut: Dataset;
  /** Pair class names, index = label. */
  classNames: string[];
  /** The subcategories, index = floor(label / 2). */
  subcategories: string[];
  /** Indices into `heldOut` of each held-out part. */
  heldOutGroups: Record<'held-out-concept' | 'held-out-style', number[]>;
  description: string;
}

/** The judge's subcategories in label order (index = floor(label / 2)): the catalogue's, sorted. */
export function emojiJudgeSubcategories(dir = defaultEmojiDir()): string[] {
  return [...new Set(readEmojiCatalogue(dir).map((e) => e.subcategory))].sort();
}

/** Opens the emoji data (fetching the packages from npm on first use) at `size`×`size`×3. */
export async function openEmojiJudgeData(size: number, dir = defaultEmojiDir(), log: (line: string) => void = () => {}): Promise<EmojiJudgeData> {
  await ensureEmojiPackages(dir, log);
  const subcategories = emojiJudgeSubcategories(dir);
  const classNames = subcategories.flatMap((s) => EMOJI_JUDGE_STYLES.map((style) => `${s} (${STYLE_WORD[style]})`));
  const open = (part: 'train' | 'held-out-concept' | 'held-out-style') =>
    pairLabelled(loadEmojiDataset({ dir, part, width: size, height: size, channels: 3 }), subcategories, classNames);
  const train = open('train');
  const concept = open('held-out-concept');
  const style = open('held-out-style');
  const heldOut = concatenated([concept, style], 'emoji-judge/held-out');
  const heldOutGroups = {
    'held-out-concept': Array.from({ length: concept.size }, (_, i) => i),
    'held-out-style': Array.from({ length: style.size }, (_, i) => concept.size + i),
  };
  const description =
    `emoji (Noto + Twemoji) ${size}x${size}x3 over white, label = subcategory x style (${classNames.length} classes); ` +
    `trained on the ${train.size} 'train' images, held out ${heldOut.size}: ${concept.size} of held-out concepts + ${style.size} of held-out styles (emoji split, seed 0)`;
  return { train, heldOut, classNames, subcategories, heldOutGroups, description };
}

/** `ds` with label = subcategory·2 + style and the pair class names. */
function pairLabelled(ds: Dataset, subcategories: string[], classNames: string[]): Dataset {
  const index = new Map(subcategories.map((s, i) => [s, i]));
  return {
    ...ds,
    numClasses: classNames.length,
    classNames,
    get(i: number): Example {
      const ex = ds.get(i);
      const a = ex.attributes!;
      return { ...ex, label: index.get(String(a.subcategory))! * 2 + EMOJI_JUDGE_STYLES.indexOf(a.style as EmojiStyle) };
    },
    describe: () => ({ ...ds.describe(), label: 'subcategory*2+style' }),
  };
}

/** The examples of `parts`, one after another. */
function concatenated(parts: Dataset[], name: string): Dataset {
  const first = parts[0]!;
  const size = parts.reduce((n, p) => n + p.size, 0);
  return {
    ...first,
    name,
    size,
    get(i: number): Example {
      checkIndex({ name, size }, i);
      let k = i;
      for (const p of parts) {
        if (k < p.size) return p.get(k);
        k -= p.size;
      }
      throw new Error('unreachable');
    },
    describe: () => ({ source: 'emoji', parts: parts.map((p) => p.describe()), count: size }),
  };
}
