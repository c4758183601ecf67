/**
 * CLIP's symmetric contrastive loss (Radford et al. 2021, Figure 3's pseudocode):
 *
 *   logits = I_e · T_eᵀ · exp(t)                                  // [n, n], I_e and T_e L2-normalised rows
 *   labels = arange(n)                                            // image i goes with caption i
 *   loss   = (CE(logits, labels, axis 0) + CE(logits, labels, axis 1)) / 2
 *
 * CE along axis 1 picks the caption of each image among the batch's captions (a softmax over a row); along axis 0 the
 * image of each caption (a softmax over a column). t is the learnable log inverse temperature, initialised to
 * log(1/0.07) and kept in [0, log 100] (exp(t) ≤ 100, as CLIP clips it).
 */
import * as tf from '@tensorflow/tfjs';

/** CLIP's initial temperature τ = 0.07: t starts at log(1/τ). */
export const INITIAL_LOG_SCALE = Math.log(1 / 0.07);
/** The largest logit scale exp(t) (CLIP: 100, "to prevent scaling the logits by more than 100"). */
export const MAX_LOGIT_SCALE = 100;

/** Rows scaled to unit L2 norm: [n, d] → [n, d] (ε keeps an all-zero row finite). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D);
}

/** logits = I_e · T_eᵀ · exp(t): imageEmbeds [n, d], textEmbeds [m, d] (both normalised), logScale t [1] → [n, m]. */
export function clipLogits(imageEmbeds: tf.Tensor2D, textEmbeds: tf.Tensor2D, logScale: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.matMul(imageEmbeds, textEmbeds, false, true), tf.exp(logScale)) as tf.Tensor2D);
}

/** The terms of one batch's loss. */
export interface ContrastiveLoss {
  /** (imageToText + textToImage) / 2: the scalar to differentiate. */
  loss: tf.Scalar;
  /** CE along axis 1: each image against the batch's captions. */
  imageToText: tf.Scalar;
  /** CE along axis 0: each caption against the batch's images. */
  textToImage: tf.Scalar;
}

/** The symmetric loss of square logits [n, n] whose diagonal holds the matching pairs. */
export function contrastiveLoss(logits: tf.Tensor2D): ContrastiveLoss {
  const [n, m] = logits.shape;
  if (n !== m) throw new Error(`contrastiveLoss: logits must be square (one caption per image), got [${n}, ${m}]`);
  return tf.tidy(() => {
    // CE(row i, label i) = logsumexp(row i) − logits[i, i]; tfjs' logSoftmax works on the last axis only, so each
    // direction is its own logsumexp.
    const diag = tf.sum(tf.mul(logits, tf.eye(n)), 1); // [n]
    const imageToText = tf.mean(tf.sub(tf.logSumExp(logits, 1), diag)) as tf.Scalar;
    const textToImage = tf.mean(tf.sub(tf.logSumExp(logits, 0), diag)) as tf.Scalar;
    const loss = tf.div(tf.add(imageToText, textToImage), 2) as tf.Scalar;
    return { loss, imageToText, textToImage };
  });
}

/** Share of rows whose largest logit is on the diagonal (image → text) and of columns likewise (text → image). */
export function inBatchAccuracy(logits: tf.Tensor2D): { imageToText: number; textToImage: number } {
  const n = logits.shape[0];
  const [rows, cols] = tf.tidy(() => [tf.argMax(logits, 1).dataSync(), tf.argMax(logits, 0).dataSync()]);
  let r = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (rows![i] === i) r++;
    if (cols![i] === i) c++;
  }
  return { imageToText: r / n, textToImage: c / n };
}
