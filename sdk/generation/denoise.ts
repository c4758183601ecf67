import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { Rng } from '../random/rng.js';
import { DDPMScheduler } from '../schedulers/ddpm.js';
import type { Scheduler } from '../schedulers/types.js';
import { applyGuidance, isGuidanceInterval } from './guidance.js';

/**
 * One network evaluation at timestep t for the whole batch: the conditional output and, when
 * `withUnconditional`, the unconditional one too (runners batch both into one call).
 */
export type DenoiseModel = (
  sample: Float32Array,
  timestep: number,
  withUnconditional: boolean,
) => Promise<{ conditional: Float32Array; unconditional?: Float32Array }>;

export interface DenoiseStep {
  /** 1-based step number. */
  step: number;
  total: number;
  timestep: number;
  /** The x_0 predicted at this step (same layout as the sample): a cheap preview. */
  predOriginalSample: Float32Array;
}

export interface DenoiseOptions {
  /** The sampler, already configured with the model's schedule (DDIM or DDPM). */
  scheduler: Scheduler;
  model: DenoiseModel;
  /** Number of values of the whole batch (B·C·H·W). */
  size: number;
  /** Inference steps (1 … numTrainTimesteps). */
  steps: number;
  /** DDIM η (0 = deterministic); DDPM requires 1. Default 0 for DDIM, 1 for DDPM. */
  eta?: number;
  /** Classifier-free guidance scale s; 1 = no guidance (one model call per step). Default 1. */
  guidanceScale?: number;
  /**
   * Where guidance applies, as fractions [lo, hi] of the training timesteps: steps with lo·T ≤ t ≤ hi·T are guided,
   * the others run the conditional model alone (Kynkäänniemi et al. 2024, "Applying guidance in a limited interval").
   * Default [0, 1]: every step.
   */
  guidanceInterval?: readonly [number, number];
  /** Source of the initial noise and of the per-step noise when η > 0. */
  rng: Rng;
  /** Start from this x_t instead of pure noise (img2img), with the schedule starting at `startIndex`. */
  init?: { sample: Float32Array; startIndex: number };
  onStep?: (s: DenoiseStep) => void;
  /** Checked between steps: an aborted signal stops the loop with its reason. */
  signal?: AbortSignal;
}

/**
 * The reverse diffusion loop shared by every caller (trainer previews, evaluation, the SDK):
 *   x_T ~ N(0, I);  for t in timesteps: ε̂ ← guided model output;  x_{t−1} ← scheduler.step(ε̂, t, x_t)
 */
export async function denoise(opts: DenoiseOptions): Promise<Float32Array> {
  const { scheduler, model, size, steps, rng } = opts;
  const T = scheduler.config.numTrainTimesteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > T) {
    throw new InvalidInputError('steps', `must be an integer in [1, ${T}] (the model's training timesteps)`, steps);
  }
  const guidanceScale = opts.guidanceScale ?? 1;
  if (!Number.isFinite(guidanceScale)) throw new InvalidInputError('guidanceScale', 'must be a finite number', guidanceScale);
  const eta = opts.eta ?? (scheduler instanceof DDPMScheduler ? 1 : 0);
  scheduler.setTimesteps(steps);
  const timesteps = scheduler.timesteps;
  const start = opts.init?.startIndex ?? 0;
  let x = opts.init ? Float32Array.from(opts.init.sample) : rng.normalArray(size);
  if (x.length !== size) throw new InvalidInputError('init.sample', `must have ${size} values`, x);
  const [lo, hi] = checkGuidanceInterval(opts.guidanceInterval);
  for (let i = start; i < timesteps.length; i++) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    const t = timesteps[i]!;
    const guided = guidanceScale !== 1 && t >= lo * T && t <= hi * T;
    const out = await model(scheduler.scaleModelInput(x, t), t, guided);
    const modelOutput = guided ? applyGuidance(out.conditional, out.unconditional!, guidanceScale) : out.conditional;
    const needsNoise = eta > 0 && i < timesteps.length - 1;
    const r = scheduler.step(modelOutput, t, x, { eta, ...(needsNoise && { noise: rng.normalArray(size) }) });
    x = r.prevSample;
    opts.onStep?.({ step: i - start + 1, total: timesteps.length - start, timestep: t, predOriginalSample: r.predOriginalSample });
  }
  return x;
}

/** The interval as [lo, hi] with 0 ≤ lo ≤ hi ≤ 1 (default [0, 1]), or an InvalidInputError naming 'guidanceInterval'. */
export function checkGuidanceInterval(value: unknown): [number, number] {
  if (value === undefined) return [0, 1];
  if (!isGuidanceInterval(value)) {
    throw new InvalidInputError(
      'guidanceInterval',
      'must be [lo, hi] with 0 ≤ lo ≤ hi ≤ 1: the part of the noise range (fractions of the training timesteps) where guidance applies, e.g. [0.3, 1]',
      value,
    );
  }
  return [value[0], value[1]];
}
