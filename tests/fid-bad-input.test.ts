// Bad inputs to the FID/KID API stop with typed errors that name the parameter and the fix: images of
// the wrong size, an extractor with an unexpected output shape, fewer than 2 samples, NaN features,
// mismatched dimensions, and corrupt statistics or .npy files.
import { describe, expect, it } from 'vitest';
import { ExtractorOutputError } from '../sdk/errors/extractor-output-error.js';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { StatsFormatError } from '../sdk/errors/stats-format-error.js';
import { createOnnxExtractor, type OrtSessionLike } from '../sdk/fid/extractor.js';
import { frechetDistance } from '../sdk/fid/frechet.js';
import { kernelDistance } from '../sdk/fid/kid.js';
import { encodeNpy, parseNpy } from '../sdk/fid/npy.js';
import { FidScorer } from '../sdk/fid/scorer.js';
import { decodeStats, encodeStats } from '../sdk/fid/stats-file.js';
import { FeatureAccumulator, featureStats } from '../sdk/fid/stats.js';

class FakeTensor {
  constructor(
    readonly type: string,
    readonly data: Float32Array,
    readonly dims: readonly number[],
  ) {}
}

/** A stand-in onnxruntime session: features are the per-image pixel means repeated `dim` times, or a wrong shape. */
function fakeSession(outDims: (n: number) => number[], dim = 4): OrtSessionLike {
  return {
    inputNames: ['images'],
    outputNames: ['logits', 'features'],
    async run(feeds) {
      const x = feeds.images as FakeTensor;
      const n = x.dims[0]!;
      const dims = outDims(n);
      const size = dims.reduce((a, b) => a * b, 1);
      const per = x.data.length / n;
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = x.data[Math.floor(i / (size / n)) * per + (i % dim)]! + (i % dim);
      return { features: { dims, data: out } };
    },
  };
}

const images = (n: number, c = 1, h = 8, w = 8, value = 0.5) => ({ data: new Float32Array(n * c * h * w).map((_, i) => value * Math.sin(i)), shape: [n, c, h, w] as [number, number, number, number] });

