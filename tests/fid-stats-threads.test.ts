// The two-thread covariance accumulation (sdk/fid/gram-helper.ts): the helper's band and this thread's rows give
// the plain TypeScript statistics on features with a large mean (mean 1000, std 1: the cancellation case), across
// block boundaries and for float32 and float64 input; one thread and two agree; small dimensions stay on one thread.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { plainFeatureStats } from '../sdk/fid/plain.js';
import { gramHelper } from '../sdk/fid/gram-helper.js';
import { FidScorer } from '../sdk/fid/scorer.js';
import { FeatureAccumulator, featureStats, setGramHelper } from '../sdk/fid/stats.js';
import { Rng } from '../sdk/random/rng.js';
import { maxRelErr } from './helpers/max-rel-err.js';

/** [n, d] features with mean ≈ 1000, std ≈ 1, and correlated columns (a shared factor). */
function offsetFeatures(seed: number, n: number, d: number): Float32Array {
  const r = new Rng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const common = r.normal();
    for (let j = 0; j < d; j++) x[i * d + j] = 1000 + 0.8 * r.normal() + 0.6 * common * ((j % 5) / 4 - 0.5);
  }
  return x;
}

setGramHelper(gramHelper); // as the Node entry does

describe('two-thread feature statistics', () => {
  const d = 300; // padded 300 ≥ 256: threaded; the split row r = 212 is not a multiple of the 64-column blocks
  const x = offsetFeatures(5, 2600, d);
  const plain = plainFeatureStats(x, d);

  it('equal the plain statistics to float64 rounding (mean 1000, std 1; batches across the 1024-row blocks)', async () => {
    const acc = await FeatureAccumulator.create(d, { threads: 2 });
    expect(acc.threaded).toBe(true); // Node always has SharedArrayBuffer and worker_threads
    let o = 0;
    for (const n of [1, 700, 1500, 37, 362]) {
      acc.add(x.subarray(o * d, (o + n) * d));
      o += n;
    }
    const s = acc.stats();
    expect(s.count).toBe(2600);
    expect(maxRelErr(s.mean, plain.mean)).toBeLessThan(1e-13);
    // the existing streaming tests' tolerance; float32 products would be ~1e-7 here
    expect(maxRelErr(s.cov, plain.cov)).toBeLessThan(1e-11);
    // stats() again after more rows: the flushed block and the new ones both count
    acc.add(x.subarray(0, 10 * d));
    expect(acc.stats().count).toBe(2610);
  });

  it('one thread and two give the same statistics, float32 and float64 input', async () => {
    for (const input of [x, Float64Array.from(x)]) {
      const one = await featureStats(input, d, 'features', { threads: 1 });
      const two = await featureStats(input, d, 'features', { threads: 2 });
      expect(maxRelErr(two.mean, one.mean)).toBeLessThan(1e-14);
      expect(maxRelErr(two.cov, one.cov)).toBeLessThan(1e-13);
    }
  });

  it('stays on one thread below 256 dimensions or with threads: 1, and checks the option', async () => {
    expect((await FeatureAccumulator.create(130)).threaded).toBe(false);
    expect((await FeatureAccumulator.create(2048, { threads: 1 })).threaded).toBe(false);
    setGramHelper(undefined); // the core alone (no entry set a helper): one thread
    expect((await FeatureAccumulator.create(2048)).threaded).toBe(false);
    setGramHelper(gramHelper);
    await expect(FeatureAccumulator.create(d, { threads: 3 as 2 })).rejects.toThrow(InvalidInputError);
    await expect(FeatureAccumulator.create(d, { threads: 3 as 2 })).rejects.toThrow(/'threads' must be 1 or 2/);
  });

  it('FidScorer passes its threads to both sides: 1 keeps the statistics on this thread, the default shares them', async () => {
    let calls = 0; // real then fake for each scorer: two different sets
    const extractor = { name: 'fixed', dim: d, extract: async () => offsetFeatures(5 + (calls++ % 2), 400, d) };
    const images = { data: new Float32Array(400), shape: [400, 1, 1, 1] as [number, number, number, number] };
    const one = await FidScorer.create({ extractor, threads: 1 });
    const two = await FidScorer.create({ extractor });
    for (const s of [one, two]) {
      await s.addReal(images);
      await s.addFake(images);
    }
    expect(one.statsThreaded).toBe(false);
    expect(two.statsThreaded).toBe(true);
    const [a, b] = [(await one.fid()).fid, (await two.fid()).fid];
    expect(a).toBeGreaterThan(0);
    expect(Math.abs(a - b) / a).toBeLessThan(1e-9);
    await expect(FidScorer.create({ extractor, threads: 4 as 2 })).rejects.toThrow(/'threads' must be 1 or 2 \(threads of the mean and covariance\)/);
  });
});
