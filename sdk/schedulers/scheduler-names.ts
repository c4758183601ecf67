/** The samplers a caller picks by name (`scheduler` of every generation call, `--scheduler` of the commands). */
import { DDIMScheduler } from './ddim.js';
import { DDPMScheduler } from './ddpm.js';
import { DPMSolverMultistepScheduler } from './dpm-solver.js';
import type { Scheduler, SchedulerConfig } from './types.js';

/** 'ddim' (Song et al. 2021), 'ddpm' (Ho et al. 2020, ancestral), 'dpm-solver++' (Lu et al. 2022, DPM-Solver++(2M)). */
export type SchedulerName = 'ddim' | 'ddpm' | 'dpm-solver++';
export const SCHEDULER_NAMES: readonly SchedulerName[] = ['ddim', 'ddpm', 'dpm-solver++'];

/** A fresh scheduler of that name on the model's schedule. */
export function createScheduler(name: SchedulerName, config: SchedulerConfig): Scheduler {
  switch (name) {
    case 'ddpm':
      return new DDPMScheduler(config);
    case 'dpm-solver++':
      return new DPMSolverMultistepScheduler(config);
    default:
      return new DDIMScheduler(config);
  }
}
