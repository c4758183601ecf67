// createFidScorer in Chromium: the built SDK opens the shipped MNIST classifier and its reference statistics inside its
// worker (onnxruntime-web on wasm, the statistics module fetched from beside worker.js), scores a few hundred real
// MNIST digits sent from the page as RGBA pictures, and gets the FID the Node SDK (onnxruntime-node) gets for the same
// pictures (and the Inception Score from the classifier's logits); noise scores far higher; a bad input arrives on the page as the SDK's own error class.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFidScorer } from '../sdk/node.js';
import { startHarness, type Harness } from '../scripts/e2e/harness.js';
import { openDataset } from '../trainer/data/open-dataset.js';

const N = 300;
let h: Harness;
let grey: Uint8Array; // [N, 32, 32] bytes

interface PageResult {
  info: { name: string; inputShape: number[]; backend: string };
  counts: { real: number; fake: number };
  fid: { fid: number; singular: boolean; rank: number; offset: number; note: string };
  kid: { kid: number; std: number; subsetSize: number };
  is: { mean: number; std: number; splits: number[] };
  noise: number;
  saved: number;
  errors: { name: string; typed: boolean; parameter?: string; message: string }[];
}

beforeAll(async () => {
  const ds = await openDataset('mnist', { width: 32, height: 32 });
  grey = new Uint8Array(N * 1024);
  for (let i = 0; i < N; i++) grey.set(Uint8Array.from(ds.get(i * 31).image, (v) => Math.round((v + 1) * 127.5)), i * 1024);
  h = await startHarness();
  writeFileSync(join(h.scratch, 'digits.bin'), grey);
}, 300_000);

afterAll(async () => {
  await h?.close();
});

const rgbaOf = (bytes: Uint8Array) => {
  const data = new Uint8ClampedArray(bytes.length * 4);
  bytes.forEach((v, p) => data.set([v, v, v, 255], p * 4));
  return { width: 32, height: 32, data };
};

describe('createFidScorer in the browser worker', () => {
  it('scores real MNIST digits as the Node SDK does (wasm), noise far higher, errors as their classes', async () => {
    const r = (await h.page.evaluate(async (n) => {
      const webgen = (window as any).webgen;
      const bytes = new Uint8Array(await (await fetch('/scratch/digits.bin')).arrayBuffer());
      const picture = (grey: Uint8Array) => {
        const data = new Uint8ClampedArray(grey.length * 4);
        for (let p = 0; p < grey.length; p++) data.set([grey[p]!, grey[p]!, grey[p]!, 255], p * 4);
        return { width: 32, height: 32, data };
      };
      const digits = Array.from({ length: n }, (_, i) => picture(bytes.subarray(i * 1024, (i + 1) * 1024)));
      const options = { extractor: '/models/mnist-classifier', reference: '/models/mnist-classifier/reference-stats.fidstats', cache: false };
      const scorer = await webgen.createFidScorer(options);
      for (let i = 0; i < n; i += 100) await scorer.addFake(digits.slice(i, i + 100));
      const counts = await scorer.counts();
      const fid = await scorer.fid();
      const kid = await scorer.kid({ subsets: 5 });
      const is = await scorer.inceptionScore();
      const saved = (await scorer.saveStats('fake')).length;
      const desc = (e: any) => ({ name: e.name, typed: e instanceof webgen[e.name], parameter: e.parameter, message: e.message });
      const errors = [];
      for (const bad of [() => scorer.addFake([{ width: 28, height: 28, data: new Uint8ClampedArray(28 * 28 * 4) }]), () => scorer.loadStats('real', new Uint8Array(40))]) {
        try {
          await bad();
          errors.push({ name: 'none', typed: false, message: 'resolved' });
        } catch (e) {
          errors.push(desc(e));
        }
      }
      const info = scorer.extractor;
      await scorer.dispose();
      let s = 1;
      const noise = await webgen.createFidScorer(options);
      await noise.addFake(digits.map(() => picture(Uint8Array.from({ length: 1024 }, () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24))));
      const noiseFid = (await noise.fid()).fid;
      await noise.dispose();
      return { info, counts, fid, kid, is, noise: noiseFid, saved, errors };
    }, N)) as PageResult;

    expect(r.info).toEqual({ name: 'mnist-classifier/features', inputShape: [1, 32, 32], backend: 'wasm', logits: 'logits' });
    expect(r.counts).toEqual({ real: 10_000, fake: N });
    expect(r.fid).toMatchObject({ singular: false, rank: 128, offset: 0, note: '' });
    expect(r.saved).toBeGreaterThan(N * 128 * 4);

    const node = await createFidScorer({ extractor: 'models/mnist-classifier', reference: 'models/mnist-classifier/reference-stats.fidstats', threads: 1 });
    for (let i = 0; i < N; i += 100) await node.addFake(Array.from({ length: 100 }, (_, k) => rgbaOf(grey.subarray((i + k) * 1024, (i + k + 1) * 1024))));
    const want = await node.fid();
    const wantKid = await node.kid({ subsets: 5 });
    const wantIs = await node.inceptionScore();
    await node.dispose();
    // onnxruntime-web's wasm kernels round differently from onnxruntime-node's (features agree to ~1e-6): measured 2.3e-6
    expect(Math.abs(r.fid.fid - want.fid) / want.fid).toBeLessThan(5e-6);
    expect(r.kid.subsetSize).toBe(wantKid.subsetSize);
    expect(Math.abs(r.kid.kid - wantKid.kid)).toBeLessThan(5e-5 * (Math.abs(wantKid.kid) + wantKid.std));
    expect(r.noise).toBeGreaterThan(20 * r.fid.fid);
    // the Inception Score from the same logits, computed in the worker
    expect(r.is.splits).toHaveLength(10);
    expect(Math.abs(r.is.mean - wantIs.mean) / wantIs.mean).toBeLessThan(1e-5);

    expect(r.errors[0]).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'images' });
    expect(r.errors[0]!.message).toMatch(/must be \[N, 1, 32, 32\] for this extractor/);
    expect(r.errors[1]).toMatchObject({ name: 'StatsFormatError', typed: true });
    // the statistics module came from beside the worker
    expect(h.requests.some((q) => q.url().endsWith('/sdk/webgen-stats.wasm'))).toBe(true);
  }, 300_000);
});
