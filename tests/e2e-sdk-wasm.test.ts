// The browser SDK end to end on WebAssembly: the built package in Debian's Chromium (Playwright), onnxruntime-web in
// the SDK's worker, models served by server/static-server.ts. Compared with the Node SDK (onnxruntime-node).
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerator } from '../sdk/node.js';
import { maxAbsDiff, meanAbsDiff, type PageLoad, type PageRun } from '../scripts/e2e/compare.js';
import { fixtureUrl, startHarness, type Harness } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let h: Harness;
let classDir: string;
let textDir: string;
let digits: number;
let text: number;

const load = (model: string, options: Record<string, unknown> = {}) =>
  h.page.evaluate(([m, o]) => (window as any).h.load(m, o), [model, options] as const) as Promise<PageLoad>;
const run = (id: number, method: string, options: Record<string, unknown>, abortAtStep?: number) =>
  h.page.evaluate(([i, m, o, a]) => (window as any).h.run(i, m, o, a), [id, method, options, abortAtStep] as const) as Promise<PageRun>;

beforeAll(async () => {
  classDir = await fixtureModel('class');
  textDir = await fixtureModel('text');
  h = await startHarness();
  const a = await load(fixtureUrl(classDir), { backend: 'wasm', cache: false });
  const b = await load(fixtureUrl(textDir), { backend: 'wasm', cache: false });
  expect(a.error ?? b.error).toBeUndefined();
  digits = a.id!;
  text = b.id!;
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('loading in the worker', () => {
  it('the page is cross-origin isolated and the model loads on wasm, reporting download progress', async () => {
    expect(await h.page.evaluate(() => (window as any).h.crossOriginIsolated())).toBe(true);
    const r = await load(fixtureUrl(classDir), { backend: 'wasm', cache: false });
    expect(r.backend).toBe('wasm');
    const statuses = r.events.map((e) => e.status);
    expect(statuses[0]).toBe('download');
    expect(statuses).toContain('progress');
    expect(statuses.at(-1)).toBe('ready');
    const last = r.events.filter((e) => e.status === 'progress').at(-1)!;
    expect(last.loaded).toBe(last.total);
    expect(statuses).not.toContain('warning'); // isolated: threads are available
  });

  it('toBlob() writes a PNG (the browser encoder) that decodes to the same pixels', async () => {
    const r = await h.page.evaluate(([id]) => (window as any).h.pngRoundTrip(id, { steps: 2, seed: 3 }), [digits] as const);
    expect(r).toEqual({ type: 'image/png', width: 32, height: 32, samePixels: true });
  });

  it("'auto' without a WebGPU adapter falls back to wasm and says why", async () => {
    const r = await load(fixtureUrl(classDir), { cache: false });
    expect(r.backend).toBe('wasm');
    const fallback = r.events.find((e) => e.status === 'backend-fallback');
    expect(fallback).toMatchObject({ from: 'webgpu', to: 'wasm' });
    expect(String(fallback!.reason)).toMatch(/adapter|navigator\.gpu/);
  });

  it("backend 'webgpu' without an adapter is a BackendUnavailableError, not a hang", async () => {
    const r = await load(fixtureUrl(classDir), { backend: 'webgpu', cache: false });
    expect(r.error).toMatchObject({ name: 'BackendUnavailableError', typed: true });
    expect(r.error!.message).toMatch(/backend 'webgpu' is unavailable: .*use backend: 'auto'/);
  });

  it('a corrupt model file is an IntegrityError', async () => {
    const dir = join(h.scratch, 'corrupt');
    cpSync(classDir, dir, { recursive: true });
    const bytes = readFileSync(join(dir, 'model.onnx'));
    bytes[1000] ^= 0x55;
    writeFileSync(join(dir, 'model.onnx'), bytes);
    const r = await load('/scratch/corrupt', { cache: false });
    expect(r.error).toMatchObject({ name: 'IntegrityError', typed: true, fields: { file: 'model.onnx' } });
  });

  it('a manifest with a wrong shape is a ModelLoadError; an invalid one a ManifestError; a missing one a ModelLoadError', async () => {
    const shape = join(h.scratch, 'shape');
    cpSync(classDir, shape, { recursive: true });
    const m = JSON.parse(readFileSync(join(shape, 'manifest.json'), 'utf8'));
    m.files.unet.inputs[0].shape = ['batch', 1, 64, 64];
    m.image.width = m.image.height = 64;
    writeFileSync(join(shape, 'manifest.json'), JSON.stringify(m));
    const wrong = await load('/scratch/shape', { cache: false });
    expect(wrong.error).toMatchObject({ name: 'ModelLoadError', typed: true });
    expect(wrong.error!.message).toMatch(/files\.unet\.inputs\[0\]\.shape' of 'fixture-class' is \["batch",1,64,64\] but model\.onnx declares 'sample' as \["batch",1,32,32\]/);

    const invalid = join(h.scratch, 'invalid');
    cpSync(classDir, invalid, { recursive: true });
    writeFileSync(join(invalid, 'manifest.json'), JSON.stringify({ ...m, image: { ...m.image, range: [1, -1] } }));
    const bad = await load('/scratch/invalid/manifest.json', { cache: false });
    expect(bad.error).toMatchObject({ name: 'ManifestError', typed: true, fields: { field: 'image.range' } });

    const missing = await load('/scratch/nothing-here', { cache: false });
    expect(missing.error).toMatchObject({ name: 'ModelLoadError', typed: true });
    expect(missing.error!.message).toMatch(/HTTP 404/);

    copyFileSync(join(classDir, 'manifest.json'), join(h.scratch, 'classifier.json'));
    const classifier = await load('/models/mnist-classifier', { cache: false });
    expect(classifier.error).toMatchObject({ name: 'ModelLoadError' });
    expect(classifier.error!.message).toMatch(/is a 'classifier', not a 'diffusion-unet'/);
  });

  it('bad createGenerator options are InvalidInputErrors on the main thread', async () => {
    const r = await load(fixtureUrl(classDir), { backend: 'cuda' });
    expect(r.error).toMatchObject({ name: 'InvalidInputError', typed: true, fields: { parameter: 'backend' } });
    const t = await load(fixtureUrl(classDir), { threads: 0 });
    expect(t.error!.message).toMatch(/'threads' must be an integer in \[1, 64\], got 0/);
  });
});

describe('generating in the worker', () => {
  it('sample: same seed, same image; guided by class; matches onnxruntime-node within tolerance', async () => {
    const opts = { seed: 11, batch: 2, classLabel: [3, 'seven'], steps: 10 };
    const a = await run(digits, 'sample', opts);
    const b = await run(digits, 'sample', opts);
    expect(a.error).toBeUndefined();
    expect(a.images).toHaveLength(2);
    expect(a.images![0]!.data).toEqual(b.images![0]!.data);
    expect(a.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(a.steps.every((s) => s.previewBytes === 32 * 32 * 4)).toBe(true);
    const node = await createGenerator({ model: classDir });
    const n = await node.sample({ ...opts, classLabel: [3, 'seven'] });
    await node.dispose();
    for (let i = 0; i < 2; i++) {
      expect(maxAbsDiff(a.images![i]!.data, n[i]!.data)).toBeLessThanOrEqual(4);
      expect(meanAbsDiff(a.images![i]!.data, n[i]!.data)).toBeLessThan(0.5);
    }
    expect(maxAbsDiff(a.images![0]!.data, a.images![1]!.data)).toBeGreaterThan(10);
  });

  it('guidanceInterval: the unguided steps run the conditional half of the batch alone, in the worker as in Node', async () => {
    const base = { seed: 4, batch: 2, classLabel: [1, 8], steps: 6 };
    const plain = await run(digits, 'sample', { ...base, guidanceScale: 1 });
    const none = await run(digits, 'sample', { ...base, guidanceScale: 4, guidanceInterval: [1, 1] });
    const part = await run(digits, 'sample', { ...base, guidanceScale: 4, guidanceInterval: [0.5, 1] });
    for (const r of [plain, none, part]) expect(r.error).toBeUndefined();
    // No guided step at all: exactly the unguided images (both of the batch: the half-batch views hold the right rows).
    for (let i = 0; i < 2; i++) expect(none.images![i]!.data).toEqual(plain.images![i]!.data);
    const node = await createGenerator({ model: classDir });
    const n = await node.sample({ ...base, guidanceScale: 4, guidanceInterval: [0.5, 1] });
    await node.dispose();
    for (let i = 0; i < 2; i++) {
      expect(maxAbsDiff(part.images![i]!.data, plain.images![i]!.data)).toBeGreaterThan(0);
      expect(maxAbsDiff(part.images![i]!.data, n[i]!.data)).toBeLessThanOrEqual(4);
    }
    const bad = await run(digits, 'sample', { ...base, guidanceInterval: [0.9, 0.1] });
    expect(bad.error).toMatchObject({ name: 'InvalidInputError', fields: { parameter: 'guidanceInterval' } });
  });

  it('WebAssembly threads (cross-origin isolated page) give the same image as one thread', async () => {
    const two = await load(fixtureUrl(classDir), { backend: 'wasm', threads: 2, cache: false });
    expect(two.events.some((e) => e.status === 'warning')).toBe(false);
    const opts = { seed: 12, classLabel: 6, steps: 5 };
    const a = await run(two.id!, 'sample', opts);
    const b = await run(digits, 'sample', opts);
    expect(maxAbsDiff(a.images![0]!.data, b.images![0]!.data)).toBeLessThanOrEqual(1);
    await h.page.evaluate((id) => (window as any).h.dispose(id), two.id);
  });

  it('textToImage and img2img (raw RGBA and a canvas) run; the prompt matters', async () => {
    const red = await run(text, 'textToImage', { prompt: 'a red circle', seed: 2, steps: 6 });
    const blue = await run(text, 'textToImage', { prompt: 'a blue star', seed: 2, steps: 6 });
    expect(red.error).toBeUndefined();
    expect(maxAbsDiff(red.images![0]!.data, blue.images![0]!.data)).toBeGreaterThan(10);
    const node = await createGenerator({ model: textDir });
    const n = await node.textToImage({ prompt: 'a red circle', seed: 2, steps: 6 });
    await node.dispose();
    expect(maxAbsDiff(red.images![0]!.data, n.data)).toBeLessThanOrEqual(4);
    // the cross-attention maps cross the worker: one per prompt word, as the Node SDK computes them
    const mapped = await run(text, 'textToImage', { prompt: 'a red circle', seed: 2, steps: 6, attentionMaps: true });
    const nodeAgain = await createGenerator({ model: textDir });
    const nm = (await nodeAgain.textToImage({ prompt: 'a red circle', seed: 2, steps: 6, attentionMaps: true })).attentionMaps!;
    await nodeAgain.dispose();
    const wm = (mapped.images![0] as unknown as { attentionMaps: { tokens: string[]; maps: number[] } }).attentionMaps;
    expect(wm.tokens).toEqual(['a', 'red', 'circle']);
    expect(wm.maps).toHaveLength(nm.maps.length);
    let d = 0;
    nm.maps.forEach((v, i) => (d = Math.max(d, Math.abs(v - wm.maps[i]!))));
    expect(d).toBeLessThan(1e-3);

    const kept = await run(text, 'img2img', { image: red.images![0], strength: 0 });
    expect(kept.images![0]!.data).toEqual(red.images![0]!.data);
    const redrawn = await run(text, 'img2img', { image: red.images![0], strength: 0.5, prompt: 'green square', seed: 3, steps: 10 });
    expect(redrawn.steps).toHaveLength(5);
    const canvas = (await h.page.evaluate((id) => (window as any).h.img2imgFromCanvas(id, { strength: 0 }), text)) as PageRun;
    const px = canvas.images![0]!;
    expect([px.width, px.height]).toEqual([32, 32]);
    expect(px.data.slice(0, 3)).toEqual([255, 0, 0]); // left half red, resized from 64x48
    expect(px.data.slice(31 * 4, 31 * 4 + 3)).toEqual([0, 0, 255]);
  });

  it('bad input comes back as the same typed error, and the generator stays usable', async () => {
    const tooLong = await run(text, 'textToImage', { prompt: 'a big red circle a big star' });
    expect(tooLong.error).toMatchObject({ name: 'PromptTooLongError', typed: true, fields: { parameter: 'prompt', tokens: 7, maxLength: 6 } });
    const badClass = await run(digits, 'sample', { classLabel: 42 });
    expect(badClass.error).toMatchObject({ name: 'InvalidInputError', typed: true, sdkError: true, fields: { parameter: 'classLabel' } });
    const typo = await run(digits, 'sample', { step: 3 });
    expect(typo.error!.message).toMatch(/'step' is not an option of sample\(\) \(did you mean 'steps'\?\)/);
    const badImage = await run(text, 'img2img', { image: { width: 2, height: 2, data: [1, 2, 3] } });
    expect(badImage.error).toMatchObject({ name: 'InvalidInputError', fields: { parameter: 'image.data' } });
    const ok = await run(digits, 'sample', { seed: 1, steps: 2 });
    expect(ok.images).toHaveLength(1);
  });

  it('creation options are checked like call options: unknown names are InvalidInputErrors with a suggestion, no worker left', async () => {
    // Were silently ignored: { thread: 1 } loaded with the default threads, { signal } never aborted anything.
    const workers = h.page.workers().length;
    const typo = await load(fixtureUrl(classDir), { backend: 'wasm', cache: false, thread: 1 });
    expect(typo.error).toMatchObject({ name: 'InvalidInputError', typed: true, fields: { parameter: 'thread' } });
    expect(typo.error!.message).toMatch(/^'thread' is not an option of createGenerator\(\) \(did you mean 'threads'\?\); it accepts model, manifest, backend, threads, cache, precision, onProgress, assetsUrl$/);
    const signal = await h.page.evaluate((m) => (window as any).h.load(m, { backend: 'wasm', signal: new AbortController().signal }), fixtureUrl(classDir));
    expect((signal as PageLoad).error!.message).toMatch(/'signal' is not an option of createGenerator\(\); it is an option of each call \(sample\(\), textToImage\(\), img2img\(\)\), not of createGenerator\(\): pass it there/);
    const others = (await h.page.evaluate(async (m) => {
      const w = (window as any).webgen;
      const msg = (p: Promise<unknown>) => p.then(() => 'loaded', (e: Error) => `${e.name}: ${e.message}`);
      return [
        await msg(w.createGan({ model: m, treshold: 1 })),
        await msg(w.createFidScorer({ extractor: m, kidSample: 10 })),
      ];
    }, fixtureUrl(classDir))) as string[];
    expect(others[0]).toMatch(/^InvalidInputError: 'treshold' is not an option of createGan\(\); it accepts model, manifest, backend, threads, cache, precision, onProgress, assetsUrl, signal$/);
    expect(others[1]).toMatch(/^InvalidInputError: 'kidSample' is not an option of createFidScorer\(\) \(did you mean 'kidSamples'\?\)/);
    expect(h.page.workers().length).toBe(workers); // each refused before its worker starts
    const undef = await load(fixtureUrl(classDir), { backend: 'wasm', cache: false, assetsUrl: undefined });
    expect(undef.error).toBeUndefined(); // an option given as undefined is as good as absent
  });

  it('abort mid-generation rejects with AbortError between steps; the next call works', async () => {
    const r = await run(digits, 'sample', { seed: 4, steps: 40, classLabel: 1 }, 3);
    expect(r.error).toMatchObject({ name: 'AbortError', typed: true });
    expect(r.steps.length).toBeGreaterThanOrEqual(3);
    expect(r.steps.length).toBeLessThan(40);
    const after = await run(digits, 'sample', { seed: 4, steps: 3, classLabel: 1 });
    expect(after.images).toHaveLength(1);
  });

  it('concurrent calls finish in call order; bad input among them fails at once and does not stop the rest', async () => {
    const order = await h.page.evaluate(
      (id) =>
        (window as any).h.concurrent(id, [
          { method: 'sample', options: { seed: 1, steps: 6 } },
          { method: 'sample', options: { classLabel: -1 } },
          { method: 'sample', options: { seed: 2, steps: 2 } },
          { method: 'sample', options: { seed: 3, steps: 1 } },
        ]),
      digits,
    );
    // Options are checked before a call queues, so the bad one rejects without waiting for call 0.
    expect(order.filter((x: unknown) => typeof x === 'number')).toEqual([0, 2, 3]);
    expect(order).toContain('1:InvalidInputError');
  });

  it('dispose frees the worker; later calls are ModelLoadErrors', async () => {
    const r = await load(fixtureUrl(classDir), { backend: 'wasm', cache: false });
    await h.page.evaluate((id) => (window as any).h.dispose(id), r.id);
    const workers = h.page.workers().length;
    expect(workers).toBeGreaterThanOrEqual(0);
    const after = (await h.page.evaluate(async (id) => {
      const g = await (window as any).webgen.createGenerator({ model: id, backend: 'wasm', cache: false });
      await g.dispose();
      try {
        await g.sample();
        return null;
      } catch (e) {
        return (e as Error).name;
      }
    }, fixtureUrl(classDir))) as string | null;
    expect(after).toBe('ModelLoadError');
  });
});

describe('without cross-origin isolation', () => {
  it('wasm runs single-threaded and a warning says how to fix it', async () => {
    const plain = await startHarness({ isolate: false });
    try {
      expect(await plain.page.evaluate(() => (window as any).h.crossOriginIsolated())).toBe(false);
      const r = (await plain.page.evaluate((m) => (window as any).h.load(m, { backend: 'wasm', threads: 2, cache: false }), fixtureUrl(classDir))) as PageLoad;
      expect(r.backend).toBe('wasm');
      const warning = r.events.find((e) => e.status === 'warning');
      expect(warning).toMatchObject({ code: 'single-threaded' });
      expect(String(warning!.message)).toMatch(/Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
      const caps = await plain.page.evaluate(() => (window as any).h.capabilities());
      expect(caps).toMatchObject({ crossOriginIsolated: false, wasmThreads: false, webgpu: false });
    } finally {
      await plain.close();
    }
  });
});
