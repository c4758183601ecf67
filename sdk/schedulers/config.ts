import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { ResolvedSchedulerConfig, SchedulerConfig } from './types.js';

/** The defaults of `SchedulerConfig`, those of diffusers' DDPMScheduler / DDIMScheduler. */
export const DEFAULT_SCHEDULER_CONFIG: ResolvedSchedulerConfig = Object.freeze({
  numTrainTimesteps: 1000,
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: 'linear',
  predictionType: 'epsilon',
  clipSample: true,
  clipSampleRange: 1,
  timestepSpacing: 'leading',
  stepsOffset: 0,
  setAlphaToOne: true,
  varianceType: 'fixed_small',
});

const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;
const VARIANCE_TYPES = ['fixed_small', 'fixed_large'] as const;

/** Fills in defaults and checks every field; throws `InvalidInputError` naming the field at fault. */
export function resolveSchedulerConfig(config: SchedulerConfig = {}): ResolvedSchedulerConfig {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidInputError('config', 'must be an object of scheduler options', config);
  }
  const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  const c = { ...DEFAULT_SCHEDULER_CONFIG, ...defined } as ResolvedSchedulerConfig;

  if (!Number.isInteger(c.numTrainTimesteps) || c.numTrainTimesteps < 1) {
    throw new InvalidInputError('config.numTrainTimesteps', 'must be a positive integer', c.numTrainTimesteps);
  }
  oneOf('config.betaSchedule', c.betaSchedule, BETA_SCHEDULES);
  oneOf('config.predictionType', c.predictionType, PREDICTION_TYPES);
  oneOf('config.timestepSpacing', c.timestepSpacing, TIMESTEP_SPACINGS);
  oneOf('config.varianceType', c.varianceType, VARIANCE_TYPES);
  if (c.trainedBetas === undefined && c.betaSchedule !== 'squaredcos_cap_v2') {
    if (!(c.betaStart > 0 && c.betaStart < 1)) {
      throw new InvalidInputError('config.betaStart', 'must be in (0, 1)', c.betaStart);
    }
    if (!(c.betaEnd > 0 && c.betaEnd < 1)) {
      throw new InvalidInputError('config.betaEnd', 'must be in (0, 1)', c.betaEnd);
    }
  }
  if (typeof c.clipSample !== 'boolean') {
    throw new InvalidInputError('config.clipSample', 'must be true or false', c.clipSample);
  }
  if (!(c.clipSampleRange > 0)) {
    throw new InvalidInputError('config.clipSampleRange', 'must be a positive number', c.clipSampleRange);
  }
  if (!Number.isInteger(c.stepsOffset) || c.stepsOffset < 0 || c.stepsOffset >= c.numTrainTimesteps) {
    throw new InvalidInputError(
      'config.stepsOffset',
      `must be an integer in [0, ${c.numTrainTimesteps - 1}] (numTrainTimesteps − 1)`,
      c.stepsOffset,
    );
  }
  if (typeof c.setAlphaToOne !== 'boolean') {
    throw new InvalidInputError('config.setAlphaToOne', 'must be true or false', c.setAlphaToOne);
  }
  return Object.freeze(c);
}

function oneOf(parameter: string, value: unknown, choices: readonly string[]): void {
  if (!choices.includes(value as string)) {
    throw new InvalidInputError(parameter, `must be one of ${choices.map((s) => `'${s}'`).join(', ')}`, value);
  }
}
