// The streaming scorer and its pieces: batch-by-batch accumulation equals the one-shot statistics (odd
// dimensions, batches across the wasm block size, zero-variance features), saved statistics round-trip,
// KID on the reservoir, pytorch-fid's Inception preprocessing, and the shipped MNIST extractor.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { createOnnxExtractor, type FeatureExtractor, type OrtSessionLike, type OrtTensorConstructor } from '../sdk/fid/extractor.js';
import { frechetDistance } from '../sdk/fid/frechet.js';
import { plainFeatureStats, plainFrechetDistance } from '../sdk/fid/plain.js';
import { inceptionPreprocess, resizeBilinearNchw } from '../sdk/fid/preprocess.js';
import { FidScorer } from '../sdk/fid/scorer.js';
import { decodeStats } from '../sdk/fid/stats-file.js';
import { FeatureAccumulator } from '../sdk/fid/stats.js';
import { judgeSamples } from '../trainer/classifier/judge.js';
import { openDataset } from '../trainer/data/open-dataset.js';
import { maxRelErr } from './helpers/max-rel-err.js';

function features(seed: number, n: number, d: number, scale = 1): Float32Array {
  const r = new Rng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const common = r.normal();
    for (let j = 0; j < d; j++) x[i * d + j] = scale * (r.normal() + 0.5 * common * ((j % 3) - 1)) + 100 + j; // offset: the shift must absorb it
  }
  return x;
}

const relErr = maxRelErr;

describe('streaming statistics', () => {
  it.each([1, 3, 7, 130])('d = %i: batches of 1, 255, 300 rows equal the plain one-shot statistics', async (d) => {
    const x = features(d, 600, d);
    const acc = await FeatureAccumulator.create(d);
    let o = 0;
    for (const n of [1, 255, 300, 44]) {
      acc.add(x.subarray(o * d, (o + n) * d));
      o += n;
    }
    const s = acc.stats();
    const p = plainFeatureStats(x, d);
    expect(s.count).toBe(600);
    expect(relErr(s.mean, p.mean)).toBeLessThan(1e-13);
    expect(relErr(s.cov, p.cov)).toBeLessThan(1e-11);
    const y = features(d + 1, 500, d, 1.2);
    const t = await FeatureAccumulator.create(d);
    t.add(Float64Array.from(y)); // float64 input takes the other path
    const f = await frechetDistance(s, t.stats());
    expect(Math.abs(f.fid - plainFrechetDistance(p, plainFeatureStats(y, d))) / f.fid).toBeLessThan(1e-9);
  });

  it('zero-variance (dead) features lower the rank and still give the plain result', async () => {
    const d = 20;
    const x = features(5, 300, d);
    const y = features(6, 300, d, 0.8);
    for (let i = 0; i < 300; i++) for (const j of [0, 7, 8]) x[i * d + j] = y[i * d + j] = 0.25;
    const a = await FeatureAccumulator.create(d);
    a.add(x);
    const b = await FeatureAccumulator.create(d);
    b.add(y);
    const f = await frechetDistance(a.stats(), b.stats());
    expect(f.rank).toBe(17);
    expect(f.singular).toBe(true);
    expect(f.offset).toBe(0);
    expect(Math.abs(f.fid - plainFrechetDistance(plainFeatureStats(x, d), plainFeatureStats(y, d))) / f.fid).toBeLessThan(1e-9);
  });

  it('FID of a set with itself is 0 and FID is symmetric', async () => {
    const s = await FeatureAccumulator.create(9);
    s.add(features(1, 400, 9));
    const t = await FeatureAccumulator.create(9);
    t.add(features(2, 100, 9, 1.5));
    expect(Math.abs((await frechetDistance(s.stats(), s.stats())).fid)).toBeLessThan(1e-9);
    const ab = await frechetDistance(s.stats(), t.stats());
    const ba = await frechetDistance(t.stats(), s.stats());
    expect(ab.factored).toBe('b');
    expect(ba.factored).toBe('a');
    expect(Math.abs(ab.fid - ba.fid) / ab.fid).toBeLessThan(1e-10);
  });
});

/** An extractor that passes features through: images [N, 1, 1, d] → features [N, d]. */
function identityExtractor(d: number): FeatureExtractor {
  return { name: 'identity', dim: d, extract: async (im) => Float32Array.from(im.data) };
}

