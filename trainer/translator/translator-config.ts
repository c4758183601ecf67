/**
 * Everything a pix2pix training run needs, with its default, and the recipes (named sets of these). Any field can be
 * overridden from the command line as `--kebab-case-name value` (`webgen-train translator <recipe> --direction …`).
 */
import type { RunConfig } from '../run/training-run.js';

/** Which way the emoji are translated: Noto (Google) → Twemoji (Twitter), or back. */
export type TranslatorDirection = 'noto-to-twemoji' | 'twemoji-to-noto';
export const TRANSLATOR_DIRECTIONS: readonly TranslatorDirection[] = ['noto-to-twemoji', 'twemoji-to-noto'];

export interface TranslatorConfig extends RunConfig {
  /** Default 'noto-to-twemoji'. */
  direction: TranslatorDirection;
  /** Image side (the emoji are 64×64; 32 or 16 resizes them). */
  imageSize: number;
  /** U-Net encoder channels per level, outermost first, comma-separated: one halving each. */
  widths: string;
  /** PatchGAN: channels of its first layer. */
  dWidth: number;
  /** PatchGAN strided layers: 1 → 16×16 patches, 2 → 34×34, 3 → 70×70 (the paper's at 256 px). */
  dLayers: number;
  /** λ of the L1 term in G's loss (the paper: 100). */
  l1Weight: number;
  /**
   * Random jitter in pixels: each training pair resized to imageSize + jitter, cropped back at a random place and
   * mirrored at random (the paper: 256 → 286, i.e. 8 at 64 px). 0 = off (the shipped model trained without).
   */
  jitter: number;
  batchSize: number;
  /** Adam learning rate of G and D (the paper: 2e-4). */
  lr: number;
  /** Adam β1 (the paper: 0.5). */
  beta1: number;
  /** Adam β2 (the paper: 0.999). */
  beta2: number;
}

export const TRANSLATOR_BASE_CONFIG: TranslatorConfig = {
  direction: 'noto-to-twemoji',
  imageSize: 64,
  // 64 → 32 → 16 → 8 → 4 → 2: five levels, a 2×2 bottleneck.
  widths: '32,64,128,128,128',
  dWidth: 32,
  // 16×16 patches at 64 px: the paper's 70×70 at 256 px is 27% of the side, 16 is 25% of ours.
  dLayers: 1,
  l1Weight: 100,
  jitter: 0,
  // The paper trains with batch 1; with instance norm a larger batch only averages more gradients per step.
  batchSize: 4,
  lr: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  steps: 20000,
  seed: 0,
  logEvery: 50,
  sampleEvery: 1000,
  checkpointEvery: 500,
  out: 'runs/emoji-pix2pix',
  export: '',
  resume: false,
  backend: 'auto',
  threads: 0,
};

/** Named recipes: the shipped model's settings, and a tiny one for tests. */
export const TRANSLATOR_RECIPES: Record<string, { description: string; config: Partial<TranslatorConfig> }> = {
  'emoji-pix2pix': {
    description: 'pix2pix on paired emoji 64x64 RGBA (Noto → Twemoji; --direction twemoji-to-noto for the other way): U-Net G, 16x16 PatchGAN, L1 λ = 100',
    config: {},
  },
  'emoji-pix2pix-smoke': {
    description: 'a few steps of a tiny pix2pix on 16x16 emoji (tests, CI)',
    config: { imageSize: 16, widths: '8,8', dWidth: 8, dLayers: 1, batchSize: 2, steps: 3, logEvery: 1, sampleEvery: 0, checkpointEvery: 2, out: 'runs/emoji-pix2pix-smoke' },
  },
};
