/**
 * The tokenizer of an imported text encoder. webgen tokenizes words (sdk/text/tokenizer.ts): a word-level vocabulary
 * file (one token per line, the id is the line number, with '<pad>' and '<unk>') is imported; byte-pair encodings
 * (CLIP's vocab.json + merges.txt, a tokenizer.json) are refused until the SDK implements them.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestTokenizer } from '../../sdk/manifest/types.js';
import { ImportError } from '../errors/import-error.js';

/** The exact refusal of a BPE tokenizer folder (docs/import.md quotes it). */
export const BPE_REFUSAL = "is a byte-pair (BPE) tokenizer, such as CLIP's, which webgen does not implement yet";

/** A word-level vocabulary: `path` is a vocab.txt, or a tokenizer folder holding one. */
export async function readWordTokenizer(path: string, maxLength: number): Promise<ManifestTokenizer> {
  let file = path;
  if (!path.endsWith('.txt')) {
    for (const bpe of ['merges.txt', 'tokenizer.json']) {
      if (existsSync(join(path, bpe))) throw new ImportError(join(path, bpe), 'tokenizer', BPE_REFUSAL, 'use a word-level vocabulary (tokenizer/vocab.txt, one word per line with <pad> and <unk>), or a model without a text encoder');
    }
    file = join(path, 'vocab.txt');
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ImportError(file, 'vocab', 'is missing', 'pass --vocab FILE: one token per line, the line number is its id, including <pad> and <unk>');
  }
  const vocab = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const padId = vocab.indexOf('<pad>');
  const unknownId = vocab.indexOf('<unk>');
  if (padId < 0) throw new ImportError(file, '<pad>', 'is not in the vocabulary: webgen pads prompts with it, and the all-<pad> prompt is the unconditional side of guidance', 'add a <pad> line (the id the model was trained to pad with)');
  if (unknownId < 0) throw new ImportError(file, '<unk>', 'is not in the vocabulary: words outside it map to it', 'add an <unk> line');
  if (new Set(vocab).size !== vocab.length) throw new ImportError(file, 'vocab', 'lists a token twice', 'keep one line per token');
  return { kind: 'word', vocab, maxLength, padId, unknownId, lowercase: true };
}
