/** Accuracy of a classifier on a labelled data set, overall and per class (tfjs forward pass). */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import type { ClassifierNet } from '../models/classifier-net.js';

/** What {@link evaluateClassifier} measures. */
export interface ClassifierEvaluation {
  /** Share of examples whose argmax logit is their label. */
  accuracy: number;
  /** Mean cross-entropy (nats). */
  loss: number;
  /** [K] accuracy among the examples of each class (NaN for a class with no examples). */
  perClass: number[];
  /** [K] number of examples of each class. */
  perClassCount: number[];
  /** [N] predicted class of each example, in data-set order. */
  predicted: Int32Array;
  /** [N] labels, in data-set order. */
  labels: Int32Array;
}

/** Runs `net` over every example of `ds` in batches of `batchSize` (default 250). */
export function evaluateClassifier(net: ClassifierNet, ds: Dataset, batchSize = 250): ClassifierEvaluation {
  const K = net.config.numClasses;
  const { height: H, width: W, channels: C } = ds;
  const pixels = H * W * C;
  const predicted = new Int32Array(ds.size);
  const labels = new Int32Array(ds.size);
  let lossSum = 0;
  for (let start = 0; start < ds.size; start += batchSize) {
    const n = Math.min(batchSize, ds.size - start);
    const images = new Float32Array(n * pixels); // [n, H, W, C]
    for (let i = 0; i < n; i++) {
      const ex = ds.get(start + i);
      images.set(ex.image, i * pixels);
      labels[start + i] = ex.label ?? -1;
    }
    const [pred, loss] = tf.tidy(() => {
      const { logits } = net.apply(tf.tensor4d(images, [n, H, W, C]));
      const y = tf.oneHot(tf.tensor1d(labels.subarray(start, start + n), 'int32'), K);
      const ce = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits))));
      return [tf.argMax(logits, 1).dataSync() as Int32Array, ce.dataSync()[0]!] as const;
    });
    predicted.set(pred, start);
    lossSum += loss;
  }
  const perClassCount = new Array<number>(K).fill(0);
  const perClassRight = new Array<number>(K).fill(0);
  let right = 0;
  for (let i = 0; i < ds.size; i++) {
    const l = labels[i]!;
    if (l >= 0 && l < K) perClassCount[l]!++;
    if (predicted[i] === l) {
      right++;
      perClassRight[l]!++;
    }
  }
  return {
    accuracy: right / ds.size,
    loss: lossSum / ds.size,
    perClass: perClassRight.map((r, k) => r / perClassCount[k]!),
    perClassCount,
    predicted,
    labels,
  };
}
