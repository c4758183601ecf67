import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkFloat32, checkSameLength } from './checks.js';
import { clipInPlace, predictOriginalAndNoise } from './prediction.js';
import { SchedulerBase } from './scheduler-base.js';
import type {
  SchedulerConfig,
  StepOptions,
  StepResult,
} from './types.js';

/**
 * DDIM sampler: Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models" (arXiv 2010.02502).
 * A non-Markovian reverse process with the same training objective as DDPM, so any ε-model samples with it,
 * in fewer steps; η interpolates between deterministic DDIM (η = 0) and DDPM-like ancestral sampling (η = 1).
 *
 * Notation (paper's α_t is our ᾱ_t = alphasCumprod[t]; `prev` is the next, lower, timestep of the schedule):
 *   ε_θ(x_t, t)  model output as noise           σ_t(η)  std of the added noise, Eq. 16
 *   f_θ(x_t, t)  predicted x_0                   z       caller's N(0, I) noise (`opts.noise`)
 *   Eq. 12:  x_{t−1} = √ᾱ_prev · x̂_0  +  √(1 − ᾱ_prev − σ_t²) · ε̂  +  σ_t · z
 *   Eq. 16:  σ_t(η) = η · √((1 − ᾱ_prev) / (1 − ᾱ_t)) · √(1 − ᾱ_t / ᾱ_prev)
 * Matches diffusers' DDIMScheduler (thresholding and zero-SNR rescaling aside).
 */
export class DDIMScheduler extends SchedulerBase {
  /** ᾱ used after the last step: 1 (`setAlphaToOne`) or ᾱ_0. */
  readonly finalAlphaCumprod: number;

  constructor(config: SchedulerConfig = {}) {
    super(config);
    this.finalAlphaCumprod = this.config.setAlphaToOne ? 1 : this.alphasCumprod[0]!;
  }

  /**
   * One DDIM step x_t → x_{t−1} (Eq. 12).
   * @param opts.eta η in [0, 1]; default 0 (deterministic).
   * @param opts.noise z ~ N(0, I), required when σ_t > 0 (η > 0 and not the final step into ᾱ = 1).
   * @param opts.useClippedModelOutput re-derive ε̂ from the clipped x̂_0; default false.
   */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts: StepOptions = {}): StepResult {
    checkFloat32('sample', sample);
    checkSameLength('modelOutput', modelOutput, sample.length, 'sample');
    const eta = opts.eta ?? 0;
    if (typeof eta !== 'number' || !(eta >= 0 && eta <= 1)) {
      throw new InvalidInputError('eta', 'must be a number in [0, 1] (0 = deterministic DDIM, 1 = DDPM-like)', eta);
    }

    // 1. previous timestep: the next entry of the schedule (−1 after the last)
    const prevT = this.schedule.previous(t);

    // 2. ᾱ_t, ᾱ_prev
    const alphaProdT = this.alphasCumprod[t]!;
    const alphaProdPrev = prevT >= 0 ? this.alphasCumprod[prevT]! : this.finalAlphaCumprod;

    // 3. predicted x_0 ("predicted x_0" term of Eq. 12) and ε̂, whatever the network predicts
    const { x0, eps } = predictOriginalAndNoise(this.config.predictionType, modelOutput, sample, alphaProdT);

    // 4. clip x̂_0
    if (this.config.clipSample) {
      const clipped = clipInPlace(x0, this.config.clipSampleRange);
      if (clipped && opts.useClippedModelOutput) {
        // GLIDE: ε̂ consistent with the clipped x̂_0
        const a = Math.sqrt(alphaProdT);
        const b = Math.sqrt(1 - alphaProdT);
        for (let i = 0; i < eps.length; i++) eps[i] = (sample[i]! - a * x0[i]!) / b;
      }
    }

    // 5. σ_t(η), Eq. 16
    const variance = ((1 - alphaProdPrev) / (1 - alphaProdT)) * (1 - alphaProdT / alphaProdPrev);
    const sigma = eta * Math.sqrt(variance);
    const noise = opts.noise;
    if (sigma > 0) {
      if (noise === undefined) {
        throw new InvalidInputError(
          'noise',
          `is required when eta > 0 (η = ${eta}): pass z ~ N(0, I) with the length of 'sample' (${sample.length})`,
        );
      }
      checkSameLength('noise', noise, sample.length, 'sample');
    }

    // 6. "direction pointing to x_t": √(1 − ᾱ_prev − σ_t²) · ε̂ (clamped at 0 against rounding)
    const dirCoef = Math.sqrt(Math.max(1 - alphaProdPrev - sigma * sigma, 0));
    const x0Coef = Math.sqrt(alphaProdPrev);

    // 7. x_{t−1} = √ᾱ_prev x̂_0 + direction + σ_t z   (Eq. 12)
    const prevSample = new Float32Array(sample.length);
    for (let i = 0; i < prevSample.length; i++) {
      prevSample[i] = x0Coef * x0[i]! + dirCoef * eps[i]! + (sigma > 0 ? sigma * noise![i]! : 0);
    }
    return { prevSample, predOriginalSample: Float32Array.from(x0) };
  }
}
