import * as tf from '@tensorflow/tfjs';

/**
 * AdamW (Loshchilov & Hutter 2019): Adam's moments with weight decay decoupled from the gradient.
 * Written here rather than tf.train.adam so that its state is keyed by our stable parameter
 * paths and can be saved to and restored from a checkpoint exactly.
 *
 *   m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²
 *   θ ← θ − lr·( m̂ / (√v̂ + ε) + λ·θ ),   m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
 */
export interface AdamWOptions {
  /** β1, default 0.9. */
  beta1?: number;
  /** β2, default 0.999. */
  beta2?: number;
  /** ε, default 1e-8. */
  epsilon?: number;
  /** Decoupled weight decay λ, default 0. */
  weightDecay?: number;
}

export class AdamW {
  /** Number of updates applied so far (t in the bias corrections). */
  t = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;

  constructor(
    private readonly params: Map<string, tf.Variable>,
    opts: AdamWOptions = {},
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    for (const [name, p] of params) {
      this.m.set(name, tf.variable(tf.zerosLike(p), false));
      this.v.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  /** Applies one update with learning rate `lr` from gradients keyed like the parameters. */
  step(grads: Map<string, tf.Tensor>, lr: number): void {
    this.t += 1;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    for (const [name, p] of this.params) {
      const g = grads.get(name);
      if (!g) continue;
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      tf.tidy(() => {
        const m1 = m.mul(this.beta1).add(g.mul(1 - this.beta1));
        // g·g rather than g.square(): the same float32 product, but wasm's Square kernel was ~10× slower on these sizes
        const v1 = v.mul(this.beta2).add(g.mul(g).mul(1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        let update = m1.div(bc1).div(v1.div(bc2).sqrt().add(this.epsilon));
        if (this.weightDecay > 0) update = update.add(p.mul(this.weightDecay));
        p.assign(p.sub(update.mul(lr)));
      });
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
