/**
 * Shared types of the noise schedulers. Semantics follow diffusers' `DDPMScheduler` / `DDIMScheduler`
 * (same option names in camelCase, same defaults) so a model trained against either reads the same here.
 *
 * Notation used across `sdk/schedulers` (DDPM paper, Ho et al. 2020):
 *   β_t   = betas[t]                     noise added by forward step t
 *   α_t   = 1 − β_t                      = alphas[t]
 *   ᾱ_t   = ∏_{s≤t} α_s                  = alphasCumprod[t]   (the DDIM paper writes this α_t)
 *   x_0   clean sample, x_t noisy sample, ε ~ N(0, I) the noise
 *   q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)   (DDPM Eq. 4)
 *
 * Samples are flat `Float32Array`s in the caller's layout; batched arrays are batch-major (`[B, ...]`), which
 * only matters where a per-sample timestep array is passed.
 */

/** How β_t grows with t. */
export type BetaSchedule =
  /** β linear from `betaStart` to `betaEnd` (Ho et al. 2020, Sec. 4). */
  | 'linear'
  /** √β linear from √betaStart to √betaEnd, then squared (latent diffusion / Stable Diffusion). */
  | 'scaled_linear'
  /** Cosine ᾱ schedule of Nichol & Dhariwal 2021, Eq. 17, with β capped at 0.999 (`betaStart`/`betaEnd` unused). */
  | 'squaredcos_cap_v2';

/** What the network predicts. */
export type PredictionType =
  /** The noise ε (Ho et al. 2020). */
  | 'epsilon'
  /** The velocity v = √ᾱ_t ε − √(1 − ᾱ_t) x_0 (Salimans & Ho 2022, "Progressive Distillation", Sec. 4). */
  | 'v_prediction'
  /** The clean sample x_0 directly. */
  | 'sample';

/**
 * How `setTimesteps(n)` picks n of the `numTrainTimesteps` training steps, as annotated in Table 2 of
 * Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed".
 */
export type TimestepSpacing =
  /** `k·⌊T/n⌋ + stepsOffset` for k = n−1 … 0 (T=1000, n=50: 980, 960, …, 0). */
  | 'leading'
  /** `round(T − k·T/n) − 1` for k = 0 … n−1 (T=1000, n=50: 999, 979, …, 19); always starts at T−1. */
  | 'trailing'
  /** n values evenly spread over [0, T−1], rounded half to even, descending (T=1000, n=50: 999, 979, …, 0). */
  | 'linspace';

/** DDPM's reverse-step variance σ_t² (Ho et al. 2020, Sec. 3.2: both choices give similar results). */
export type VarianceType =
  /** σ_t² = β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t, the posterior variance of Eq. 7. */
  | 'fixed_small'
  /** σ_t² = β_t. */
  | 'fixed_large';

/** Options of every scheduler; each has a default, so `{}` is a valid config. */
export interface SchedulerConfig {
  /** T, the number of diffusion steps the model was trained with. Default 1000. */
  numTrainTimesteps?: number;
  /** β_1 of the `linear` / `scaled_linear` schedules. Default 0.0001. */
  betaStart?: number;
  /** β_T of the `linear` / `scaled_linear` schedules. Default 0.02. */
  betaEnd?: number;
  /** How β_t grows with t. Default `'linear'`. */
  betaSchedule?: BetaSchedule;
  /** Explicit β_t for t = 0 … T−1 (length `numTrainTimesteps`, each in (0, 1)); overrides `betaSchedule`. Default none. */
  trainedBetas?: ArrayLike<number>;
  /** What the network predicts. Default `'epsilon'`. */
  predictionType?: PredictionType;
  /** Clamp the predicted x_0 to [−clipSampleRange, clipSampleRange] before it is used (images in [−1, 1]). Default true. */
  clipSample?: boolean;
  /** Bound of `clipSample`. Default 1. */
  clipSampleRange?: number;
  /** How inference timesteps are picked from the training ones. Default `'leading'`. */
  timestepSpacing?: TimestepSpacing;
  /** Added to every timestep under `'leading'` spacing (Stable Diffusion uses 1). Default 0. */
  stepsOffset?: number;
  /**
   * DDIM only: ᾱ used "before" the last step. True: 1 (a fully clean x_0); false: ᾱ_0 (as Stable Diffusion,
   * together with `stepsOffset: 1`). Default true.
   */
  setAlphaToOne?: boolean;
  /** DDPM only: the reverse-step variance σ_t². Default `'fixed_small'`. */
  varianceType?: VarianceType;
}

