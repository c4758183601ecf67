/**
 * Reading a shapes classifier's combo classes (colour·6 + shape) as the two facts a prompt states:
 * a sample can get the colour right and the shape wrong, and the two are worth reporting apart.
 */
import { SHAPES } from '../data/shapes.js';
import { UsageError } from '../errors/usage-error.js';

/** Shares of images whose predicted shape / colour / both equal the expected combo's. */
export function shapeColourAccuracy(predicted: ArrayLike<number>, expected: ArrayLike<number>): { shape: number; colour: number; both: number } {
  if (predicted.length !== expected.length || predicted.length === 0) {
    throw new UsageError(`shapeColourAccuracy: ${predicted.length} predictions for ${expected.length} expected labels; need equal, non-zero counts`);
  }
  const S = SHAPES.length;
  let shape = 0;
  let colour = 0;
  let both = 0;
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]!;
    const e = expected[i]!;
    if (p % S === e % S) shape++;
    if (Math.floor(p / S) === Math.floor(e / S)) colour++;
    if (p === e) both++;
  }
  const n = predicted.length;
  return { shape: shape / n, colour: colour / n, both: both / n };
}
