// GAN sampling in the browser end to end: the built SDK's createGan in Debian's Chromium (Playwright), the generator in
// the SDK's worker on onnxruntime-web — WebAssembly, and WebGPU on headless Chromium's SwiftShader adapter — for a tiny
// conditional DCGAN and a tiny ViTGAN (scripts/e2e/gan-fixtures.ts). Pictures must be non-blank and match the Node SDK
// (onnxruntime-node) on the same latents within a few 8-bit levels.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGan, Rng, type Gan } from '../sdk/node.js';
import { maxAbsDiff, meanAbsDiff, type PageError } from '../scripts/e2e/compare.js';
import { ganFixtureModel } from '../scripts/e2e/gan-fixtures.js';
import { fixtureUrl, startHarness, type Harness } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

interface GanLoad {
  id?: number;
  backend?: string;
  latentDim?: number;
  classes?: string[] | null;
  events: Record<string, unknown>[];
  error?: PageError & { parameter?: string };
}
interface GanRun {
  images?: { width: number; height: number; data: number[]; seed: number }[];
  error?: PageError & { parameter?: string };
}

// Page side, as a string so vitest's transform leaves it alone: createGan and generate through the built SDK
// (window.webgen, set by tests/e2e/page/harness.js), results as plain data.
const PAGE_HELPERS = `
window.ganT = (() => {
  const gans = new Map();
  let next = 0;
  const describe = (e) => ({ name: e.name, message: e.message, typed: typeof webgen[e.name] === 'function' && e instanceof webgen[e.name], sdkError: e instanceof webgen.WebgenSdkError, fields: {}, parameter: e.parameter });
  return {
    async load(model, options) {
      const events = [];
      try {
        const g = await webgen.createGan({ model, ...options, onProgress: (e) => events.push(e) });
        gans.set(++next, g);
        return { id: next, backend: g.backend, latentDim: g.latentDim, classes: g.classes ?? null, events };
      } catch (e) {
        return { error: describe(e), events };
      }
    },
    async call(id, method, options) {
      const o = options && { ...options };
      for (const k of ['latents', 'from', 'to', 'coarse', 'fine']) if (o && Array.isArray(o[k])) o[k] = Float32Array.from(o[k]);
      try {
        const images = await gans.get(id)[method](o);
        return { images: images.map((i) => ({ width: i.width, height: i.height, data: Array.from(i.data), seed: i.seed })) };
      } catch (e) {
        return { error: describe(e) };
      }
    },
    async dispose(id) {
      await gans.get(id)?.dispose();
      gans.delete(id);
    },
  };
})();
`;

let h: Harness;
let dcganDir: string;
let vitganDir: string;
let styleganDir: string;
const node: Record<string, Gan> = {};
// SwiftShader compiles and runs WebGPU shaders on the CPU: a load with its warm-up pass can take tens of seconds.
const SLOW = 400_000;

const load = (model: string, options: Record<string, unknown>) => h.page.evaluate(([m, o]) => (window as any).ganT.load(m, o), [model, options] as const) as Promise<GanLoad>;
const call = (id: number, method: 'generate' | 'interpolate' | 'mix', options: Record<string, unknown> | undefined) =>
  h.page.evaluate(([i, m, o]) => (window as any).ganT.call(i, m, o), [id, method, options] as const) as Promise<GanRun>;
const generate = (id: number, options: Record<string, unknown>) => call(id, 'generate', options);

/** Distinct grey levels of an RGBA image (blank → 1). */
const levels = (data: number[]) => new Set(data.filter((_, i) => i % 4 === 0)).size;

beforeAll(async () => {
  dcganDir = await ganFixtureModel('gan-dcgan');
  vitganDir = await ganFixtureModel('gan-vitgan');
  node.dcgan = await createGan({ model: dcganDir });
  node.vitgan = await createGan({ model: vitganDir });
  styleganDir = await ganFixtureModel('gan-stylegan');
  node.stylegan = await createGan({ model: styleganDir });
  h = await startHarness({ webgpu: true });
  await h.page.evaluate(PAGE_HELPERS);
}, 300_000);

afterAll(async () => {
  await h?.close();
  await Promise.all(Object.values(node).map((g) => g.dispose()));
});

const cases = [
  { label: 'conditional DCGAN', key: 'dcgan', dir: () => dcganDir, classLabel: [0, 3, 9, 3] as number[] | undefined },
  { label: 'ViTGAN', key: 'vitgan', dir: () => vitganDir, classLabel: undefined },
];

