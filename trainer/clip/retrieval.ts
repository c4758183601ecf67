/**
 * Retrieval and zero-shot figures from a similarity matrix (rows: queries, columns: candidates; the SDK's
 * `clip.similarity`): recall@k (is a correct candidate among the k most similar?), the chance level of each, and
 * top-1 accuracy of zero-shot classification. Pure: no model, no I/O.
 */
import { UsageError } from '../errors/usage-error.js';

/** A row-major [rows, cols] matrix (the SDK's Embeddings / similarity shape). */
export interface Matrix {
  data: Float32Array;
  shape: readonly number[];
}

/** Recall@k for each k, and what random ranking would score. */
export interface Recall {
  /** k → share of queries with a correct candidate among the top k. */
  recall: Record<number, number>;
  /** k → expected recall@k of a uniformly random ranking (mean over queries). */
  chance: Record<number, number>;
  queries: number;
  candidates: number;
}

function dims(m: Matrix, name: string): [number, number] {
  const [rows, cols] = m.shape;
  if (m.shape.length !== 2 || !rows || !cols || m.data.length !== rows * cols) throw new UsageError(`${name} must be a non-empty [rows, cols] matrix, got shape [${m.shape.join(', ')}] with ${m.data.length} values`);
  return [rows, cols];
}

/** The rank (0 = most similar) of the best-ranked correct candidate of row `q`; ties count against the query. */
function bestCorrectRank(sim: Float32Array, cols: number, q: number, correct: (c: number) => boolean): number {
  const row = sim.subarray(q * cols, (q + 1) * cols);
  let best = -Infinity;
  for (let c = 0; c < cols; c++) if (correct(c) && row[c]! > best) best = row[c]!;
  if (best === -Infinity) return Infinity;
  let rank = 0;
  for (let c = 0; c < cols; c++) if (!correct(c) && row[c]! >= best) rank++;
  return rank;
}

/** P(at least one of m correct among the top k of n) for a uniformly random order. */
function chanceAtK(n: number, m: number, k: number): number {
  if (m <= 0) return 0;
  if (k >= n) return 1;
  let pNone = 1; // C(n−m, k) / C(n, k)
  for (let i = 0; i < k; i++) pNone *= Math.max(0, n - m - i) / (n - i);
  return 1 - pNone;
}

/**
 * Recall@k of the queries (rows of `sim`): `correct(q, c)` says whether candidate c answers query q. A query without
 * any correct candidate is a UsageError (its recall is undefined).
 */
export function recallAtK(sim: Matrix, correct: (q: number, c: number) => boolean, ks: readonly number[] = [1, 5]): Recall {
  const [rows, cols] = dims(sim, 'sim');
  const hits = Object.fromEntries(ks.map((k) => [k, 0])) as Record<number, number>;
  const chance = Object.fromEntries(ks.map((k) => [k, 0])) as Record<number, number>;
  for (let q = 0; q < rows; q++) {
    let m = 0;
    for (let c = 0; c < cols; c++) if (correct(q, c)) m++;
    if (m === 0) throw new UsageError(`recallAtK: query ${q} has no correct candidate`);
    const rank = bestCorrectRank(sim.data, cols, q, (c) => correct(q, c));
    for (const k of ks) {
      if (rank < k) hits[k]!++;
      chance[k]! += chanceAtK(cols, m, k);
    }
  }
  for (const k of ks) {
    hits[k]! /= rows;
    chance[k]! /= rows;
  }
  return { recall: hits, chance, queries: rows, candidates: cols };
}

/** Index of the largest value of each row. */
export function rowArgmax(sim: Matrix): Int32Array {
  const [rows, cols] = dims(sim, 'sim');
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (sim.data[r * cols + c]! > sim.data[r * cols + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** The transpose of a matrix (image→text from a text→image similarity). */
export function transposed(m: Matrix): Matrix {
  const [rows, cols] = dims(m, 'm');
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[c * rows + r] = m.data[r * cols + c]!;
  return { data, shape: [cols, rows] };
}
