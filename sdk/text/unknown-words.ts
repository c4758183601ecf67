import type { Manifest } from '../manifest/types.js';
import { WordTokenizer } from './tokenizer.js';

/**
 * The words of `prompt` that a text-conditioned model's vocabulary does not have, in prompt order, each once: the
 * model reads them as "<unk>", so a prompt made only of them draws what an empty prompt draws. An app can show them
 * before generating (the demo does); every generated image of a prompt carries the same list (`unknownWords`).
 * Empty for a model without a tokenizer, or when every word is known.
 */
export function unknownPromptWords(manifest: Pick<Manifest, 'conditioning'>, prompt: string): string[] {
  const t = manifest.conditioning?.tokenizer;
  if (!t || typeof prompt !== 'string') return [];
  return [...new Set(WordTokenizer.fromManifest(t).unknownWords(prompt))];
}
