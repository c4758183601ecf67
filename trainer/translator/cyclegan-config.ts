/**
 * Everything a CycleGAN training run needs, with its default, and the recipes (named sets of these). Any field can be
 * overridden from the command line as `--kebab-case-name value` (`webgen-train cyclegan <recipe> --cycle-weight …`).
 * The architecture fields are pix2pix's (translator-config.ts), so the two translators compare like for like.
 */
import type { RunConfig } from '../run/training-run.js';
import { TRANSLATOR_BASE_CONFIG } from './translator-config.js';

export interface CycleGanConfig extends RunConfig {
  /** Image side (the emoji are 64×64; 32 or 16 resizes them). */
  imageSize: number;
  /** U-Net encoder channels per level of both generators, outermost first, comma-separated: one halving each. */
  widths: string;
  /** PatchGAN (both D's, unconditional): channels of its first layer. */
  dWidth: number;
  /** PatchGAN strided layers: 1 → 16×16 patches, 2 → 34×34, 3 → 70×70 (the paper's at 256 px). */
  dLayers: number;
  /** λ of the cycle-consistency terms (the paper: 10). */
  cycleWeight: number;
  /** Weight of the identity terms in units of λ (the paper: 0.5, i.e. 0.5·λ; 0 turns them off). */
  identityWeight: number;
  /**
   * Random jitter in pixels (the paper's, as pix2pix's --jitter): each image resized to imageSize + jitter, cropped
   * back at a random place and mirrored at random, A and B independently. 0 = off (the shipped pair trained without).
   */
  jitter: number;
  /** Generated images each D's history pool keeps (the paper: 50; 0 = D sees only the newest fakes). */
  poolSize: number;
  /** Images of each domain per step (A and B drawn independently). */
  batchSize: number;
  /** Adam learning rate of the generators and the D's (the paper: 2e-4). */
  lr: number;
  /** The fraction of `steps` trained at `lr` before it falls linearly to 0 at `steps` (the paper: 0.5; 1 = constant). */
  decayStart: number;
  /** Adam β1 (the paper: 0.5). */
  beta1: number;
  /** Adam β2 (the paper: 0.999). */
  beta2: number;
}

// pix2pix's architecture, optimiser and run settings; the objective's fields are CycleGAN's own.
const { direction: _direction, l1Weight: _l1Weight, ...PIX2PIX_SHARED } = TRANSLATOR_BASE_CONFIG;

export const CYCLEGAN_BASE_CONFIG: CycleGanConfig = {
  ...PIX2PIX_SHARED,
  cycleWeight: 10,
  identityWeight: 0.5,
  poolSize: 50,
  decayStart: 0.5,
  // The paper trains with batch 1; each step here runs six generator passes per domain pair (translation, round trip,
  // identity) and four D passes, so 2 keeps a step near pix2pix's batch-4 cost while averaging a little.
  batchSize: 2,
  out: 'runs/emoji-cyclegan',
};

/** Named recipes: the model to train, and a tiny one for tests. */
export const CYCLEGAN_RECIPES: Record<string, { description: string; config: Partial<CycleGanConfig> }> = {
  'emoji-cyclegan': {
    description: 'CycleGAN on unpaired emoji 64x64 RGBA (Noto <-> Twemoji, both ways): U-Net G and F, 16x16 PatchGANs, LSGAN, cycle λ = 10, identity 0.5·λ, pool 50',
    config: {},
  },
  'emoji-cyclegan-smoke': {
    description: 'a few steps of a tiny CycleGAN on 16x16 emoji (tests, CI)',
    config: { imageSize: 16, widths: '8,8', dWidth: 8, dLayers: 1, batchSize: 2, poolSize: 3, steps: 3, logEvery: 1, sampleEvery: 0, checkpointEvery: 2, out: 'runs/emoji-cyclegan-smoke' },
  },
};
