/**
 * The word-level tokenizer of text-conditioned models, shared by the trainer (which builds it from the
 * training captions) and the SDK (which rebuilds it from manifest.json). Pure TypeScript: no Node APIs,
 * no tfjs.
 *
 *   "A large RED circle, please!"  → lowercase → words ["a", "large", "red", "circle", "please"]
 *                                  → ids [a, large, red, circle, <unk>, <pad>, <pad>, …]   (maxLength ids)
 *
 * Words are the runs of letters or digits; everything else separates them. A word not in the vocabulary
 * becomes <unk>; the empty prompt is all <pad>, which is also the "no condition" of classifier-free
 * guidance. There are no begin/end tokens: the encoder is bidirectional and sees the padding.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { PromptTooLongError } from '../errors/prompt-too-long-error.js';
import type { ManifestTokenizer } from '../manifest/types.js';

/** The padding token (id 0): fills every prompt to maxLength; an all-padding prompt is the null condition. */
export const PAD_TOKEN = '<pad>';
/** The unknown-word token (id 1). */
export const UNKNOWN_TOKEN = '<unk>';

/** The tokenizer as manifest.json's `conditioning.tokenizer` stores it: the manifest's type, of kind 'word'. */
export type WordTokenizerJson = ManifestTokenizer & { kind: 'word' };

/** Options of {@link WordTokenizer.fromWords}. */
export interface FromWordsOptions {
  /** Ids per prompt (the text encoder's sequence length). */
  maxLength: number;
  /** Lower-case words (and prompts later). Default true. */
  lowercase?: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Splits `text` into words (runs of letters or digits), lower-cased when `lowercase`. */
export function splitWords(text: string, lowercase = true): string[] {
  const words = text.match(WORD) ?? [];
  return lowercase ? words.map((w) => w.toLowerCase()) : words;
}

export class WordTokenizer {
  readonly vocab: readonly string[];
  readonly maxLength: number;
  readonly padId: number;
  readonly unknownId: number;
  readonly lowercase: boolean;
  private readonly ids: Map<string, number>;

  private constructor(json: WordTokenizerJson) {
    this.vocab = Object.freeze([...json.vocab]);
    this.maxLength = json.maxLength;
    this.padId = json.padId;
    this.unknownId = json.unknownId;
    this.lowercase = json.lowercase;
    this.ids = new Map(json.vocab.map((w, i) => [w, i]));
  }

  /**
   * A tokenizer whose vocabulary is <pad>, <unk>, then the distinct words of `texts` (split as prompts
   * are), sorted, so the same texts always give the same ids.
   */
  static fromTexts(texts: Iterable<string>, opts: FromWordsOptions): WordTokenizer {
    const lowercase = opts.lowercase ?? true;
    const words = new Set<string>();
    for (const t of texts) for (const w of splitWords(t, lowercase)) words.add(w);
    return WordTokenizer.fromWords(words, opts);
  }

  /** A tokenizer whose vocabulary is <pad>, <unk>, then `words` (deduplicated, sorted). */
  static fromWords(words: Iterable<string>, opts: FromWordsOptions): WordTokenizer {
    const lowercase = opts.lowercase ?? true;
    const list = [...new Set([...words].map((w) => (lowercase ? w.toLowerCase() : w)))].sort();
    for (const w of list) {
      if (splitWords(w, lowercase).join(' ') !== w) throw new InvalidInputError('words', `must each be one word of letters or digits`, w);
    }
    return WordTokenizer.fromManifest({ kind: 'word', vocab: [PAD_TOKEN, UNKNOWN_TOKEN, ...list], maxLength: opts.maxLength, padId: 0, unknownId: 1, lowercase });
  }

