import type { TrainConfig } from '../recipes/train-config.js';

/**
 * Learning rate at (0-based) step: linear warm-up over `warmupSteps`, then cosine decay to 10%
 * of the peak at `steps` (Loshchilov & Hutter 2017, without restarts). A pure function of the
 * step, so a resumed run continues on the same curve.
 */
export function learningRate(step: number, cfg: Pick<TrainConfig, 'lr' | 'warmupSteps' | 'steps'>): number {
  if (step < cfg.warmupSteps) return (cfg.lr * (step + 1)) / cfg.warmupSteps;
  const span = Math.max(1, cfg.steps - cfg.warmupSteps);
  const progress = Math.min(1, (step - cfg.warmupSteps) / span);
  return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * Learning rate at (0-based) step of CycleGAN's schedule (Zhu et al. 2017, §7): `lr` for the first
 * `decayStart · steps` steps, then linearly down to 0 at `steps` (the paper: 100 epochs constant, 100 decaying, so
 * `decayStart` 0.5; 1 keeps it constant). A pure function of the step, so a resumed run continues on the same line;
 * raising `--steps` on resume moves the line.
 */
export function linearDecayRate(step: number, cfg: { lr: number; steps: number; decayStart: number }): number {
  const start = Math.floor(cfg.decayStart * cfg.steps);
  if (step < start) return cfg.lr;
  const span = Math.max(1, cfg.steps - start);
  return cfg.lr * Math.max(0, 1 - (step - start + 1) / (span + 1));
}
