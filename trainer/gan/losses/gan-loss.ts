import type * as tf from '@tensorflow/tfjs';

/** Options of a discriminator loss. */
export interface DiscriminatorLossOptions {
  /**
   * One-sided label smoothing (Salimans et al. 2016, §3.4): the target of real samples is 1 − s
   * instead of 1; fakes keep 0. Only for losses on probabilities (minimax, non-saturating). Default 0.
   */
  labelSmoothing?: number;
}

/**
 * A GAN objective as a pair of losses, both minimised, on the discriminator's raw outputs
 * (logits for the probabilistic losses, critic values for Wasserstein), averaged over the batch.
 */
export interface GanLoss {
  /** Name as recipes and the command line write it. */
  readonly name: string;
  /** Whether one-sided label smoothing means anything for this loss. */
  readonly smoothable: boolean;
  /** D's loss: real and fake outputs [B] → scalar. */
  discriminator(real: tf.Tensor1D, fake: tf.Tensor1D, opts?: DiscriminatorLossOptions): tf.Scalar;
  /** G's loss: D's outputs on fakes [B] → scalar. */
  generator(fake: tf.Tensor1D): tf.Scalar;
}
