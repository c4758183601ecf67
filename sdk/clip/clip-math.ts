/**
 * The math of a CLIP model's outputs, on plain arrays: cosine similarity of embedding rows, the softmax of zero-shot
 * classification, and CLIPScore. Environment-neutral (the SDK core): no model, no I/O. Sums run in float64.
 *
 *   cos(a, b)      = a · b / (‖a‖ ‖b‖)                          (0 when either vector is zero)
 *   p_k            = exp(s · cos_k) / Σ_j exp(s · cos_j)        (Radford et al. 2021, §3.1.2; s = exp(t), the logit scale)
 *   CLIP-S(c, v)   = w · max(cos(c, v), 0)                      (Hessel et al. 2021, eq. 1; w = 100 as torchmetrics)
 */

/** The weight w of CLIPScore: torchmetrics' (the paper's 2.5 rescales its own figures). */
export const CLIP_SCORE_WEIGHT = 100;

/** a_i · b_j for rows of width `d`, in float64. */
function dot(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[i * d + k]! * b[j * d + k]!;
  return s;
}

/** cos(a_i, b_j) given the rows' norms, clamped to [-1, 1] against rounding; 0 when either row is zero. */
function cosine(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number, normA: number, normB: number): number {
  if (normA === 0 || normB === 0) return 0;
  return Math.max(-1, Math.min(1, dot(a, i, b, j, d) / (normA * normB)));
}

/** ‖x_r‖ of each row of `x` ([rows, d]). */
function rowNorms(x: ArrayLike<number>, d: number): Float64Array {
  return Float64Array.from({ length: x.length / d }, (_, r) => Math.sqrt(dot(x, r, x, r, d)));
}

/**
 * cos(a_i, b_j) of every row of `a` ([n, d]) with every row of `b` ([m, d]) → [n, m], row-major. Rows need not be
 * unit vectors; a zero row has cosine 0 with everything.
 */
export function cosineMatrix(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float32Array {
  const na = rowNorms(a, d);
  const nb = rowNorms(b, d);
  const out = new Float32Array(na.length * nb.length);
  for (let i = 0; i < na.length; i++) for (let j = 0; j < nb.length; j++) out[i * nb.length + j] = cosine(a, i, b, j, d, na[i]!, nb[j]!);
  return out;
}

/** softmax(scale · x): the probabilities of logits scale · x_k, computed with the largest subtracted (no overflow). */
export function softmax(x: ArrayLike<number>, scale = 1): number[] {
  let max = -Infinity;
  for (let k = 0; k < x.length; k++) max = Math.max(max, scale * x[k]!);
  const e = Array.from({ length: x.length }, (_, k) => Math.exp(scale * x[k]! - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/** CLIPScore of paired rows: w · max(cos(a_i, b_i), 0) for each row i of `a` and `b` (both [n, d]). */
export function clipScores(a: ArrayLike<number>, b: ArrayLike<number>, d: number, w = CLIP_SCORE_WEIGHT): number[] {
  const na = rowNorms(a, d);
  const nb = rowNorms(b, d);
  return Array.from(na, (_, i) => w * Math.max(cosine(a, i, b, i, d, na[i]!, nb[i]!), 0));
}
