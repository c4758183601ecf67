/**
 * Captions for CLIP: the word tokenizer built from the training captions (sdk/text/tokenizer.ts: <pad>, <unk>, the
 * sorted words), each caption cut to its first `maxLength` words (emoji captions lead with the name and short names,
 * keywords last), and how many words of other captions (the held-out concepts') the vocabulary lacks.
 */
import { splitWords, WordTokenizer } from '../../sdk/text/tokenizer.js';
import { UsageError } from '../errors/usage-error.js';
import type { Dataset } from '../data/dataset.js';

/** The first `maxLength` words of `caption`, as the tokenizer splits them. */
export function captionWords(caption: string, maxLength: number): string {
  return splitWords(caption).slice(0, maxLength).join(' ');
}

/** Every caption of `data`, cut to `maxLength` words; a data set without captions is a UsageError. */
export function datasetCaptions(data: Dataset, maxLength: number, spec: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < data.size; i++) {
    const c = data.get(i).caption;
    if (c === undefined) throw new UsageError(`--data ${spec}: CLIP trains on image–caption pairs, and this data set has no captions (emoji and shapes do)`);
    out.push(captionWords(c, maxLength));
  }
  return out;
}

/** Words of `captions` the tokenizer maps to <unk>, and all their words. */
export function unknownWordCount(tokenizer: WordTokenizer, captions: readonly string[]): { unknown: number; words: number } {
  let unknown = 0;
  let words = 0;
  for (const c of captions) {
    words += splitWords(c, tokenizer.lowercase).length;
    unknown += tokenizer.unknownWords(c).length;
  }
  return { unknown, words };
}

/** The tokenizer of a run: the training captions' words. */
export function clipTokenizer(captions: readonly string[], maxLength: number): WordTokenizer {
  return WordTokenizer.fromTexts(captions, { maxLength });
}
