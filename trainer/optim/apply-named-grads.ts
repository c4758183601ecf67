import type * as tf from '@tensorflow/tfjs';
import type { AdamW } from './adamw.js';

/**
 * Applies one Adam step of `grads` (as tf.variableGrads keys them: by variable name) to `params` (keyed by path) and
 * frees the gradients.
 */
export function applyNamedGrads(params: Map<string, tf.Variable>, adam: AdamW, grads: tf.NamedTensorMap, lr: number): void {
  const pathOf = new Map([...params].map(([path, v]) => [v.name, path]));
  const byPath = new Map(Object.entries(grads).map(([name, g]) => [pathOf.get(name)!, g]));
  adam.step(byPath, lr);
  for (const g of byPath.values()) g.dispose();
}
