/**
 * Reading a classifier over (outer, inner) pairs, label = outer·innerCount + inner, as the two facts it names: the
 * shapes judge's (colour, shape) and the emoji judge's (subcategory, style). A sample can get one right and the other
 * wrong, and the two are worth reporting apart.
 */
import { UsageError } from '../errors/usage-error.js';

/** Shares of predictions whose inner part / outer part / both equal the expected pair's. */
export interface PairAccuracy {
  inner: number;
  outer: number;
  both: number;
}

/** Accuracy of each part of pair labels `outer·innerCount + inner`. */
export function pairAccuracy(predicted: ArrayLike<number>, expected: ArrayLike<number>, innerCount: number): PairAccuracy {
  if (predicted.length !== expected.length || predicted.length === 0) {
    throw new UsageError(`pairAccuracy: ${predicted.length} predictions for ${expected.length} expected labels; need equal, non-zero counts`);
  }
  if (!Number.isInteger(innerCount) || innerCount < 1) throw new UsageError(`pairAccuracy: innerCount must be a positive integer, got ${innerCount}`);
  let inner = 0;
  let outer = 0;
  let both = 0;
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]!;
    const e = expected[i]!;
    if (p % innerCount === e % innerCount) inner++;
    if (Math.floor(p / innerCount) === Math.floor(e / innerCount)) outer++;
    if (p === e) both++;
  }
  const n = predicted.length;
  return { inner: inner / n, outer: outer / n, both: both / n };
}