describe('FidScorer', () => {
  it('accumulates, saves and reloads statistics, and scores KID on the reservoir', async () => {
    const d = 6;
    const scorer = await FidScorer.create({ extractor: identityExtractor(d), kidSamples: 150, seed: 4 });
    const real = features(10, 400, d, 0.01).map((v, i) => (v - 100 - (i % d)) * 50);
    const fake = features(11, 300, d, 0.012).map((v, i) => (v - 100 - (i % d)) * 50);
    for (let o = 0; o < 400; o += 100) await scorer.addReal({ data: real.subarray(o * d, (o + 100) * d), shape: [100, 1, 1, d] });
    expect(await scorer.addFake({ data: fake, shape: [300, 1, 1, d] })).toBe(300);
    expect(scorer.counts).toEqual({ real: 400, fake: 300 });
    const fid = await scorer.fid();
    expect(Math.abs(fid.fid - plainFrechetDistance(plainFeatureStats(real, d), plainFeatureStats(fake, d))) / fid.fid).toBeLessThan(1e-10);
    // saved → loaded gives the same FID (float64 statistics are stored exactly)
    const saved = scorer.saveStats('real', 'test');
    const back = decodeStats(saved);
    expect(back).toMatchObject({ count: 400, dim: d, extractor: 'identity', note: 'test' });
    expect(back.kidFeatures!.length).toBe(150 * d);
    const again = await FidScorer.create({ extractor: identityExtractor(d), reference: saved });
    await again.addFake({ data: fake, shape: [300, 1, 1, d] });
    expect((await again.fid()).fid).toBe(fid.fid);
    // KID between the reservoirs: subset size min(150, 150, 1000)
    const kid = await scorer.kid({ subsets: 10 });
    expect(kid.subsetSize).toBe(150);
    expect(kid.values).toHaveLength(10);
    expect(Number.isFinite(kid.kid) && kid.std > 0).toBe(true);
    // every reservoir row is one of the added rows
    const rows = new Set(Array.from({ length: 400 }, (_, i) => real.subarray(i * d, (i + 1) * d).join(',')));
    for (let i = 0; i < 150; i++) expect(rows.has(back.kidFeatures!.subarray(i * d, (i + 1) * d).join(','))).toBe(true);
  });
});

describe("pytorch-fid's Inception preprocessing", () => {
  it('bilinear resize matches F.interpolate(align_corners=False)', () => {
    // 2 → 4: PyTorch gives [x0, 0.75 x0 + 0.25 x1, 0.25 x0 + 0.75 x1, x1]
    const up = resizeBilinearNchw(new Float32Array([0, 4]), 1, 1, 1, 2, 1, 4);
    expect(Array.from(up)).toEqual([0, 1, 3, 4]);
    // 4 → 2: sources at 0.5 and 2.5 → means of neighbours (no antialiasing)
    expect(Array.from(resizeBilinearNchw(new Float32Array([0, 2, 4, 8]), 1, 1, 1, 4, 1, 2))).toEqual([1, 6]);
    // 3 → 3 is the identity
    const x = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(resizeBilinearNchw(x, 1, 1, 3, 3, 3, 3)).toEqual(x);
  });

  it('gives [N, 3, 299, 299] in [-1, 1], grey repeated to RGB', () => {
    const img = new Float32Array(2 * 32 * 32).map((_, i) => (i % 32) / 15.5 - 1); // a horizontal ramp in [-1, 1]
    const out = inceptionPreprocess(img, 2, 1, 32, 32);
    expect(out.length).toBe(2 * 3 * 299 * 299);
    const plane = 299 * 299;
    expect(out.subarray(0, plane)).toEqual(out.subarray(plane, 2 * plane));
    expect(out[0]).toBeCloseTo(-1, 6);
    expect(out[298]).toBeCloseTo(1, 6);
    let min = Infinity;
    let max = -Infinity;
    for (const v of out) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeGreaterThanOrEqual(-1 - 1e-6);
    expect(max).toBeLessThanOrEqual(1 + 1e-6);
  });
});

describe('the shipped MNIST extractor', () => {
  it('gives the trainer judge’s features, and real digits score far below noise against the reference statistics', async () => {
    const session = await ort.InferenceSession.create('models/mnist-classifier/model.onnx');
    const extractor = createOnnxExtractor({ session: session as unknown as OrtSessionLike, Tensor: ort.Tensor as unknown as OrtTensorConstructor, inputShape: [1, 32, 32], name: 'mnist-classifier/features' });
    const ds = await openDataset('mnist', { width: 32, height: 32 });
    const n = 300;
    const data = new Float32Array(n * 1024);
    for (let i = 0; i < n; i++) data.set(ds.get(i * 31).image, i * 1024);
    const feats = await extractor.extract({ data, shape: [n, 1, 32, 32] });
    expect(extractor.dim).toBe(128);
    const judged = await judgeSamples('models/mnist-classifier', data, undefined, { features: true });
    expect(relErr(feats, judged.features!)).toBeLessThan(1e-6);

    const reference = readFileSync('models/mnist-classifier/reference-stats.fidstats');
    const scorer = await FidScorer.create({ extractor, reference });
    await scorer.addFake({ data, shape: [n, 1, 32, 32] });
    const real = await scorer.fid();
    const noise = await FidScorer.create({ extractor, reference });
    const r = new Rng(0);
    await noise.addFake({ data: data.map(() => r.uniform() * 2 - 1), shape: [n, 1, 32, 32] });
    const bad = await noise.fid();
    expect(real.fid).toBeLessThan(bad.fid / 20);
    await session.release();
  });
});
