/**
 * The CLIP pages' arithmetic, free of the DOM and of the SDK at run time (tests/demo-clip-helpers.test.ts): zero-shot
 * probabilities over label embeddings computed once per model, the top k of them, the visitor's own labels, and
 * whether a CLIP model learned the data a generator draws.
 *
 *   p_k = exp(s · cos_k) / Σ_j exp(s · cos_j)     (Radford et al. 2021, §3.1.2; s = the manifest's clip.logitScale)
 *
 * zeroShot() takes label strings and embeds them on every call; the Ask the model page embeds the ~1,900 emoji names
 * once, then ranks each picture with similarity() and this softmax (the SDK's own is not public API).
 */
import type { Manifest } from 'webgen';

/** One label of a ranking, as the SDK's ZeroShotLabel. */
export interface Ranked {
  label: string;
  /** softmax over all the labels of s · cos. */
  probability: number;
  /** cos(image, label), in [-1, 1]. */
  similarity: number;
}

/** softmax(scale · x), the largest logit subtracted first (no overflow at s = 100); sums in float64. */
export function softmax(x: ArrayLike<number>, scale: number): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < x.length; k++) max = Math.max(max, scale * x[k]!);
  const p = Float64Array.from({ length: x.length }, (_, k) => Math.exp(scale * x[k]! - max));
  let sum = 0;
  for (const v of p) sum += v;
  return p.map((v) => v / sum);
}

/**
 * The `k` most probable of `labels` given each one's cosine with the image (`cos[i]` for `labels[i]`), most probable
 * first; equal probabilities keep the labels' order. The probabilities are over all the labels, so the top k sum to ≤ 1.
 */
export function topK(labels: readonly string[], cos: ArrayLike<number>, scale: number, k: number): Ranked[] {
  if (cos.length !== labels.length) throw new RangeError(`topK: ${labels.length} labels but ${cos.length} similarities`);
  const p = softmax(cos, scale);
  const order = Array.from(labels, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  return order.slice(0, Math.max(0, k)).map((i) => ({ label: labels[i]!, probability: p[i]!, similarity: cos[i]! }));
}

/** Words as the SDK's word tokenizer reads them (sdk/text/tokenizer.ts: runs of letters or digits). */
export function wordCount(text: string): number {
  return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

/**
 * The visitor's comma-separated labels: trimmed, inner white space folded, those without a word dropped, repeats
 * (ignoring case: the tokenizer lower-cases) dropped after the first.
 */
export function parseLabels(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const label = raw.trim().replace(/\s+/g, ' ');
    const key = label.toLowerCase();
    if (wordCount(label) === 0 || seen.has(key)) continue;
    seen.add(key);
    out.push(label);
  }
  return out;
}

/**
 * What a model was trained on, from its manifest's `training.config.data` (the trainer's --data spec): the source of
 * the built-in data sets ('shapes:50000' → 'shapes', 'emoji:train' → 'emoji', 'mnist:DIR' → 'mnist'), any other spec
 * (a folder, an IDX file) whole; null when the manifest does not say.
 */
export function trainingData(m: Manifest): string | null {
  const spec = m.training?.config?.data;
  if (typeof spec !== 'string' || spec.trim() === '') return null;
  const source = /^(shapes|emoji|mnist)(:|$)/.exec(spec.trim());
  return source ? source[1]! : spec.trim();
}

/** Whether a CLIP model learned the data the generator draws (both manifests say it, and it is the same). */
export function sameTrainingData(clip: Manifest, generator: Manifest): boolean {
  const a = trainingData(clip);
  return a !== null && a === trainingData(generator);
}