  /** Rebuilds the tokenizer from manifest.json's `conditioning.tokenizer`, checking every field. */
  static fromManifest(json: unknown): WordTokenizer {
    const at = 'conditioning.tokenizer';
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InvalidInputError(at, 'must be an object', json);
    const t = json as Record<string, unknown>;
    if (t.kind !== 'word') throw new InvalidInputError(`${at}.kind`, `must be "word" (the only kind this SDK tokenizes)`, t.kind);
    const vocab = t.vocab;
    if (!Array.isArray(vocab) || vocab.length < 2 || !vocab.every((w) => typeof w === 'string')) {
      throw new InvalidInputError(`${at}.vocab`, 'must be an array of at least 2 token strings', vocab);
    }
    if (new Set(vocab).size !== vocab.length) throw new InvalidInputError(`${at}.vocab`, 'must not repeat a token', vocab);
    const id = (key: string): number => {
      const v = t[key];
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= vocab.length) {
        throw new InvalidInputError(`${at}.${key}`, `must be an integer in [0, ${vocab.length - 1}]`, v);
      }
      return v as number;
    };
    const padId = id('padId');
    const unknownId = id('unknownId');
    if (padId === unknownId) throw new InvalidInputError(`${at}.unknownId`, `must differ from padId (${padId})`, unknownId);
    if (!Number.isInteger(t.maxLength) || (t.maxLength as number) < 1) throw new InvalidInputError(`${at}.maxLength`, 'must be a positive integer', t.maxLength);
    if (typeof t.lowercase !== 'boolean') throw new InvalidInputError(`${at}.lowercase`, 'must be true or false', t.lowercase);
    return new WordTokenizer({ kind: 'word', vocab: vocab as string[], maxLength: t.maxLength as number, padId, unknownId, lowercase: t.lowercase });
  }

  /** The manifest form (a fresh object; JSON-serialisable). */
  toManifest(): WordTokenizerJson {
    return { kind: 'word', vocab: [...this.vocab], maxLength: this.maxLength, padId: this.padId, unknownId: this.unknownId, lowercase: this.lowercase };
  }

  /** Number of ids (the text encoder's embedding rows). */
  get vocabSize(): number {
    return this.vocab.length;
  }

  /**
   * `prompt` → `maxLength` ids, padded with padId; unknown words become unknownId.
   * Throws InvalidInputError for a non-string and PromptTooLongError past maxLength words.
   * @param parameter how the error names the prompt. Default 'prompt'.
   */
  encode(prompt: string, parameter = 'prompt'): Int32Array {
    if (typeof prompt !== 'string') throw new InvalidInputError(parameter, 'must be a string', prompt);
    const words = splitWords(prompt, this.lowercase);
    if (words.length > this.maxLength) throw new PromptTooLongError(parameter, words.length, this.maxLength);
    const out = new Int32Array(this.maxLength).fill(this.padId);
    words.forEach((w, i) => (out[i] = this.ids.get(w) ?? this.unknownId));
    return out;
  }

  /** Prompts → [N, maxLength] ids, row-major; errors name the prompt as `'prompts[i]'`. */
  encodeBatch(prompts: readonly string[]): Int32Array {
    if (!Array.isArray(prompts)) throw new InvalidInputError('prompts', 'must be an array of strings', prompts);
    const out = new Int32Array(prompts.length * this.maxLength);
    prompts.forEach((p, i) => out.set(this.encode(p, `prompts[${i}]`), i * this.maxLength));
    return out;
  }

  /** Ids → the words they stand for, padding dropped (unknown words read as <unk>). */
  decode(ids: ArrayLike<number>): string {
    const words: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === this.padId) continue;
      words.push(this.vocab[id] ?? UNKNOWN_TOKEN);
    }
    return words.join(' ');
  }

  /** The words of `prompt` as encode() splits them (one per token slot). */
  words(prompt: string): string[] {
    return splitWords(prompt, this.lowercase);
  }

  /** The words of `prompt` the vocabulary lacks (they would become <unk>), e.g. to warn a user. */
  unknownWords(prompt: string): string[] {
    return splitWords(prompt, this.lowercase).filter((w) => !this.ids.has(w));
  }
}
