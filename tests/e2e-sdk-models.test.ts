// Every model shipped in models/ that is a diffusion model loads and generates in the browser worker on WebAssembly,
// every GAN generator samples through createGan (the Node side is tests/sdk-shipped-models.test.ts); other kinds are
// refused by createGenerator with a ModelLoadError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageLoad, PageRun } from '../scripts/e2e/compare.js';
import { startHarness, type Harness } from '../scripts/e2e/harness.js';
import { shippedModels } from '../scripts/e2e/shipped-models.js';

const models = shippedModels();
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('shipped models in the browser', () => {
  it('models/ holds at least one model folder with a manifest', () => {
    expect(models.length).toBeGreaterThan(0);
  });

  it.each(models.map((m) => [m.name, m] as const))('%s loads in the worker on wasm and generates, or is refused as a non-generator', async (name, m) => {
    if (m.gan) {
      const distinct = await h.page.evaluate(async (u) => {
        const webgen = (window as any).webgen;
        const gan = await webgen.createGan({ model: u, backend: 'wasm', cache: false });
        const images = await gan.generate({ count: 2, seed: 1 });
        await gan.dispose();
        return images.map((i: { data: Uint8ClampedArray }) => new Set(i.data).size);
      }, `/models/${name}`);
      for (const d of distinct) expect(d).toBeGreaterThan(2);
      return;
    }
    const r = (await h.page.evaluate((u) => (window as any).h.load(u, { backend: 'wasm', cache: false }), `/models/${name}`)) as PageLoad;
    if (!m.diffusion) {
      expect(r.error).toMatchObject({ name: 'ModelLoadError', typed: true });
      return;
    }
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('wasm');
    const out = (await h.page.evaluate(
      ([id, text, prompt, steps]) => (window as any).h.run(id, text ? 'textToImage' : 'sample', text ? { prompt, seed: 1, steps } : { seed: 1, steps }),
      [r.id, m.text, m.prompt, m.steps] as const,
    )) as PageRun;
    expect(out.error).toBeUndefined();
    const img = out.images![0]!;
    expect(img.data.length).toBe(img.width * img.height * 4);
    expect(new Set(img.data).size).toBeGreaterThan(2);
  });
});
