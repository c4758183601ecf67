// `webgen import`ed PyTorch models in the browser: the built SDK's createGenerator in Debian's Chromium (Playwright),
// on onnxruntime-web's WebAssembly backend, samples the imported fixtures (tests/fixtures/import/make-fixtures.py) from
// PyTorch's initial noise; the images must match PyTorch's DDIM references within 1e-3 max abs (the tolerance and its
// reasons: tests/import-onnx.test.ts).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../scripts/e2e/harness.js';
import { importFixture, maxAbsDiff, readReference } from './helpers/import-fixtures.js';

const TOLERANCE = 1e-3;

interface PageRun {
  backend?: string;
  values?: number[];
  error?: { name: string; message: string };
}

// Page side, as a string so vitest's transform leaves it alone: load, sample from the given noise, dispose.
const PAGE_HELPERS = `
window.importT = {
  async sample(model, options) {
    let g;
    try {
      g = await webgen.createGenerator({ model, backend: 'wasm', cache: false });
      const images = await g.sample({ ...options, initialNoise: Float32Array.from(options.initialNoise) });
      return { backend: g.backend, values: images.flatMap((i) => Array.from(i.values)) };
    } catch (e) {
      return { error: { name: e.name, message: e.message } };
    } finally {
      await g?.dispose();
    }
  },
};
`;

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.page.evaluate(PAGE_HELPERS);
  await importFixture('pixel', join(h.scratch, 'pixel'));
  await importFixture('latent', join(h.scratch, 'latent'));
}, 300_000);
afterAll(async () => {
  await h?.close();
});

const sample = (model: string, options: Record<string, unknown>) => h.page.evaluate(([m, o]) => (window as any).importT.sample(m, o), [model, options] as const) as Promise<PageRun>;

describe('imported PyTorch models in Chromium (wasm)', () => {
  for (const fixture of ['pixel', 'latent'] as const) {
    const ref = readReference(fixture);
    for (const run of ref.runs) {
      it(`${fixture}: ${run.steps} DDIM steps, guidance ${run.guidanceScale}, match PyTorch`, async () => {
        const cond = run.prompt !== undefined ? { prompt: run.prompt } : { classLabel: run.classLabels };
        const r = await sample(`/scratch/${fixture}`, { batch: ref.shape[0], ...cond, steps: run.steps, guidanceScale: run.guidanceScale, initialNoise: ref.noise });
        expect(r.error).toBeUndefined();
        expect(r.backend).toBe('wasm');
        const diff = maxAbsDiff(r.values!, run.sample);
        console.log(`Chromium wasm, ${fixture}, ${run.steps} steps, guidance ${run.guidanceScale}: max abs diff vs PyTorch ${diff.toExponential(2)}`);
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
      }, 120_000);
    }
  }
});
