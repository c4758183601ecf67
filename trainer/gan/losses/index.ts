/** The GAN objectives by recipe name, each with the Lipschitz device it needs. */
import type { GanLoss } from './gan-loss.js';
import { hingeLoss } from './hinge.js';
import { leastSquaresLoss } from './least-squares.js';
import { minimaxLoss } from './minimax.js';
import { nonSaturatingLoss } from './non-saturating.js';
import { wassersteinLoss } from './wasserstein.js';

export { gradientPenalty } from './gradient-penalty.js';
export { clipWeights } from './weight-clipping.js';
export { modeSeekingLoss } from './mode-seeking.js';
// Also CycleGAN's objective (trainer/translator).
export { leastSquaresLoss } from './least-squares.js';
export type { DiscriminatorLossOptions, GanLoss } from './gan-loss.js';

export type GanLossName = 'minimax' | 'non-saturating' | 'wgan-gp' | 'wgan-clip' | 'hinge' | 'least-squares';
export const GAN_LOSS_NAMES: readonly GanLossName[] = ['minimax', 'non-saturating', 'wgan-gp', 'wgan-clip', 'hinge', 'least-squares'];

export interface GanObjective {
  loss: GanLoss;
  /** Add λ · gradient penalty to D's loss (WGAN-GP). */
  gradientPenalty: boolean;
  /** Clip D's weights after each update (original WGAN). */
  weightClipping: boolean;
}

export const GAN_OBJECTIVES: Record<GanLossName, GanObjective> = {
  minimax: { loss: minimaxLoss, gradientPenalty: false, weightClipping: false },
  'non-saturating': { loss: nonSaturatingLoss, gradientPenalty: false, weightClipping: false },
  'wgan-gp': { loss: wassersteinLoss, gradientPenalty: true, weightClipping: false },
  'wgan-clip': { loss: wassersteinLoss, gradientPenalty: false, weightClipping: true },
  hinge: { loss: hingeLoss, gradientPenalty: false, weightClipping: false },
  'least-squares': { loss: leastSquaresLoss, gradientPenalty: false, weightClipping: false },
};
