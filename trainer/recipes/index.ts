import { UsageError } from '../errors/usage-error.js';
import { BASE_CONFIG } from './base.js';
import type { Recipe } from './train-config.js';

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
};

export function getRecipe(name: string): Recipe {
  const recipe = RECIPES[name];
  if (!recipe) {
    throw new UsageError(`unknown recipe '${name}'. Known recipes: ${Object.keys(RECIPES).join(', ')} (see webgen-train --help)`);
  }
  return recipe;
}