describe('createGan in the browser', () => {
  for (const backend of ['wasm', 'webgpu'] as const) {
    for (const c of cases) {
      it(`${c.label} on ${backend}: non-blank images that match the Node SDK on the same latents`, async () => {
        const r = await load(fixtureUrl(c.dir()), { backend, cache: false });
        expect(r.error).toBeUndefined();
        expect(r.backend).toBe(backend);
        expect(r.latentDim).toBe(8);
        expect(r.classes).toEqual(c.classLabel ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] : null);
        expect(r.events.at(-1)).toMatchObject({ status: 'ready', backend });
        const z = new Rng(31).normalArray(4 * 8);
        const a = await generate(r.id!, { latents: Array.from(z), ...(c.classLabel && { classLabel: c.classLabel }) });
        expect(a.error).toBeUndefined();
        const ref = await node[c.key]!.generate({ latents: z, ...(c.classLabel && { classLabel: c.classLabel }) });
        expect(a.images).toHaveLength(4);
        let max = 0;
        let mean = 0;
        for (const [i, img] of a.images!.entries()) {
          expect([img.width, img.height]).toEqual([16, 16]);
          expect(levels(img.data)).toBeGreaterThan(8);
          max = Math.max(max, maxAbsDiff(img.data, ref[i]!.data));
          mean = Math.max(mean, meanAbsDiff(img.data, ref[i]!.data));
        }
        console.log(`${c.label} on ${backend} vs onnxruntime-node: max |Δ| ${max}, mean |Δ| ${mean.toFixed(3)} (8-bit levels)`);
        expect(max).toBeLessThanOrEqual(4);
        expect(mean).toBeLessThan(0.5);
        // Seeded draws in the browser are the Node SDK's draws.
        const seeded = await generate(r.id!, { count: 2, seed: 12 });
        const seededRef = await node[c.key]!.generate({ count: 2, seed: 12 });
        expect(seeded.images!.map((img) => img.seed)).toEqual([12, 12]);
        expect(maxAbsDiff(seeded.images![1]!.data, seededRef[1]!.data)).toBeLessThanOrEqual(4);
        // gan.interpolate crosses the worker: the same frames as the Node SDK's.
        const path = await call(r.id!, 'interpolate', { from: 4, to: 9, frames: 3, truncation: 0.8 });
        const pathRef = await node[c.key]!.interpolate({ from: 4, to: 9, frames: 3, truncation: 0.8 });
        expect(path.images).toHaveLength(3);
        for (const [i, img] of path.images!.entries()) expect(maxAbsDiff(img.data, pathRef[i]!.data)).toBeLessThanOrEqual(4);
        await h.page.evaluate((id) => (window as any).ganT.dispose(id), r.id!);
      }, SLOW);
    }
  }

  it('a StyleGAN on wasm: truncationPsi and mix() cross the worker and match the Node SDK', async () => {
    const r = await load(fixtureUrl(styleganDir), { backend: 'wasm', cache: false });
    expect(r.error).toBeUndefined();
    const truncated = await generate(r.id!, { count: 2, seed: 7, truncationPsi: 0.5 });
    const truncatedRef = await node.stylegan!.generate({ count: 2, seed: 7, truncationPsi: 0.5 });
    for (const [i, img] of truncated.images!.entries()) expect(maxAbsDiff(img.data, truncatedRef[i]!.data)).toBeLessThanOrEqual(4);
    const row = await call(r.id!, 'mix', { coarse: 1, fine: 2, crossover: [0, 2, 4, 6], classLabel: 3 });
    const rowRef = await node.stylegan!.mix({ coarse: 1, fine: 2, crossover: [0, 2, 4, 6], classLabel: 3 });
    expect(row.images).toHaveLength(4);
    for (const [i, img] of row.images!.entries()) {
      expect(levels(img.data)).toBeGreaterThan(8);
      expect(maxAbsDiff(img.data, rowRef[i]!.data)).toBeLessThanOrEqual(4);
    }
    const bad = await call(r.id!, 'mix', { coarse: 1, fine: 2, crossover: 99 });
    expect(bad.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'crossover' });
    await h.page.evaluate((id) => (window as any).ganT.dispose(id), r.id!);
  }, SLOW);

  it("'auto' picks WebGPU where there is an adapter", async () => {
    const r = await load(fixtureUrl(vitganDir), { cache: false });
    expect(r.backend).toBe('webgpu');
    expect(r.events.some((e) => e.status === 'backend-fallback')).toBe(false);
    await h.page.evaluate((id) => (window as any).ganT.dispose(id), r.id!);
  }, SLOW);

  it('bad input crosses the worker as typed errors naming the parameter', async () => {
    const r = await load(fixtureUrl(dcganDir), { backend: 'wasm', cache: false });
    const wrong = await generate(r.id!, { latents: Array.from({ length: 12 }, () => 0) });
    expect(wrong.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'latents' });
    expect(wrong.error!.message).toMatch(/must hold count × 8 numbers/);
    const cls = await generate(r.id!, { classLabel: 10 });
    expect(cls.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'classLabel' });
    const noEnd = await call(r.id!, 'interpolate', { from: Array.from({ length: 8 }, () => 0), to: 2 });
    expect(noEnd.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'classLabel' });
    expect((await call(r.id!, 'interpolate', undefined)).error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'options' });
    expect((await generate(r.id!, { seed: 1 })).images).toHaveLength(1); // still usable

    const diffusion = await load(fixtureUrl(await fixtureModel('class')), { backend: 'wasm', cache: false });
    expect(diffusion.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'model' });
    expect(diffusion.error!.message).toMatch(/is a 'diffusion-unet': load it with createGenerator instead/);

    const corrupt = join(h.scratch, 'gan-corrupt');
    cpSync(dcganDir, corrupt, { recursive: true });
    const bytes = readFileSync(join(corrupt, 'model.onnx'));
    bytes[bytes.length >> 1] ^= 0x55;
    writeFileSync(join(corrupt, 'model.onnx'), bytes);
    const bad = await load('/scratch/gan-corrupt', { backend: 'wasm', cache: false });
    expect(bad.error).toMatchObject({ name: 'IntegrityError', typed: true });
  }, SLOW);
});
