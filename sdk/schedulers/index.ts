/** Noise schedules and samplers, written once for the SDK (browser worker or Node) and the trainer. */
export type {
  BetaSchedule,
  PredictionType,
  ResolvedSchedulerConfig,
  Scheduler,
  SchedulerConfig,
  StepOptions,
  StepResult,
  TimestepSpacing,
  Timesteps,
  VarianceType,
} from './types.js';
export { DEFAULT_SCHEDULER_CONFIG, resolveSchedulerConfig } from './config.js';
export {
  betasForAlphaBar,
  cosineAlphaBar,
  makeBetas,
  makeNoiseSchedule,
  scheduleFromBetas,
  type BetaOptions,
  type NoiseSchedule,
} from './betas.js';
export { roundHalfEven, spacedTimesteps, type SpacingOptions } from './timesteps.js';
export { DDIMScheduler } from './ddim.js';
export { DDPMScheduler } from './ddpm.js';
export { DPMSolverMultistepScheduler } from './dpm-solver.js';
export { img2imgTimesteps } from './img2img.js';
export { addNoise, getVelocity, noiseCoefficients, type NoiseCoefficients } from './training.js';
