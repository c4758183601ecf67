/**
 * pix2pix's random jitter (trainer/translator/pair-jitter.ts): a pair is resized, cropped and mirrored alike, the
 * boxes stay inside the picture, both mirrorings and every offset occur, and a step's Rng replays them.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { jitterBoxes, jitterPair } from '../trainer/translator/pair-jitter.js';

describe('pair jitter', () => {
  it('jitter 0 hands the pair back as it is', () => {
    const x = tf.ones([2, 8, 8, 4]) as tf.Tensor4D;
    const y = tf.zeros([2, 8, 8, 4]) as tf.Tensor4D;
    const out = jitterPair(x, y, 0, new Rng(1));
    expect(out.x).toBe(x);
    expect(out.y).toBe(y);
    tf.dispose([x, y]);
  });

  it('moves the source and its target alike: a target that is a pixel-wise function of the source stays one', () => {
    const x = tf.randomUniform([6, 16, 16, 4], -1, 1, 'float32', 3) as tf.Tensor4D;
    const y = tf.tidy(() => tf.neg(x.slice([0, 0, 0, 0], [-1, -1, -1, 3])).mul(0.5)) as tf.Tensor4D;
    const out = jitterPair(x, y, 4, new Rng(7));
    expect(out.x.shape).toEqual([6, 16, 16, 4]);
    expect(out.y.shape).toEqual([6, 16, 16, 3]);
    const expected = tf.tidy(() => tf.neg(out.x.slice([0, 0, 0, 0], [-1, -1, -1, 3])).mul(0.5));
    expect(tf.max(tf.abs(tf.sub(expected, out.y))).dataSync()[0]).toBeLessThan(1e-6);
    // …and it did move them: the jittered sources are not the sources.
    expect(tf.max(tf.abs(tf.sub(out.x, x))).dataSync()[0]).toBeGreaterThan(0.1);
    tf.dispose([x, y, out.x, out.y, expected]);
  });

  it('boxes lie inside the picture, mirror about half the pairs and use every offset 0..jitter', () => {
    const boxes = jitterBoxes(2000, 64, 8, new Rng(11));
    const offsets = new Set<number>();
    let mirrored = 0;
    for (const [y1, x1, y2, x2] of boxes) {
      for (const v of [y1!, x1!, y2!, x2!]) expect(v >= 0 && v <= 1).toBe(true);
      expect(y2! - y1!).toBeCloseTo(64 / 72, 12);
      expect(Math.abs(x2! - x1!)).toBeCloseTo(64 / 72, 12);
      if (x1! > x2!) mirrored++;
      offsets.add(Math.round(y1! * 72));
    }
    expect(mirrored / boxes.length).toBeGreaterThan(0.45);
    expect(mirrored / boxes.length).toBeLessThan(0.55);
    expect([...offsets].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('the same Rng state draws the same boxes (a resumed run replays its jitter)', () => {
    expect(jitterBoxes(16, 64, 8, new Rng(5))).toEqual(jitterBoxes(16, 64, 8, new Rng(5)));
    expect(jitterBoxes(16, 64, 8, new Rng(5))).not.toEqual(jitterBoxes(16, 64, 8, new Rng(6)));
  });
});
