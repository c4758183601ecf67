// The ViT-D retry recipes (trainer/gan/recipes.ts): each differs from the shipped conv-D model's recipe only in the
// discriminator and its regularisers, so their runs compare the D and nothing else.
import { describe, expect, it } from 'vitest';
import { getGanRecipe } from '../trainer/gan/recipes.js';

const D_FIELDS = ['dArch', 'dWidth', 'dSpectralNorm', 'dMinibatchStd', 'bcrWeight', 'diffAugment', 'out'];
const without = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !D_FIELDS.includes(k)));

describe('mnist-vitgan ViT-D retries', () => {
  const shipped = getGanRecipe('mnist-vitgan-conv-d').defaults;
  it.each([
    ['mnist-vitgan-ms', 0, ''],
    ['mnist-vitgan-bcr', 10, ''],
    ['mnist-vitgan-diffaug', 0, 'translation,cutout'],
    ['mnist-vitgan-bcr-diffaug', 10, 'translation,cutout'],
  ])('%s: the shipped G, loss and mode seeking; a ViT D with bCR %d and DiffAugment %j', (name, bcr, aug) => {
    const r = getGanRecipe(name).defaults;
    expect(without(r as unknown as Record<string, unknown>)).toEqual(without(shipped as unknown as Record<string, unknown>));
    expect(r.modeSeeking).toBe(1);
    expect(r).toMatchObject({ dArch: 'vit', dSpectralNorm: 'isn', bcrWeight: bcr, diffAugment: aug, out: `runs/${name}` });
  });
});
