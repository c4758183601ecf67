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
 * DDPM ancestral sampler: Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models" (arXiv 2006.11239).
 * Each step samples the posterior q(x_{t−1} | x_t, x̂_0) with x̂_0 predicted by the network.
 *
 * Notation (`prev` is the next, lower, timestep of the schedule; over the full chain prev = t − 1):
 *   ᾱ_t = alphasCumprod[t]   α_t = ᾱ_t / ᾱ_prev   β_t = 1 − α_t   (per-step values, valid for strided schedules too)
 *   Eq. 6:  q(x_{t−1} | x_t, x_0) = N(μ̃_t(x_t, x_0), β̃_t I)
 *   Eq. 7:  μ̃_t = √ᾱ_prev β_t / (1 − ᾱ_t) · x_0  +  √α_t (1 − ᾱ_prev) / (1 − ᾱ_t) · x_t,
 *           β̃_t = (1 − ᾱ_prev) / (1 − ᾱ_t) · β_t
 *   Algorithm 2:  x_{t−1} = μ̃_t + σ_t z,  z ~ N(0, I) (`opts.noise`), z = 0 at the last step
 * Matches diffusers' DDPMScheduler (thresholding, learned variances and zero-SNR rescaling aside).
 */
export class DDPMScheduler extends SchedulerBase {

  constructor(config: SchedulerConfig = {}) {
    super(config);
  }

  /**
   * One ancestral step x_t → x_{t−1} (Eq. 6–7, Algorithm 2).
   * @param opts.noise z ~ N(0, I), required on every step but the last.
   * @param opts.eta only 1 is accepted (DDPM is DDIM's η = 1 case); use `config.varianceType` to choose σ_t².
   */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts: StepOptions = {}): StepResult {
    checkFloat32('sample', sample);
    checkSameLength('modelOutput', modelOutput, sample.length, 'sample');
    if (opts.eta !== undefined && opts.eta !== 1) {
      throw new InvalidInputError(
        'eta',
        "must be left out (or 1) for DDPM, whose variance is set by 'config.varianceType'; use DDIM for other η",
        opts.eta,
      );
    }

    // 1. previous timestep: the next entry of the schedule (−1 after the last)
    const prevT = this.schedule.previous(t);

    // 2. ᾱ_t, ᾱ_prev, and this step's α_t, β_t
    const alphaProdT = this.alphasCumprod[t]!;
    const alphaProdPrev = prevT >= 0 ? this.alphasCumprod[prevT]! : 1;
    const currentAlpha = alphaProdT / alphaProdPrev;
    const currentBeta = 1 - currentAlpha;

    // 3. predicted x_0 (Eq. 15 for ε-models)
    const { x0 } = predictOriginalAndNoise(this.config.predictionType, modelOutput, sample, alphaProdT);

    // 4. clip x̂_0
    if (this.config.clipSample) clipInPlace(x0, this.config.clipSampleRange);

    // 5. posterior mean μ̃_t, Eq. 7
    const x0Coef = (Math.sqrt(alphaProdPrev) * currentBeta) / (1 - alphaProdT);
    const xtCoef = (Math.sqrt(currentAlpha) * (1 - alphaProdPrev)) / (1 - alphaProdT);

    // 6. σ_t² (Sec. 3.2): β̃_t of Eq. 7 ('fixed_small', floored at 1e-20 as diffusers) or β_t ('fixed_large');
    //    no noise into the final sample (Algorithm 2: z = 0 when t = 1)
    const lastStep = prevT < 0;
    const variance = lastStep
      ? 0
      : this.config.varianceType === 'fixed_small'
        ? Math.max(((1 - alphaProdPrev) / (1 - alphaProdT)) * currentBeta, 1e-20)
        : currentBeta;
    const sigma = Math.sqrt(variance);
    const noise = opts.noise;
    if (!lastStep) {
      if (noise === undefined) {
        throw new InvalidInputError(
          'noise',
          `is required on every DDPM step but the last (t = ${t}): pass z ~ N(0, I) with the length of 'sample' (${sample.length})`,
        );
      }
      checkSameLength('noise', noise, sample.length, 'sample');
    }

    // 7. x_{t−1} = μ̃_t + σ_t z
    const prevSample = new Float32Array(sample.length);
    for (let i = 0; i < prevSample.length; i++) {
      prevSample[i] = x0Coef * x0[i]! + xtCoef * sample[i]! + (lastStep ? 0 : sigma * noise![i]!);
    }
    return { prevSample, predOriginalSample: Float32Array.from(x0) };
  }
}
