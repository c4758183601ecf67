/**
 * The emoji split, deterministic given a seed: whole concepts held out (every style and skin tone of them: images of
 * things never seen), and, among the rest, concepts held out in one style only (the other style trained: for
 * composition tests — "a <concept> in <style>" without ever seeing that pair). A concept's fate depends only on its
 * code points and the seed, so adding emoji to a later package version leaves the others where they were.
 */
import { hashInts } from '../rng.js';
import type { EmojiStyle } from './packages.js';
import type { EmojiEntry } from './catalogue.js';

export interface EmojiSplitOptions {
  /** Share of concepts held out in every style. Default 0.05. */
  heldOutConcepts?: number;
  /** Share of concepts held out in one style only. Default 0.05. */
  heldOutStyle?: number;
  /** Default 0. */
  seed?: number;
}

/** Which part an entry falls in. */
export type EmojiPart = 'train' | 'held-out-concept' | 'held-out-style';

/** FNV-1a of a string: a stable number for a concept's code points. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The part of each entry, and for a style-held-out concept, the style held out. */
export function splitEmoji(entries: readonly EmojiEntry[], opts: EmojiSplitOptions = {}): EmojiPart[] {
  const a = opts.heldOutConcepts ?? 0.05;
  const b = opts.heldOutStyle ?? 0.05;
  const seed = opts.seed ?? 0;
  return entries.map((e) => {
    const u = hashInts(seed, fnv(e.concept)) / 2 ** 32; // uniform in [0, 1) per concept
    if (u < a) return 'held-out-concept';
    if (u < a + b) return e.style === heldOutStyleOf(e.concept, seed) ? 'held-out-style' : 'train';
    return 'train';
  });
}

/** The style held out of a style-held-out concept. */
export function heldOutStyleOf(concept: string, seed: number): EmojiStyle {
  return hashInts(seed, fnv(concept), 1) % 2 === 0 ? 'google' : 'twitter';
}
