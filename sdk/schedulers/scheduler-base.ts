import { makeNoiseSchedule } from './betas.js';
import { resolveSchedulerConfig } from './config.js';
import { InferenceSchedule } from './inference-schedule.js';
import { addNoise, getVelocity } from './training.js';
import type { ResolvedSchedulerConfig, Scheduler, SchedulerConfig, StepOptions, StepResult, Timesteps } from './types.js';

/**
 * What DDPM and DDIM share: the noise schedule, the inference timesteps and the forward process.
 * Each scheduler file adds only its own reverse step.
 */
export abstract class SchedulerBase implements Scheduler {
  readonly config: ResolvedSchedulerConfig;
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphasCumprod: Float64Array;
  readonly initNoiseSigma = 1;
  protected schedule: InferenceSchedule;

  constructor(config: SchedulerConfig = {}) {
    this.config = resolveSchedulerConfig(config);
    ({ betas: this.betas, alphas: this.alphas, alphasCumprod: this.alphasCumprod } = makeNoiseSchedule(this.config));
    this.schedule = InferenceSchedule.full(this.config.numTrainTimesteps);
  }

  get timesteps(): Int32Array {
    return this.schedule.timesteps;
  }

  get numInferenceSteps(): number {
    return this.schedule.timesteps.length;
  }

  setTimesteps(numInferenceSteps: number): void {
    this.schedule = InferenceSchedule.spaced(numInferenceSteps, this.config);
  }

  previousTimestep(t: number): number {
    return this.schedule.previous(t);
  }

  scaleModelInput(sample: Float32Array, _t: number): Float32Array {
    return sample;
  }

  abstract step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult;

  addNoise(x0: Float32Array, noise: Float32Array, t: Timesteps): Float32Array {
    return addNoise(this.alphasCumprod, x0, noise, t);
  }

  getVelocity(x0: Float32Array, noise: Float32Array, t: Timesteps): Float32Array {
    return getVelocity(this.alphasCumprod, x0, noise, t);
  }
}
