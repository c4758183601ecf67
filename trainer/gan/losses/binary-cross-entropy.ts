import * as tf from '@tensorflow/tfjs';

/**
 * The discriminator loss shared by the minimax and non-saturating GANs (Goodfellow et al. 2014,
 * eq. 1): binary cross-entropy of D(x) = σ(logit) against 1 for real (1 − s with one-sided label
 * smoothing) and 0 for fake, written with softplus so large logits do not overflow:
 *
 *   −[t log σ(r) + (1 − t) log(1 − σ(r))] = t·softplus(−r) + (1 − t)·softplus(r),
 *   −log(1 − σ(f)) = softplus(f).
 */
export function bceDiscriminatorLoss(real: tf.Tensor1D, fake: tf.Tensor1D, labelSmoothing = 0): tf.Scalar {
  return tf.tidy(() => {
    const t = 1 - labelSmoothing;
    let realTerm = tf.mul(tf.softplus(tf.neg(real)), t);
    if (labelSmoothing > 0) realTerm = tf.add(realTerm, tf.mul(tf.softplus(real), labelSmoothing));
    return tf.add(tf.mean(realTerm), tf.mean(tf.softplus(fake))) as tf.Scalar;
  });
}
