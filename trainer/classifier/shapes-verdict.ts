/**
 * Reading a shapes classifier's combo classes (colour·6 + shape) as the two facts a prompt states:
 * a sample can get the colour right and the shape wrong, and the two are worth reporting apart.
 */
import { SHAPES } from '../data/shapes.js';
import { pairAccuracy } from './pair-accuracy.js';

/** Shares of images whose predicted shape / colour / both equal the expected combo's. */
export function shapeColourAccuracy(predicted: ArrayLike<number>, expected: ArrayLike<number>): { shape: number; colour: number; both: number } {
  const a = pairAccuracy(predicted, expected, SHAPES.length);
  return { shape: a.inner, colour: a.outer, both: a.both };
}
