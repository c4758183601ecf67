/**
 * Measures an exported CLIP model on the images its training never saw, through the SDK's createClip (the code users
 * run): caption retrieval both ways (text→image and image→text recall@1/@5 among all held-out images), concept-name
 * retrieval (the emoji's name finds an image of it), and zero-shot subcategory classification (the 99 subcategory
 * names as labels), each beside chance. Emoji held out two ways (emoji split): concepts never seen, and seen concepts
 * in the style they were never seen in; figures per part and over both.
 */
import { createClip, type Clip, type Embeddings, type RgbaImage } from '../../sdk/node.js';
import { datasetRgba } from '../autoencoder/evaluate-autoencoder.js';
import type { Dataset } from '../data/dataset.js';
import { openDataset } from '../data/open-dataset.js';
import { readEmojiCatalogue } from '../data/emoji/catalogue.js';
import { defaultEmojiDir } from '../data/emoji/packages.js';
import { UsageError } from '../errors/usage-error.js';
import { captionWords } from './clip-text.js';
import { recallAtK, rowArgmax, transposed, type Recall } from './retrieval.js';

/** The held-out parts of the emoji split. */
export const CLIP_EVAL_PARTS = ['held-out-concept', 'held-out-style'] as const;

/** One evaluated image set. */
export interface ClipSetResult {
  name: string;
  images: number;
  /** Each image's caption (cut to the tokenizer's length) finds that image among all of the set, and back. */
  textToImage: Recall;
  imageToText: Recall;
  /** Each distinct emoji name finds an image of its concept (any style or skin tone). */
  nameToImage: Recall;
  /** Top-1 zero-shot subcategory accuracy, with chance (1 / labels) and the majority subcategory's share. */
  zeroShotSubcategory: { accuracy: number; chance: number; majority: number; labels: number };
}

export interface ClipEvalResult {
  model: string;
  sets: ClipSetResult[];
}

/** Images per SDK call. */
const BATCH = 64;

/** A subcategory id as words: 'face-smiling' → 'face smiling'. */
export function subcategoryLabel(subcategory: string): string {
  return subcategory.split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
}

async function embedAll<T>(items: T[], embed: (chunk: T[]) => Promise<Embeddings>): Promise<Embeddings> {
  const parts: Embeddings[] = [];
  for (let s = 0; s < items.length; s += BATCH) parts.push(await embed(items.slice(s, s + BATCH)));
  const d = parts[0]!.shape[1]!;
  const data = new Float32Array(items.length * d);
  let o = 0;
  for (const p of parts) {
    data.set(p.data, o);
    o += p.data.length;
  }
  return { data, shape: [items.length, d] };
}

interface Item {
  image: RgbaImage;
  caption: string;
  name: string;
  concept: string;
  subcategory: string;
}

function items(data: Dataset, maxWords: number, limit?: number): Item[] {
  const n = Math.min(limit ?? data.size, data.size);
  const rgba = datasetRgba(data, n);
  return rgba.map((image, i) => {
    const ex = data.get(i);
    const a = ex.attributes ?? {};
    return { image, caption: captionWords(ex.caption ?? '', maxWords), name: String(a.name), concept: String(a.concept), subcategory: String(a.subcategory) };
  });
}

async function evaluateSet(clip: Clip, name: string, set: Item[], subcategories: string[]): Promise<ClipSetResult> {
  const img = await embedAll(set.map((s) => s.image), (c) => clip.embedImages(c));
  const txt = await embedAll(set.map((s) => s.caption), (c) => clip.embedText(c));
  const t2i = clip.similarity(txt, img);
  const sameCaption = (q: number, c: number) => set[q]!.caption === set[c]!.caption;
  const textToImage = recallAtK(t2i, sameCaption);
  const imageToText = recallAtK(transposed(t2i), sameCaption);
  const names = [...new Set(set.map((s) => s.name))];
  const conceptOfName = new Map(set.map((s) => [s.name, s.concept]));
  const nameEmb = await embedAll(names, (c) => clip.embedText(c));
  const nameToImage = recallAtK(clip.similarity(nameEmb, img), (q, c) => set[c]!.concept === conceptOfName.get(names[q]!));
  const labelEmb = await embedAll(subcategories.map(subcategoryLabel), (c) => clip.embedText(c));
  const predicted = rowArgmax(clip.similarity(img, labelEmb));
  let right = 0;
  const counts = new Map<string, number>();
  set.forEach((s, i) => {
    if (subcategories[predicted[i]!] === s.subcategory) right++;
    counts.set(s.subcategory, (counts.get(s.subcategory) ?? 0) + 1);
  });
  const zeroShotSubcategory = { accuracy: right / set.length, chance: 1 / subcategories.length, majority: Math.max(...counts.values()) / set.length, labels: subcategories.length };
  return { name, images: set.length, textToImage, imageToText, nameToImage, zeroShotSubcategory };
}

/**
 * Evaluates the CLIP model folder `dir` on the emoji held-out parts (each, and both together). `limit` caps the
 * images per part (tests).
 */
export async function evaluateClip(dir: string, opts: { limit?: number } = {}): Promise<ClipEvalResult> {
  const clip = await createClip({ model: dir });
  try {
    const data = (clip.manifest.training.config as { data?: string } | undefined)?.data;
    if (data !== undefined && !/^emoji(:train)?$/.test(data)) throw new UsageError(`clip eval measures emoji models; '${dir}' was trained on '${data}'`);
    const maxWords = clip.manifest.conditioning!.tokenizer!.maxLength;
    const parts: Record<string, Item[]> = {};
    for (const part of CLIP_EVAL_PARTS) parts[part] = items(await openDataset(`emoji:${part}`, { channels: 4 }), maxWords, opts.limit);
    const subcategories = [...new Set(readEmojiCatalogue(defaultEmojiDir()).map((e) => e.subcategory))].sort();
    const sets: ClipSetResult[] = [];
    for (const part of CLIP_EVAL_PARTS) sets.push(await evaluateSet(clip, part, parts[part]!, subcategories));
    sets.push(await evaluateSet(clip, 'held-out (both)', CLIP_EVAL_PARTS.flatMap((p) => parts[p]!), subcategories));
    return { model: clip.manifest.name, sets };
  } finally {
    await clip.dispose();
  }
}
