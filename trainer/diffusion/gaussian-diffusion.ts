import * as tf from '@tensorflow/tfjs';
import { DDIMScheduler } from '../../sdk/schedulers/ddim.js';
import { getVelocity, noiseCoefficients } from '../../sdk/schedulers/training.js';
import type { Rng } from '../../sdk/random/rng.js';
import type { UNet } from '../models/unet.js';

/**
 * The diffusion process around a noise-predicting U-Net (DDPM, Ho et al. 2020), the middle layer of
 * network → process → trainer. Training uses the "simple" objective
 *   L = ‖ε − ε_θ(√ᾱ_t x_0 + √(1−ᾱ_t) ε, t, c)‖²,  t ~ U{0..T−1}, ε ~ N(0, I)
 * with the condition c replaced by the null class at rate `condDropout`, so one network learns the
 * conditional and unconditional scores for classifier-free guidance (Ho & Salimans 2022):
 *   ε̂ = ε_u + s·(ε_c − ε_u).
 * The schedule and the sampler are the SDK's, so training and inference share one source of math.
 */
export interface DiffusionOptions {
  /** Classes of a class-conditional U-Net; index numClasses is the null class. Undefined = unconditional. */
  numClasses?: number;
  /** Probability of dropping a label to the null class while training. */
  condDropout: number;
  /** The SDK scheduler config (T, betas) the model is trained with. */
  trainTimesteps: number;
  betaSchedule: 'linear' | 'cosine';
  /** Network target: noise ε or velocity v. */
  prediction: 'epsilon' | 'v';
}

export interface TrainingBatch {
  /** [B, H, W, C] in [-1, 1]. */
  images: Float32Array;
  /** [B] class indices (−1 = unlabelled, trained as the null class). */
  labels?: Int32Array;
}

export class GaussianDiffusion {
  readonly alphasCumprod: Float64Array;
  readonly schedulerConfig;

  constructor(
    readonly unet: UNet,
    readonly opts: DiffusionOptions,
  ) {
    this.schedulerConfig = {
      numTrainTimesteps: opts.trainTimesteps,
      betaSchedule: opts.betaSchedule === 'cosine' ? ('squaredcos_cap_v2' as const) : ('linear' as const),
      predictionType: opts.prediction === 'v' ? ('v_prediction' as const) : ('epsilon' as const),
      clipSample: true,
    };
    this.alphasCumprod = new DDIMScheduler(this.schedulerConfig).alphasCumprod;
  }

  /**
   * A function computing the batch's mean-squared noise-prediction loss as a scalar, for
   * tf.variableGrads. All randomness (t, ε, dropped labels) is drawn from `rng` here, in JS,
   * so a resumed run that re-seeds the same way sees exactly the same numbers.
   */
  lossFn(batch: TrainingBatch, rng: Rng): () => tf.Scalar {
    const B = batch.images.length / this.pixelsPerImage();
    const T = this.opts.trainTimesteps;
    const t = new Int32Array(B);
    for (let b = 0; b < B; b++) t[b] = rng.int(T);
    const noise = rng.normalArray(batch.images.length);
    const { sqrtAlphaProd, sqrtOneMinusAlphaProd } = noiseCoefficients(this.alphasCumprod, t);
    const labels = this.trainingLabels(batch.labels, B, rng);
    const target = this.opts.prediction === 'v' ? getVelocity(this.alphasCumprod, batch.images, noise, t) : noise;
    const [H, W, C] = this.imageShape();
    return () => {
      const x0 = tf.tensor4d(batch.images, [B, H, W, C]);
      const eps = tf.tensor4d(noise, [B, H, W, C]);
      // x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε, coefficients broadcast over [B, 1, 1, 1]
      const xt = x0.mul(tf.tensor4d(sqrtAlphaProd, [B, 1, 1, 1])).add(eps.mul(tf.tensor4d(sqrtOneMinusAlphaProd, [B, 1, 1, 1])));
      const pred = this.unet.apply(xt as tf.Tensor4D, tf.tensor1d(Float32Array.from(t)), labels ? { classLabels: tf.tensor1d(labels, 'int32') } : undefined);
      return pred.sub(tf.tensor4d(target, [B, H, W, C])).square().mean() as tf.Scalar;
    };
  }

  /**
   * Draws `labels.length` (or `n`) images with DDIM (Song et al. 2021), η = `eta`, `steps` steps,
   * classifier-free guidance `guidanceScale` for labelled draws. Returns [N, H, W, C] in [-1, 1].
   */
  async sample(opts: { n: number; steps: number; rng: Rng; labels?: Int32Array; guidanceScale?: number; eta?: number }): Promise<Float32Array> {
    const { n, steps, rng } = opts;
    const [H, W, C] = this.imageShape();
    const scheduler = new DDIMScheduler(this.schedulerConfig);
    scheduler.setTimesteps(steps);
    let x = rng.normalArray(n * H * W * C);
    const conditional = this.opts.numClasses !== undefined;
    const guided = conditional && opts.labels !== undefined && (opts.guidanceScale ?? 1) !== 1;
    const nullLabels = conditional ? new Int32Array(n).fill(this.opts.numClasses!) : undefined;
    const labels = conditional ? (opts.labels ?? nullLabels) : undefined;
    for (const t of scheduler.timesteps) {
      const modelOutput = tf.tidy(() => {
        const xt = tf.tensor4d(x, [n, H, W, C]);
        const tt = tf.fill([n], t, 'float32') as tf.Tensor1D;
        const run = (l?: Int32Array) => this.unet.apply(xt, tt, l ? { classLabels: tf.tensor1d(l, 'int32') } : undefined);
        if (!guided) return run(labels);
        // ε̂ = ε_u + s·(ε_c − ε_u) (linear in the output, so the same for v)
        const ec = run(labels);
        const eu = run(nullLabels);
        return eu.add(ec.sub(eu).mul(opts.guidanceScale!));
      });
      const out = (await modelOutput.data()) as Float32Array;
      modelOutput.dispose();
      const eta = opts.eta ?? 0;
      x = scheduler.step(out, t, x, { eta, ...(eta > 0 && { noise: rng.normalArray(x.length) }) }).prevSample;
    }
    return x;
  }

  private trainingLabels(labels: Int32Array | undefined, B: number, rng: Rng): Int32Array | undefined {
    const K = this.opts.numClasses;
    if (K === undefined) return undefined;
    const out = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const l = labels ? labels[b]! : -1;
      out[b] = l < 0 || rng.uniform() < this.opts.condDropout ? K : l;
    }
    return out;
  }

  private imageShape(): [number, number, number] {
    const c = this.unet.config;
    return [c.imageSize, c.imageSize, c.inChannels];
  }

  private pixelsPerImage(): number {
    const [H, W, C] = this.imageShape();
    return H * W * C;
  }
}
