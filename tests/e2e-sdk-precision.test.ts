// createGenerator's `precision` in Chromium on WebAssembly: a model exported with --fp16 ships model.onnx and
// model.fp16.onnx; the SDK downloads only the one it picks (Playwright's request log) and the float16 file draws
// nearly the same picture. (WebGPU's 'auto' on SwiftShader: e2e-sdk-webgpu.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FP16_PIXEL_TOLERANCE, maxAbsDiff, meanAbsDiff, type PageLoad, type PageRun } from '../scripts/e2e/compare.js';
import { fixtureUrl, startHarness, type Harness } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let h: Harness;
let fp16Url: string;
let classUrl: string;

const load = (model: string, options: Record<string, unknown>) => h.page.evaluate(([m, o]) => (window as any).h.load(m, o), [model, options] as const) as Promise<PageLoad>;
const run = (id: number, method: string, options: Record<string, unknown>) =>
  h.page.evaluate(([i, m, o]) => (window as any).h.run(i, m, o), [id, method, options] as const) as Promise<PageRun>;
/** Names of the .onnx files of `url` requested since request `from`. */
const onnxRequests = (url: string, from: number) =>
  h.requests
    .slice(from)
    .filter((r) => r.url().includes(`${url}/`) && r.url().endsWith('.onnx'))
    .map((r) => r.url().split('/').at(-1));

beforeAll(async () => {
  fp16Url = fixtureUrl(await fixtureModel('fp16'));
  classUrl = fixtureUrl(await fixtureModel('class'));
  h = await startHarness();
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe("precision (wasm, no WebGPU adapter)", () => {
  let half: PageLoad;
  let full: PageLoad;

  it("'float16' downloads model.fp16.onnx only; 'float32' model.onnx only", async () => {
    let from = h.requests.length;
    half = await load(fp16Url, { backend: 'wasm', cache: false, precision: 'float16' });
    expect(half.error).toBeUndefined();
    expect([half.backend, half.precision]).toEqual(['wasm', 'float16']);
    expect(onnxRequests(fp16Url, from)).toEqual(['model.fp16.onnx']);
    expect(half.events.at(-1)).toMatchObject({ status: 'ready', precision: 'float16' });

    from = h.requests.length;
    full = await load(fp16Url, { backend: 'wasm', cache: false, precision: 'float32' });
    expect(full.precision).toBe('float32');
    expect(onnxRequests(fp16Url, from)).toEqual(['model.onnx']);
  });

  it(`the float16 file draws a non-blank picture within ${FP16_PIXEL_TOLERANCE.max} levels of float32 (same seed)`, async () => {
    const opts = { classLabel: 4, seed: 9, steps: 8 };
    const a = await run(half.id!, 'sample', opts);
    const b = await run(full.id!, 'sample', opts);
    expect(a.error ?? b.error).toBeUndefined();
    const x = a.images![0]!.data;
    const y = b.images![0]!.data;
    const grey = x.filter((_, i) => i % 4 === 0);
    expect(Math.max(...grey) - Math.min(...grey)).toBeGreaterThan(20); // not blank
    console.log(`fp16 vs fp32 (Chromium wasm, 8 DDIM steps, guided): max ${maxAbsDiff(x, y)} levels, mean ${meanAbsDiff(x, y).toFixed(3)}`);
    expect(maxAbsDiff(x, y)).toBeLessThanOrEqual(FP16_PIXEL_TOLERANCE.max);
    expect(meanAbsDiff(x, y)).toBeLessThan(FP16_PIXEL_TOLERANCE.mean);
  });

  it("'auto' without WebGPU picks float32 (model.onnx only)", async () => {
    const from = h.requests.length;
    const r = await load(fp16Url, { cache: false });
    expect([r.backend, r.precision]).toEqual(['wasm', 'float32']);
    expect(onnxRequests(fp16Url, from)).toEqual(['model.onnx']);
  });

  it("'float16' on a model with no float16 variant is an InvalidInputError naming 'precision'; so is a bad value", async () => {
    const r = await load(classUrl, { backend: 'wasm', cache: false, precision: 'float16' });
    expect(r.error).toMatchObject({ name: 'InvalidInputError', typed: true, fields: { parameter: 'precision' } });
    expect(r.error!.message).toMatch(/--fp16/);
    const bad = await load(classUrl, { precision: 'fp16' });
    expect(bad.error).toMatchObject({ name: 'InvalidInputError', fields: { parameter: 'precision' } });
  });
});

describe('loadManifest, then createGenerator({ manifest }): one manifest fetch per load', () => {
  const manifestRequests = (url: string, from: number) => h.requests.slice(from).filter((r) => r.url().endsWith(`${url}/manifest.json`)).length;

  it('the page reads the manifest once; the worker validates it instead of fetching it again', async () => {
    const from = h.requests.length;
    const r = (await h.page.evaluate(async (url) => {
      const w = (window as any).webgen;
      const manifest = await w.loadManifest(url);
      const g = await w.createGenerator({ model: url, manifest, backend: 'wasm', cache: false });
      const [img] = await g.sample({ classLabel: 1, seed: 2, steps: 2 });
      await g.dispose();
      return { kind: manifest.kind, pixels: img.data.length };
    }, classUrl)) as { kind: string; pixels: number };
    expect(r.kind).toBe('diffusion-unet');
    expect(r.pixels).toBeGreaterThan(0);
    expect(manifestRequests(classUrl, from)).toBe(1);
    // without it, the worker fetches the manifest itself (also once)
    const again = h.requests.length;
    expect((await load(classUrl, { backend: 'wasm', cache: false })).error).toBeUndefined();
    expect(manifestRequests(classUrl, again)).toBe(1);
  });

  it('a missing model is a ModelLoadError with status 404; an invalid manifest given is a ManifestError from the worker', async () => {
    const r = (await h.page.evaluate(async (url) => {
      const w = (window as any).webgen;
      const missing = await w.loadManifest(`${url}-not-here`).catch((e: any) => ({ name: e.name, status: e.status }));
      const manifest = await w.loadManifest(url);
      const bad = await w.createGenerator({ model: url, manifest: { ...manifest, kind: 'nonsense' }, backend: 'wasm', cache: false }).catch((e: any) => ({ name: e.name, message: e.message }));
      return { missing, bad };
    }, classUrl)) as { missing: { name: string; status: number }; bad: { name: string; message: string } };
    expect(r.missing).toEqual({ name: 'ModelLoadError', status: 404 });
    expect(r.bad.name).toBe('ManifestError');
    expect(r.bad.message).toMatch(/'kind'/);
  });
});