describe('FID/KID bad inputs', () => {
  it('images of the wrong size name the expected shape', async () => {
    const extractor = createOnnxExtractor({ session: fakeSession((n) => [n, 4]), Tensor: FakeTensor, inputShape: [1, 8, 8] });
    const scorer = await FidScorer.create({ extractor });
    const err = await scorer.addReal(images(3, 1, 28, 28)).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe("'images' must be [N, 1, 8, 8] for this extractor (resize or convert the images first), got \"[3, 1, 28, 28]\"");
    await expect(scorer.addReal(images(3, 3, 8, 8))).rejects.toThrow(/must be \[N, 1, 8, 8\]/);
    await expect(scorer.addReal({ data: new Float32Array(10), shape: [3, 1, 8, 8] })).rejects.toThrow(/'images.shape' must be positive integers whose product is data.length \(10\)/);
    await expect(scorer.addReal(images(2, 1, 8, 8, 200))).rejects.toThrow(/values must be in \[-1, 1\]; index \d+ is .*x \/ 127.5/);
  });

  it('an extractor output of an unexpected shape is an ExtractorOutputError', async () => {
    const extractor = createOnnxExtractor({ session: fakeSession((n) => [n, 10, 3]), Tensor: FakeTensor, inputShape: [1, 8, 8] });
    const err = await extractor.extract(images(2)).catch((e) => e);
    expect(err).toBeInstanceOf(ExtractorOutputError);
    expect(err.message).toMatch(/extractor output 'features' has shape \[2, 10, 3\]; expected \[2, F\] float32 .*outputName/);
    const declared = createOnnxExtractor({ session: fakeSession((n) => [n, 5], 5), Tensor: FakeTensor, inputShape: [1, 8, 8], dim: 4 });
    await expect(declared.extract(images(2))).rejects.toThrow(/has shape \[2, 5\]; expected \[2, 4\]/);
    expect(() => createOnnxExtractor({ session: fakeSession((n) => [n, 4]), Tensor: FakeTensor, inputShape: [1, 8, 8], outputName: 'pool3' })).toThrow(
      /'outputName' must be one of the session's outputs \(logits, features\), got "pool3"/,
    );
  });

  it('fewer than 2 samples', async () => {
    const acc = await FeatureAccumulator.create(3);
    acc.add(new Float32Array([1, 2, 3]));
    expect(() => acc.stats()).toThrow(/'features' needs at least 2 samples for a covariance \(add more images\), got "1 sample"/);
    const scorer = await FidScorer.create({ extractor: createOnnxExtractor({ session: fakeSession((n) => [n, 4]), Tensor: FakeTensor, inputShape: [1, 8, 8] }) });
    await scorer.addReal(images(5));
    await expect(scorer.fid()).rejects.toThrow(/'addFake' has not been called: FID needs at least 2 fake samples/);
    await scorer.addFake(images(1));
    await expect(scorer.fid()).rejects.toThrow(/'fake images' needs at least 2 samples/);
    await expect(kernelDistance(new Float32Array(4), new Float32Array(8), 4)).rejects.toThrow(/'a' needs at least 2 samples for KID/);
  });

  it('NaN or infinite features name the row and feature', async () => {
    const x = new Float32Array(12).fill(1);
    x[7] = NaN;
    await expect(featureStats(x, 3)).rejects.toThrow("'features' must be finite; row 2, feature 1 is NaN (check the images and the extractor)");
    const y = new Float64Array(12).fill(1);
    y[0] = Infinity;
    await expect(kernelDistance(y, y, 3)).rejects.toThrow(/'a' must be finite; row 0, feature 0 is Infinity/);
    const nanImages = images(2);
    nanImages.data[3] = NaN;
    const extractor = createOnnxExtractor({ session: fakeSession((n) => [n, 4]), Tensor: FakeTensor, inputShape: [1, 8, 8] });
    await expect(extractor.extract(nanImages)).rejects.toThrow(/index 3 is NaN/);
  });

  it('mismatched dimensions, rows and statistics', async () => {
    const a = await featureStats(new Float32Array([1, 2, 3, 4, 5, 7]), 3);
    const b = await featureStats(new Float32Array([1, 2, 3, 5]), 2);
    await expect(frechetDistance(a, b)).rejects.toThrow(/'b.dim' must equal a.dim \(3\): both sets need the same feature extractor, got 2/);
    await expect(featureStats(new Float32Array(7), 3)).rejects.toThrow(/must hold whole rows of 3 features/);
    await expect(frechetDistance({ ...a, count: 1 }, a)).rejects.toThrow(/'a.count' must be at least 2/);
    await expect(frechetDistance(a, a, { eps: -1 })).rejects.toThrow(/'eps' must be a positive number/);
  });

  it('covariances too large for float64 fall back to ε·I like pytorch-fid, then stop with advice', async () => {
    const d = 3;
    const huge = (scale: number) => ({ count: 10, dim: d, mean: new Float64Array(d), cov: Float64Array.from([2, 1, 0, 1, 2, 1, 0, 1, 2], (v) => v * scale) });
    await expect(frechetDistance(huge(1e300), huge(1e300))).rejects.toThrow(
      /'a.cov, b.cov' give no finite FID even with 0.000001·I added \(largest covariance entry 2.00e\+300\); scale the features down/,
    );
    const ok = await frechetDistance(huge(1), huge(2));
    expect(ok.offset).toBe(0);
    expect(Number.isFinite(ok.fid)).toBe(true);
  });

  it('corrupt statistics and .npy files are StatsFormatErrors saying what is wrong', async () => {
    const s = await featureStats(new Float32Array([1, 2, 3, 4, 5, 7]), 3);
    const bytes = encodeStats(s);
    expect(decodeStats(bytes).cov).toEqual(s.cov);
    expect(() => decodeStats(bytes.subarray(0, bytes.length - 8), 'x.fidstats')).toThrow(StatsFormatError);
    expect(() => decodeStats(bytes.subarray(0, bytes.length - 8), 'x.fidstats')).toThrow(/x.fidstats: \d+ bytes, but dim 3 and 0 KID rows need \d+ \(truncated or corrupt\)/);
    expect(() => decodeStats(new TextEncoder().encode('hello world'), 'y')).toThrow(/y: not a webgen FID statistics file/);
    const npy = encodeNpy(new Float32Array(6), 2, 3);
    expect(parseNpy(npy).shape).toEqual([2, 3]);
    expect(() => parseNpy(npy.subarray(0, npy.length - 4), 'f.npy')).toThrow(/f.npy: truncated: shape \(2, 3\) needs 24 data bytes, file has 20/);
    const ints = npy.slice();
    ints[new TextDecoder('latin1').decode(npy).indexOf('<f4') + 1] = 'i'.charCodeAt(0);
    expect(() => parseNpy(ints, 'i.npy')).toThrow(/dtype '<i4' is not float32 or float64/);
  });

  it('loaded statistics from another extractor are refused', async () => {
    const extractor = createOnnxExtractor({ session: fakeSession((n) => [n, 4]), Tensor: FakeTensor, inputShape: [1, 8, 8], name: 'mine' });
    const s = await featureStats(new Float32Array(16).map((_, i) => i * i), 4);
    await expect(FidScorer.create({ extractor, reference: encodeStats({ ...s, extractor: 'inception-pool3' }) })).rejects.toThrow(
      /'stats' were computed with extractor 'inception-pool3', this scorer uses 'mine'/,
    );
  });

  it('KID options have upper bounds (kidSamples ≤ 1,000,000, subsets ≤ 1,000, subsetSize ≤ 1,000,000): InvalidInputErrors, not a RangeError or hours of work', async () => {
    const extractor = { name: 'mine', dim: 4, extract: async () => new Float32Array(0) };
    for (const kidSamples of [1e12, 1_000_001, -1, 2.5]) {
      const err = await FidScorer.create({ extractor, kidSamples }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).parameter).toBe('kidSamples');
      expect((err as Error).message).toMatch(/'kidSamples' must be an integer in \[0, 1000000\]/);
    }
    await expect(FidScorer.create({ extractor, seed: Number.NaN })).rejects.toThrow(/'seed' must be an integer in \[0, 4294967295\], got NaN/);
    const a = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: 40 }, (_, i) => Math.cos(i));
    for (const subsets of [1e9, 1001]) {
      await expect(kernelDistance(a, b, 4, { subsets })).rejects.toThrow(/'subsets' must be an integer in \[1, 1000\]/);
    }
    await expect(kernelDistance(a, b, 4, { subsetSize: 1e12 })).rejects.toThrow(/'subsetSize' must be an integer in \[2, 1000000\]/);
    expect((await kernelDistance(a, b, 4, { subsets: 1000 })).subsets).toBe(1000);
  });

  it('a large kidSamples costs memory only for the rows added, and keeps the same sample as an exact one', async () => {
    const dim = 512;
    const rows = 20;
    const features = Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i * 0.37));
    const extractor = { name: 'mine', dim, extract: async () => new Float32Array(0) };
    const before = process.memoryUsage().arrayBuffers;
    // 1,000,000 × 512 floats would be 2 GB allocated up front
    const big = await FidScorer.create({ extractor, kidSamples: 1_000_000 });
    await big.addFeatures(features, 'real');
    await big.addFeatures(features.map((v) => -v), 'fake');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    const exact = await FidScorer.create({ extractor, kidSamples: rows });
    await exact.addFeatures(features, 'real');
    await exact.addFeatures(features.map((v) => -v), 'fake');
    expect((await big.kid({ subsets: 3 })).values).toEqual((await exact.kid({ subsets: 3 })).values);
  });

  it("preprocess 'inception' needs inputShape [3, 299, 299]: a network of another size is refused when the extractor is made", () => {
    expect(() => createOnnxExtractor({ session: fakeSession((n) => [n, 4]), Tensor: FakeTensor, inputShape: [1, 32, 32], preprocess: 'inception' })).toThrow(
      /'inputShape' must be \[3, 299, 299\] with preprocess 'inception' .*, got "\[1, 32, 32\]"/,
    );
    expect(() => createOnnxExtractor({ session: fakeSession((n) => [n, 4]), Tensor: FakeTensor, inputShape: [3, 299, 299], preprocess: 'inception' })).not.toThrow();
  });
});
