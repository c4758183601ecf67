// Every model shipped in models/ that is a diffusion model loads in the Node SDK and generates, every GAN generator
// samples through createGan; any other kind is refused by createGenerator with a ModelLoadError (so a new model is covered the day its folder lands). The browser side of this is
// tests/e2e-sdk-models.test.ts.
import { describe, expect, it } from 'vitest';
import { createGan, createGenerator, ModelLoadError } from '../sdk/node.js';
import { shippedModels } from '../scripts/e2e/shipped-models.js';

const models = shippedModels();

describe('shipped models in the Node SDK', () => {
  it('models/ holds at least one model folder with a manifest', () => {
    expect(models.length).toBeGreaterThan(0);
  });

  it.each(models.map((m) => [m.name, m] as const))('%s loads and generates, or is refused as a non-generator', async (_name, m) => {
    if (m.gan) {
      const gan = await createGan({ model: m.dir });
      const images = await gan.generate({ count: 2, seed: 1 });
      for (const img of images) expect(new Set(img.data).size).toBeGreaterThan(2);
      await gan.dispose();
      return;
    }
    if (!m.diffusion) {
      await expect(createGenerator({ model: m.dir })).rejects.toThrow(ModelLoadError);
      return;
    }
    const g = await createGenerator({ model: m.dir });
    const { width, height } = g.manifest.image;
    const classes = g.manifest.conditioning?.classes;
    const images = m.text
      ? [await g.textToImage({ prompt: m.prompt, seed: 1, steps: m.steps })]
      : await g.sample({ seed: 1, steps: m.steps, batch: 2, ...(classes && { classLabel: [0, classes.length - 1] }) });
    for (const img of images) {
      expect([img.width, img.height, img.data.length]).toEqual([width, height, width * height * 4]);
      // A trained model draws something: not one flat colour.
      expect(new Set(img.data).size).toBeGreaterThan(2);
    }
    await g.dispose();
  });
});
