// The WebGPU path, in headless Chromium on its software adapter (SwiftShader): onnxruntime-web's WebGPU execution
// provider must give the same pictures as WebAssembly within a small tolerance (correctness only; no timings).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FP16_PIXEL_TOLERANCE, maxAbsDiff, meanAbsDiff, type PageLoad, type PageRun } from '../scripts/e2e/compare.js';
import { fixtureUrl, startHarness, type Harness } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let h: Harness;
let classUrl: string;
let textUrl: string;
let fp16Url: string;
let gpuDigits: number;
// SwiftShader compiles and runs WebGPU shaders on the CPU: a load with its warm-up pass takes tens of seconds here.
const SLOW = 400_000;

const load = (model: string, options: Record<string, unknown>) => h.page.evaluate(([m, o]) => (window as any).h.load(m, o), [model, options] as const) as Promise<PageLoad>;
const run = (id: number, method: string, options: Record<string, unknown>) =>
  h.page.evaluate(([i, m, o]) => (window as any).h.run(i, m, o), [id, method, options] as const) as Promise<PageRun>;

beforeAll(async () => {
  classUrl = fixtureUrl(await fixtureModel('class'));
  textUrl = fixtureUrl(await fixtureModel('text'));
  fp16Url = fixtureUrl(await fixtureModel('fp16'));
  h = await startHarness({ webgpu: true });
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('WebGPU (SwiftShader adapter)', () => {
  it('detectCapabilities sees the adapter', async () => {
    const caps = await h.page.evaluate(() => (window as any).h.capabilities());
    expect(caps).toMatchObject({ webgpu: true, crossOriginIsolated: true, wasmThreads: true });
    expect(typeof caps.shaderF16).toBe('boolean');
  });

  it("'auto' picks WebGPU with no fallback event", async () => {
    const r = await load(classUrl, { cache: false });
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('webgpu');
    expect(r.events.some((e) => e.status === 'backend-fallback')).toBe(false);
    gpuDigits = r.id!;
  }, SLOW);

  it('class-conditional sampling on WebGPU matches WebAssembly', async () => {
    const cpu = await load(classUrl, { backend: 'wasm', cache: false });
    expect(cpu.backend).toBe('wasm');
    // Batch 1 without guidance: the shapes of the warm-up pass, so no new shaders to compile.
    const opts = { seed: 5, classLabel: 2, guidanceScale: 1, steps: 3 };
    const a = await run(gpuDigits, 'sample', opts);
    const b = await run(cpu.id!, 'sample', opts);
    expect(a.error).toBeUndefined();
    expect(maxAbsDiff(a.images![0]!.data, b.images![0]!.data)).toBeLessThanOrEqual(4);
    expect(meanAbsDiff(a.images![0]!.data, b.images![0]!.data)).toBeLessThan(0.5);
  }, SLOW);

  it('guided text-to-image (text encoder, cross-attention, [cond; uncond] batch) on WebGPU matches WebAssembly', async () => {
    const gpu = await load(textUrl, { backend: 'webgpu', cache: false });
    const cpu = await load(textUrl, { backend: 'wasm', cache: false });
    expect([gpu.backend, cpu.backend]).toEqual(['webgpu', 'wasm']);
    const opts = { prompt: 'a green star', seed: 6, steps: 2 };
    const a = await run(gpu.id!, 'textToImage', opts);
    const b = await run(cpu.id!, 'textToImage', opts);
    expect(a.error).toBeUndefined();
    expect(maxAbsDiff(a.images![0]!.data, b.images![0]!.data)).toBeLessThanOrEqual(4);
  }, SLOW);

  it("precision 'auto' follows the adapter's shader-f16: the float16 file with it, the float32 file (only) without", async () => {
    const shaderF16 = await h.page.evaluate(async () => {
      const adapter = await (navigator as any).gpu.requestAdapter();
      return adapter.features.has('shader-f16') as boolean;
    });
    const caps = await h.page.evaluate(() => (window as any).h.capabilities());
    expect(caps.shaderF16).toBe(shaderF16);
    const from = h.requests.length;
    const r = await load(fp16Url, { cache: false });
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('webgpu');
    const expected = shaderF16 ? 'float16' : 'float32';
    console.log(`SwiftShader adapter: shader-f16 ${shaderF16}; 'auto' loaded ${r.precision}`);
    expect(r.precision).toBe(expected);
    const files = h.requests.slice(from).filter((q) => q.url().includes(`${fp16Url}/`) && q.url().endsWith('.onnx')).map((q) => q.url().split('/').at(-1));
    expect(files).toEqual([shaderF16 ? 'model.fp16.onnx' : 'model.onnx']);
  }, SLOW);

  it("precision 'float16' forced on WebGPU runs the float16 file (cast up inside the graph) and matches float32 on wasm", async () => {
    const gpu = await load(fp16Url, { backend: 'webgpu', cache: false, precision: 'float16' });
    const cpu = await load(fp16Url, { backend: 'wasm', cache: false, precision: 'float32' });
    expect(gpu.error).toBeUndefined();
    expect([gpu.backend, gpu.precision, cpu.precision]).toEqual(['webgpu', 'float16', 'float32']);
    const opts = { seed: 5, classLabel: 2, guidanceScale: 1, steps: 3 };
    const a = await run(gpu.id!, 'sample', opts);
    const b = await run(cpu.id!, 'sample', opts);
    expect(a.error).toBeUndefined();
    expect(maxAbsDiff(a.images![0]!.data, b.images![0]!.data)).toBeLessThanOrEqual(FP16_PIXEL_TOLERANCE.max);
  }, SLOW);
});

