/**
 * The Inception Score (Salimans et al. 2016), as the seeds' code computes it: the N predictions are cut into
 * `splits` consecutive parts; for each part, p(y) is the mean of its rows p(y|x) and the part's score is
 * exp(mean over x of KL(p(y|x) ‖ p(y))); the result is the mean and (population) standard deviation of the parts'
 * scores. 1 when every prediction is the same; k when predictions are one-hot and spread evenly over k classes.
 * Any classifier's logits or probabilities work (the judges' or an Inception network's); pure math, no I/O.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';

export interface InceptionScore {
  mean: number;
  std: number;
  /** Each part's score. */
  splits: number[];
}

export interface InceptionScoreOptions {
  /** Consecutive parts (the seeds' 10). Default 10; at most N. */
  splits?: number;
  /** 'logits' (softmax first, the default) or 'probabilities' (rows already sum to 1). */
  input?: 'logits' | 'probabilities';
}

/** IS of `scores` [n, k] row-major (see the module comment). */
export function inceptionScore(scores: Float32Array | Float64Array, n: number, k: number, opts: InceptionScoreOptions = {}): InceptionScore {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 2 || scores.length !== n * k) {
    throw new InvalidInputError('scores', `must hold n × k values (n ≥ 1 predictions over k ≥ 2 classes), got ${scores.length} for n = ${n}, k = ${k}`);
  }
  const splits = opts.splits ?? 10;
  if (!Number.isInteger(splits) || splits < 1 || splits > n) throw new InvalidInputError('splits', `must be an integer in [1, ${n}] (the number of predictions)`, splits);
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = scores.subarray(i * k, (i + 1) * k);
    if (opts.input === 'probabilities') {
      for (let j = 0; j < k; j++) p[i * k + j] = row[j]!;
    } else {
      let max = -Infinity;
      for (const v of row) max = Math.max(max, v);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += (p[i * k + j] = Math.exp(row[j]! - max));
      for (let j = 0; j < k; j++) p[i * k + j]! /= sum;
    }
  }
  const parts: number[] = [];
  const size = Math.floor(n / splits);
  for (let s = 0; s < splits; s++) {
    const from = s * size;
    const to = s === splits - 1 ? n : from + size; // the last part takes the remainder
    const py = new Float64Array(k);
    for (let i = from; i < to; i++) for (let j = 0; j < k; j++) py[j]! += p[i * k + j]! / (to - from);
    let kl = 0;
    for (let i = from; i < to; i++) {
      for (let j = 0; j < k; j++) {
        const q = p[i * k + j]!;
        if (q > 0) kl += q * (Math.log(q) - Math.log(py[j]!));
      }
    }
    parts.push(Math.exp(kl / (to - from)));
  }
  const mean = parts.reduce((a, b) => a + b, 0) / parts.length;
  const std = Math.sqrt(parts.reduce((a, b) => a + (b - mean) ** 2, 0) / parts.length);
  return { mean, std, splits: parts };
}
