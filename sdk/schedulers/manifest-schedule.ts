/**
 * The manifest's `schedule` ↔ the schedulers' config, both ways, in one place: the trainer writes a manifest schedule
 * from the config it trained with (trainer/diffusion/export-unet.ts) and the SDK builds its scheduler config from the
 * manifest (sdk/generator/engine.ts); the trainer's own diffusion process uses the same config.
 */
import type { ManifestSchedule } from '../manifest/types.js';
import { COSINE_MAX_BETA } from './betas.js';
import { DEFAULT_SCHEDULER_CONFIG } from './config.js';
import type { SchedulerConfig } from './types.js';

/** The scheduler config a model's manifest schedule describes. */
export function schedulerConfigOf(s: ManifestSchedule): SchedulerConfig {
  return {
    numTrainTimesteps: s.trainSteps,
    betaStart: s.betaStart,
    betaEnd: s.betaEnd,
    betaSchedule: s.kind === 'cosine' ? 'squaredcos_cap_v2' : s.kind,
    predictionType: s.predictionType === 'v' ? 'v_prediction' : s.predictionType,
    ...(s.timestepSpacing && { timestepSpacing: s.timestepSpacing }),
    ...(s.clipSample !== undefined && { clipSample: s.clipSample }),
    ...(s.stepsOffset !== undefined && { stepsOffset: s.stepsOffset }),
    ...(s.setAlphaToOne !== undefined && { setAlphaToOne: s.setAlphaToOne }),
  };
}

/** What the trainer chooses: T, the schedule and the prediction, in the manifest's words. */
export interface TrainingSchedule {
  trainSteps: number;
  kind: 'linear' | 'cosine';
  predictionType: ManifestSchedule['predictionType'];
  /** false for latent models (their x_0 is not bounded by 1); default: the samplers' clamp to [−1, 1]. */
  clipSample?: boolean;
}

/**
 * The manifest schedule of a model trained with `t` on the schedulers' default betas (diffusers' 0.0001 … 0.02; a
 * cosine schedule records its β clip as betaEnd).
 */
export function manifestScheduleOf(t: TrainingSchedule): ManifestSchedule {
  return {
    kind: t.kind,
    betaStart: DEFAULT_SCHEDULER_CONFIG.betaStart,
    betaEnd: t.kind === 'cosine' ? COSINE_MAX_BETA : DEFAULT_SCHEDULER_CONFIG.betaEnd,
    trainSteps: t.trainSteps,
    predictionType: t.predictionType,
    ...(t.clipSample === false && { clipSample: false }),
  };
}
