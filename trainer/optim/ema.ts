import * as tf from '@tensorflow/tfjs';

/**
 * Exponential moving average of the weights (Polyak averaging), used for samples and export:
 * θ_ema ← d·θ_ema + (1−d)·θ, with the decay warmed up as min(d, (1+n)/(10+n)) so early
 * averages are not dominated by the random initialisation.
 */
export class Ema {
  readonly shadow = new Map<string, tf.Variable>();
  /** Updates applied so far. */
  updates = 0;

  constructor(
    private readonly params: Map<string, tf.Variable>,
    private readonly decay: number,
  ) {
    for (const [name, p] of params) this.shadow.set(name, tf.variable(p.clone(), false));
  }

  update(): void {
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates += 1;
    for (const [name, p] of this.params) {
      const s = this.shadow.get(name)!;
      tf.tidy(() => s.assign(s.mul(d).add(p.mul(1 - d))));
    }
  }

  /** Runs `fn` with the EMA weights loaded into the model, then puts the training weights back. */
  async withAveragedWeights<T>(fn: () => Promise<T> | T): Promise<T> {
    const saved = new Map<string, tf.Tensor>();
    for (const [name, p] of this.params) {
      saved.set(name, p.clone());
      p.assign(this.shadow.get(name)!);
    }
    try {
      return await fn();
    } finally {
      for (const [name, p] of this.params) {
        p.assign(saved.get(name)!);
        saved.get(name)!.dispose();
      }
    }
  }

  dispose(): void {
    for (const t of this.shadow.values()) t.dispose();
  }
}
