import * as tf from '@tensorflow/tfjs';

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017, eq. 3, without λ):
 *
 *   x̂ = ε x + (1 − ε) x̃,  ε ~ U[0, 1] per sample,   GP = E[(‖∇_x̂ D(x̂)‖₂ − 1)²].
 *
 * ∇_x̂ is taken of Σ_b D(x̂_b): each logit depends on its own sample only (no batch statistics in
 * the critic), so this is every sample's own gradient in one backward pass. Differentiating GP with
 * respect to D's weights differentiates that backward pass again; on the wasm backend this works
 * through conv, matMul and LeakyReLU (trainer/nn/leaky-relu.ts), checked in tests/gan-losses.test.ts.
 *
 * @param critic x [B, H, W, C] → [B]
 * @param epsilon ε per sample, [B] in [0, 1]
 */
export function gradientPenalty(critic: (x: tf.Tensor4D) => tf.Tensor1D, real: tf.Tensor4D, fake: tf.Tensor4D, epsilon: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const eps = epsilon.reshape([-1, 1, 1, 1]);
    const xHat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake)) as tf.Tensor4D;
    const grad = tf.grad((x: tf.Tensor) => tf.sum(critic(x as tf.Tensor4D)))(xHat); // [B, H, W, C]
    // +1e-12 keeps the sqrt's gradient finite where a gradient is exactly zero.
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), [1, 2, 3]), 1e-12)); // [B]
    return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
  });
}
