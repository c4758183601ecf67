import { UsageError } from '../errors/usage-error.js';
import { BASE_CONFIG } from './base.js';
import type { Recipe } from './train-config.js';

/** emoji-ldm's settings, shared with its pixel-space twin emoji-pixel. */
const EMOJI_LDM = {
  ...BASE_CONFIG,
  // The training part: the held-out concepts and (concept, style) pairs stay unseen, as for the VAE and CLIP.
  data: 'emoji',
  autoencoder: 'models/emoji-vae',
  textModel: 'models/emoji-clip',
  conditioning: 'text',
  model: 'latent',
  // ~1.35 s per batch-32 step on a quiet 2-core machine: 3,800 steps (17 passes over the 7,023 images) in ~1.5 h.
  steps: 3800,
  batchSize: 32,
  lr: 1e-3,
  warmupSteps: 200,
  emaDecay: 0.999,
  condDropout: 0.1,
  guidanceScale: 3,
  sampleEvery: 600,
  checkpointEvery: 100,
  logEvery: 20,
  samplePrompts: [
    'grinning face, noto style',
    'grinning face, twemoji style',
    'red apple, noto style',
    'dog face, twemoji style',
    'sun, noto style',
    'heavy black heart, twemoji style',
    'automobile, noto style',
    'thumbs up sign, twemoji style',
  ].join(';'),
  fp16: true,
} satisfies Recipe['defaults'];

/** Every recipe `webgen-train` knows, by name. */
export const RECIPES: Record<string, Recipe> = {
  'shapes-tiny': {
    name: 'shapes-tiny',
    summary: 'quick start: a tiny class-conditional U-Net on the procedural shapes (a few minutes on 2 cores)',
    defaults: { ...BASE_CONFIG, out: 'runs/shapes-tiny' },
  },
  'mnist-small': {
    name: 'mnist-small',
    summary: 'class-conditional ~1M-parameter U-Net on MNIST from ../shared/data/mnist (hours on 2 cores)',
    defaults: {
      ...BASE_CONFIG,
      data: 'mnist',
      // 1,000 of the 10,000 digits stay out of training, for the classifier and FID checks
      holdOut: 1000,
      model: 'small',
      steps: 20000,
      batchSize: 32,
      lr: 1e-3,
      warmupSteps: 500,
      emaDecay: 0.999,
      sampleEvery: 1000,
      checkpointEvery: 200,
      logEvery: 20,
      out: 'runs/mnist-small',
    },
  },
  'shapes-t2i': {
    name: 'shapes-t2i',
    summary:
      'text-to-image: 1.1M-parameter U-Net with cross-attention + a jointly trained 0.1M text encoder on captioned shapes; ' +
      '4 colour-shape pairs never trained on (hours on 2 cores)',
    defaults: {
      ...BASE_CONFIG,
      // One shape per image, so a caption ("a large red circle in the center") describes it all.
      data: 'shapes:50000',
      maxShapes: 1,
      // Each colour and each shape is still seen with others; the pairs test composition.
      holdOutCombos: 'red circle,green star,blue triangle,purple square',
      conditioning: 'text',
      // 24/48/72 channels: ~0.8x small's step time for the same ~1M parameters.
      model: 'compact',
      textDim: 64,
      textLayers: 2,
      textHeads: 4,
      textMaxLength: 16,
      steps: 20000,
      batchSize: 32,
      lr: 1e-3,
      warmupSteps: 500,
      emaDecay: 0.999,
      condDropout: 0.1,
      // Sample grids only. The shipped model's eval (models/shapes-t2i/card.md): guidance on every
      // step hurts more the more steps it spans (scale 3 at 20 steps: 30% right, scale 1: 94%).
      guidanceScale: 1.5,
      sampleEvery: 1000,
      checkpointEvery: 200,
      logEvery: 20,
      // The four held-out pairs first, then pairs it trained on; one grid row each.
      samplePrompts: [
        'a large red circle in the center',
        'a large green star in the center',
        'a large blue triangle in the center',
        'a large purple square in the center',
        'a large blue circle in the center',
        'a large red star at the top left',
        'a small green triangle at the bottom right',
        'a large yellow square on the left',
      ].join(';'),
      out: 'runs/shapes-t2i',
    },
  },
  'emoji-ldm': {
    name: 'emoji-ldm',
    summary:
      'latent diffusion: a 1.3M-parameter cross-attention U-Net on the 4x16x16 latents of models/emoji-vae, conditioned on the ' +
      "frozen text encoder of models/emoji-clip; emoji's held-out concepts and styles never trained on (hours on 2 cores)",
    defaults: { ...EMOJI_LDM, out: 'runs/emoji-ldm' },
  },
  'emoji-pixel': {
    name: 'emoji-pixel',
    summary:
      "the latent-diffusion comparison: emoji-ldm's settings in pixel space, a 1.3M-parameter U-Net (same parameter count) " +
      'on the 4x64x64 RGBA images themselves, trained for the same wall time (hours on 2 cores)',
    defaults: {
      ...EMOJI_LDM,
      autoencoder: '',
      model: 'pixel',
      // emoji-ldm's wall time (6,048 s) at this U-Net's step time: ~3.55 s per batch-32 step on a quiet 2-core machine
      // (2.6x the latent U-Net's 1.35 s), ~4.2 s sharing the cores as emoji-ldm's run did: 1,450 steps. The measured
      // run (models/emoji-ldm/card.md) shared them more and reached step 1,141 at that wall time, where it was stopped.
      steps: 1450,
      out: 'runs/emoji-pixel',
    },
  },
};

export function getRecipe(name: string): Recipe {
  const recipe = RECIPES[name];
  if (!recipe) {
    throw new UsageError(`unknown recipe '${name}'. Known recipes: ${Object.keys(RECIPES).join(', ')} (see webgen-train --help)`);
  }
  return recipe;
}
