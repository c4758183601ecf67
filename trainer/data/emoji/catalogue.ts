/**
 * The emoji catalogue: every image of both styles with what describes it. `emoji.json` (emoji-datasource) lists the
 * 1,911 base emoji with their name, short names, category, subcategory and skin-tone variants; emojilib adds keywords
 * by emoji character. One entry per (emoji or skin-tone variant, style) that has an image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../errors/data-error.js';
import { packageDir, STYLE_WORD, type EmojiStyle } from './packages.js';

/** One emoji image. */
export interface EmojiEntry {
  /** The base emoji's code points ('1F385'): a concept, shared by its skin tones and both styles. */
  concept: string;
  /** This image's code points ('1F385-1F3FB'). */
  unified: string;
  style: EmojiStyle;
  /** The PNG, relative to the style package's folder. */
  file: string;
  /** 'father christmas' */
  name: string;
  shortNames: string[];
  keywords: string[];
  category: string;
  subcategory: string;
  /** 'medium skin tone' (two for two-person emoji), or undefined for the base image. */
  skinTone?: string;
}

const TONES: Record<string, string> = { '1F3FB': 'light', '1F3FC': 'medium-light', '1F3FD': 'medium', '1F3FE': 'medium-dark', '1F3FF': 'dark' };

interface RawEmoji {
  unified: string;
  non_qualified?: string | null;
  image: string;
  name?: string | null;
  short_names?: string[];
  category?: string;
  subcategory?: string;
  sort_order?: number;
  has_img_google?: boolean;
  has_img_twitter?: boolean;
  skin_variations?: Record<string, { unified: string; image: string; has_img_google?: boolean; has_img_twitter?: boolean }>;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError(path, `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run 'webgen-train data emoji' to fetch the emoji packages`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(path, `is not valid JSON (${(err as Error).message})`);
  }
}

const char = (unified: string) => String.fromCodePoint(...unified.split('-').map((h) => parseInt(h, 16)));

/** Every image of `styles` in the packages unpacked in `dir`, in emoji.json's sort order, then style. */
export function readEmojiCatalogue(dir: string, styles: readonly EmojiStyle[] = ['google', 'twitter']): EmojiEntry[] {
  const raw = readJson(join(packageDir(dir, 'google'), 'emoji.json'));
  if (!Array.isArray(raw)) throw new DataError(join(packageDir(dir, 'google'), 'emoji.json'), 'is not a list of emoji');
  const lib = readJson(join(packageDir(dir, 'keywords'), 'dist', 'emoji-en-US.json')) as Record<string, string[]>;
  const keywordsOf = (e: RawEmoji): string[] => lib[char(e.unified)] ?? (e.non_qualified ? lib[char(e.non_qualified)] : undefined) ?? [];
  const entries: EmojiEntry[] = [];
  const sorted = [...(raw as RawEmoji[])].sort((a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0));
  for (const e of sorted) {
    const name = (e.name ?? e.short_names?.[0] ?? e.unified).toLowerCase();
    const shortNames = (e.short_names ?? []).map((s) => s.replace(/_/g, ' '));
    // emojilib's first keyword is the snake_case name: words, not a token.
    const keywords = keywordsOf(e).map((k) => k.replace(/_/g, ' ')).filter((k) => k !== name && !shortNames.includes(k));
    const base = { concept: e.unified, name, shortNames, keywords, category: e.category ?? '', subcategory: e.subcategory ?? '' };
    for (const style of styles) {
      if (e[`has_img_${style}`]) entries.push({ ...base, unified: e.unified, style, file: join('img', style, '64', e.image) });
      for (const [tones, v] of Object.entries(e.skin_variations ?? {})) {
        if (!v[`has_img_${style}`]) continue;
        const words = tones.split('-').map((t) => TONES[t] ?? t.toLowerCase());
        const skinTone = `${[...new Set(words)].join(' and ')} skin tone`;
        entries.push({ ...base, unified: v.unified, style, file: join('img', style, '64', v.image), skinTone });
      }
    }
  }
  return entries;
}

/** The caption of an entry: "father christmas, santa, noto style, medium skin tone; christmas, santa claus". */
export function emojiCaption(e: EmojiEntry): string {
  const head = [e.name, ...e.shortNames.filter((s) => s !== e.name), `${STYLE_WORD[e.style]} style`, ...(e.skinTone ? [e.skinTone] : [])];
  return e.keywords.length ? `${head.join(', ')}; ${e.keywords.join(', ')}` : head.join(', ');
}