/** A config with every default filled in (`trainedBetas` stays optional). */
export type ResolvedSchedulerConfig = Readonly<Required<Omit<SchedulerConfig, 'trainedBetas'>>> & {
  readonly trainedBetas?: ArrayLike<number>;
};

/** Per-call options of `step`. */
export interface StepOptions {
  /**
   * DDIM's η (Song et al. 2021, Eq. 16), in [0, 1]: 0 = deterministic DDIM, 1 = DDPM-like ancestral noise.
   * DDIM default 0. DDPM accepts only 1 (its own variance is set by `varianceType`).
   */
  eta?: number;
  /**
   * z ~ N(0, I), same length as `sample`: the variance noise of this step. Schedulers draw nothing random;
   * it is required whenever the step adds noise (DDPM before its last step, DDIM with η > 0) and ignored otherwise.
   */
  noise?: Float32Array;
  /**
   * DDIM only: re-derive ε from the clipped x_0 before using it in the direction term (as GLIDE does).
   * Only matters when `clipSample` actually clipped. Default false.
   */
  useClippedModelOutput?: boolean;
}

/** What one reverse step returns. */
export interface StepResult {
  /** x_{t−1}, the input of the next step (or the final sample). Same length as `sample`. */
  prevSample: Float32Array;
  /** The x_0 predicted at this step (after clipping), for previews and guidance. Same length as `sample`. */
  predOriginalSample: Float32Array;
}

/** Timestep(s) for `addNoise` / `getVelocity`: one for the whole array, or one per batch item. */
export type Timesteps = number | ArrayLike<number>;

/** The methods every scheduler has, so a sampling loop can use any of them. */
export interface Scheduler {
  /** Resolved configuration, defaults filled in. */
  readonly config: ResolvedSchedulerConfig;
  /** β_t for t = 0 … T−1. */
  readonly betas: Float64Array;
  /** α_t = 1 − β_t. */
  readonly alphas: Float64Array;
  /** ᾱ_t = ∏_{s≤t} α_s. */
  readonly alphasCumprod: Float64Array;
  /** Standard deviation of the initial noise x_T: always 1 for these schedulers. */
  readonly initNoiseSigma: number;
  /** Number of inference steps of the current schedule (T until `setTimesteps` is called). */
  readonly numInferenceSteps: number;
  /** The current schedule, descending: the `t` to pass to the model and to `step`, in order. */
  readonly timesteps: Int32Array;
  /** Picks `numInferenceSteps` timesteps (an integer in [1, numTrainTimesteps]) per `config.timestepSpacing`. */
  setTimesteps(numInferenceSteps: number): void;
  /** The timestep after `t` in the current schedule, or −1 after the last one. */
  previousTimestep(t: number): number;
  /** Scales the model input at `t` (identity for DDPM and DDIM; kept so sampling loops stay scheduler-agnostic). */
  scaleModelInput(sample: Float32Array, t: number): Float32Array;
  /** One reverse step x_t → x_{t−1}; `t` must be in `timesteps`. */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult;
  /** x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε (DDPM Eq. 4). */
  addNoise(x0: Float32Array, noise: Float32Array, t: Timesteps): Float32Array;
  /** v = √ᾱ_t ε − √(1 − ᾱ_t) x_0, the `v_prediction` training target. */
  getVelocity(x0: Float32Array, noise: Float32Array, t: Timesteps): Float32Array;
}
