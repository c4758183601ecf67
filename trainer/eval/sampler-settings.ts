/**
 * The sampler settings an eval command measures, from its flags: DDIM at every --steps × --eta, DPM-Solver++(2M) at
 * every --dpm-solver step count (η 0), and DDPM with all the training steps (--ddpm). One list for every eval command
 * and its tables.
 */
import type { SchedulerName } from '../../sdk/schedulers/scheduler-names.js';
import { etaLabel } from './steps-eta-table.js';

export interface SamplerSetting {
  sampler: SchedulerName;
  steps: number;
  eta: number;
}

/** The settings in measuring order: DDIM by η then steps, then DPM-Solver++, then DDPM. */
export function samplerSettings(o: { steps: readonly number[]; etas: readonly number[]; dpmSolver?: readonly number[]; ddpm?: boolean; trainSteps: number }): SamplerSetting[] {
  const out: SamplerSetting[] = [];
  for (const eta of o.etas) for (const steps of o.steps) out.push({ sampler: 'ddim', steps, eta });
  for (const steps of o.dpmSolver ?? []) out.push({ sampler: 'dpm-solver++', steps, eta: 0 });
  if (o.ddpm) out.push({ sampler: 'ddpm', steps: o.trainSteps, eta: 1 });
  return out;
}

/** How a setting reads in logs: "ddim steps 20 eta 0", "dpm-solver++ steps 10", "ddpm steps 1000". */
export function settingLabel(s: SamplerSetting): string {
  return `${s.sampler} steps ${s.steps}${s.sampler === 'ddim' ? ` eta ${s.eta}` : ''}`;
}

/** A table row's name: η for DDIM (the DDIM paper's layout), the sampler's name otherwise. */
export function rowName(s: Pick<SamplerSetting, 'sampler' | 'eta'>): string {
  return s.sampler === 'ddim' ? etaLabel(s.eta) : s.sampler === 'dpm-solver++' ? 'DPM-Solver++' : 'DDPM';
}
