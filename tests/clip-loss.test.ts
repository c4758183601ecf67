// CLIP's symmetric contrastive loss (trainer/clip/contrastive-loss.ts) against a hand computation, its gradient
// direction, the logit scale, and in-batch accuracy both ways.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipLogits, contrastiveLoss, inBatchAccuracy, INITIAL_LOG_SCALE, l2Normalize } from '../trainer/clip/contrastive-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('contrastive loss', () => {
  it('matches (CE(axis 0) + CE(axis 1)) / 2 worked by hand on a 2x2 batch', () => {
    // logits [[2, 0], [1, 3]]: rows (image → text) CE = [log(e²+1) − 2, log(e+e³) − 3];
    // columns (text → image) CE = [log(e²+e) − 2, log(1+e³) − 3].
    const logits = tf.tensor2d([[2, 0], [1, 3]]);
    const l = contrastiveLoss(logits);
    const e = Math.E;
    const rows = (Math.log(e ** 2 + 1) - 2 + Math.log(e + e ** 3) - 3) / 2;
    const cols = (Math.log(e ** 2 + e) - 2 + Math.log(1 + e ** 3) - 3) / 2;
    expect(l.imageToText.dataSync()[0]).toBeCloseTo(rows, 6);
    expect(l.textToImage.dataSync()[0]).toBeCloseTo(cols, 6);
    expect(l.loss.dataSync()[0]).toBeCloseTo((rows + cols) / 2, 6);
  });

  it('is log n for uniform logits and falls as matching pairs grow more similar', () => {
    expect(contrastiveLoss(tf.zeros([4, 4]) as tf.Tensor2D).loss.dataSync()[0]).toBeCloseTo(Math.log(4), 6);
    const sharp = contrastiveLoss(tf.mul(tf.eye(4), 10) as tf.Tensor2D).loss.dataSync()[0]!;
    expect(sharp).toBeLessThan(0.01);
  });

  it('refuses non-square logits', () => {
    expect(() => contrastiveLoss(tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/must be square/);
  });

  it('logits are cosine similarities times exp(t); t starts at log(1/0.07)', () => {
    const i = l2Normalize(tf.tensor2d([[3, 4], [1, 0]]));
    const t = l2Normalize(tf.tensor2d([[0, 2], [1, 1]]));
    const logits = clipLogits(i, t, tf.tensor1d([INITIAL_LOG_SCALE])).arraySync();
    const s = 1 / 0.07;
    expect(logits[0]![0]).toBeCloseTo(0.8 * s, 4); // (0.6, 0.8) · (0, 1)
    expect(logits[0]![1]).toBeCloseTo((1.4 / Math.SQRT2) * s, 4);
    expect(logits[1]![0]).toBeCloseTo(0, 5);
    expect(logits[1]![1]).toBeCloseTo(s / Math.SQRT2, 4);
  });

  it('the gradient on t is negative when pairs already match (a sharper softmax helps)', () => {
    const emb = l2Normalize(tf.tensor2d([[1, 0], [0, 1]]));
    const t = tf.variable(tf.tensor1d([0]));
    const g = tf.grad((x: tf.Tensor) => contrastiveLoss(clipLogits(emb, emb, x)).loss)(t);
    expect(g.dataSync()[0]).toBeLessThan(0);
  });

  it('in-batch accuracy counts argmax on the diagonal, rows and columns separately', () => {
    // Row 1's best is column 0 (wrong); every column's best is its own row.
    const logits = tf.tensor2d([[5, 0, 0], [4, 3, 0], [0, 0, 1]]);
    expect(inBatchAccuracy(logits)).toEqual({ imageToText: 2 / 3, textToImage: 1 });
  });
});
