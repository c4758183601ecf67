import * as tf from '@tensorflow/tfjs';

/**
 * The original WGAN's Lipschitz constraint (Arjovsky et al. 2017, Algorithm 1): after every critic
 * update, clamp each weight to [−c, c] (c = 0.01 in the paper). Crude — it pushes weights to ±c and
 * the critic towards simple functions — which is why WGAN-GP replaced it.
 */
export function clipWeights(vars: Iterable<tf.Variable>, c: number): void {
  for (const v of vars) tf.tidy(() => v.assign(tf.clipByValue(v, -c, c)));
}
