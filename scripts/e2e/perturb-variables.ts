import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import type { Module } from '../../trainer/nn/module.js';

/**
 * Adds N(0, std²) noise to every variable, so that zero-initialised layers (the U-Net's last
 * conv) and unit/zero norm affines take non-trivial values in parity tests.
 */
export function perturbVariables(module: Module, seed: number, std = 0.05): void {
  const rng = new Rng(seed);
  for (const v of module.variables()) {
    const noise = Float32Array.from({ length: v.size }, () => rng.normal() * std);
    tf.tidy(() => v.assign(tf.add(v, tf.tensor(noise, v.shape))));
  }
}
