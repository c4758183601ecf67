// createFidScorer (the Node entry, onnxruntime-node) over the shipped MNIST classifier: real digits as RGBA pictures
// score the same FID as `webgen fid` on the same digits as PNG files and as FidScorer on the float images; saved
// statistics round-trip through saveStats/loadStats; bad input is refused with typed errors naming the parameter.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOnnxExtractor, type OrtSessionLike, type OrtTensorConstructor } from '../sdk/fid/extractor.js';
import { FidScorer } from '../sdk/fid/scorer.js';
import { decodeStats } from '../sdk/fid/stats-file.js';
import { deserializeError, serializeError } from '../sdk/worker/errors.js';
import { createFidScorer, ExtractorOutputError, InvalidInputError, StatsFormatError, StatsWasmUnavailableError, type ImageFidScorer, type RgbaImage } from '../sdk/node.js';
import { openDataset } from '../trainer/data/open-dataset.js';
import { fidCommand } from '../trainer/eval/fid-command.js';
import { encodePng } from '../trainer/image/encode-png.js';

const EXTRACTOR = 'models/mnist-classifier';
const REFERENCE = 'models/mnist-classifier/reference-stats.fidstats';
const N = 300;

let floats: Float32Array; // [N, 1, 32, 32] in [-1, 1]
let pictures: RgbaImage[];
let scorer: ImageFidScorer;

const rgbaOf = (grey: Uint8Array): RgbaImage => {
  const data = new Uint8ClampedArray(grey.length * 4);
  grey.forEach((v, p) => data.set([v, v, v, 255], p * 4));
  return { width: 32, height: 32, data };
};

beforeAll(async () => {
  const ds = await openDataset('mnist', { width: 32, height: 32 });
  floats = new Float32Array(N * 1024);
  pictures = [];
  for (let i = 0; i < N; i++) {
    const img = ds.get(i * 31).image;
    floats.set(img, i * 1024);
    pictures.push(rgbaOf(Uint8Array.from(img, (v) => Math.round((v + 1) * 127.5))));
  }
  scorer = await createFidScorer({ extractor: EXTRACTOR, reference: REFERENCE, threads: 1 });
}, 120_000);

afterAll(async () => {
  await scorer?.dispose();
});

describe('createFidScorer in Node', () => {
  it('clear(side) empties one side: the next setting scores as in a fresh scorer, against the same reference', async () => {
    const s = await createFidScorer({ extractor: EXTRACTOR, reference: REFERENCE, threads: 1 });
    const fresh = await createFidScorer({ extractor: EXTRACTOR, reference: REFERENCE, threads: 1 });
    try {
      await s.addFake(pictures.slice(0, 150));
      await s.clear('fake');
      expect(await s.counts()).toEqual({ real: 10_000, fake: 0 });
      await expect(s.fid()).rejects.toThrow(InvalidInputError);
      await s.addFake(pictures.slice(150));
      await fresh.addFake(pictures.slice(150));
      expect((await s.fid()).fid).toBe((await fresh.fid()).fid);
      expect((await s.kid()).kid).toBe((await fresh.kid()).kid);
      await expect(s.clear('both' as never)).rejects.toThrow(InvalidInputError);
    } finally {
      await s.dispose();
      await fresh.dispose();
    }
  });

  it('scores real digits as the CLI and FidScorer do, far below noise', async () => {
    expect(scorer.extractor).toEqual({ name: 'mnist-classifier/features', inputShape: [1, 32, 32], backend: 'cpu', logits: 'logits' });
    expect(await scorer.addFake(pictures.slice(0, 100))).toBe(100);
    expect(await scorer.addFake(pictures.slice(100))).toBe(N);
    expect(await scorer.counts()).toEqual({ real: 10_000, fake: N });
    const sdk = await scorer.fid();
    expect(sdk).toMatchObject({ singular: false, rank: 128, offset: 0, note: '' });

    // FidScorer on the dataset's float images
    const session = await ort.InferenceSession.create(`${EXTRACTOR}/model.onnx`);
    const extractor = createOnnxExtractor({ session: session as unknown as OrtSessionLike, Tensor: ort.Tensor as unknown as OrtTensorConstructor, inputShape: [1, 32, 32], name: 'mnist-classifier/features' });
    const direct = await FidScorer.create({ extractor, reference: readFileSync(REFERENCE) });
    await direct.addFake({ data: floats, shape: [N, 1, 32, 32] });
    expect(Math.abs(sdk.fid - (await direct.fid()).fid) / sdk.fid).toBeLessThan(1e-9);
    await session.release();

    // `webgen fid` on the same digits written as PNG files
    const dir = mkdtempSync(join(tmpdir(), 'webgen-sdk-fid-'));
    mkdirSync(join(dir, 'digits'));
    pictures.forEach((p, i) => writeFileSync(join(dir, 'digits', `${String(i).padStart(4, '0')}.png`), encodePng(Uint8Array.from({ length: 1024 }, (_, q) => p.data[q * 4]!), 32, 32)));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await fidCommand([REFERENCE, join(dir, 'digits'), '--extractor', EXTRACTOR, '--json', join(dir, 'cli.json')])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const cli = JSON.parse(readFileSync(join(dir, 'cli.json'), 'utf8')) as { fid: number };
    expect(Math.abs(sdk.fid - cli.fid) / cli.fid).toBeLessThan(1e-9);

    // the Inception Score of the same digits, with the classifier's logits: as `webgen fid --is` computes it
    const is = await scorer.inceptionScore();
    log.mockImplementation(() => undefined);
    try {
      expect(await fidCommand(['--is', join(dir, 'digits'), '--extractor', EXTRACTOR, '--json', join(dir, 'is.json')])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const cliIs = JSON.parse(readFileSync(join(dir, 'is.json'), 'utf8')) as { mean: number; std: number };
    expect(Math.abs(is.mean - cliIs.mean) / cliIs.mean).toBeLessThan(1e-6);
    expect(Math.abs(is.std - cliIs.std)).toBeLessThan(1e-5);
    expect(is.splits).toHaveLength(10);
    // real digits, confidently classified and spread over the 10 classes: close to 10 (30 per split)
    expect(is.mean).toBeGreaterThan(7);
    expect((await scorer.inceptionScore({ splits: 3 })).splits).toHaveLength(3);

    // noise scores much higher
    const noisy = await createFidScorer({ extractor: EXTRACTOR, reference: REFERENCE, threads: 1 });
    let s = 1;
    const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24);
    await noisy.addFake(pictures.map(() => rgbaOf(Uint8Array.from({ length: 1024 }, rand))));
    expect((await noisy.fid()).fid).toBeGreaterThan(20 * sdk.fid);
    // noise is read as a few classes: a low Inception Score
    expect((await noisy.inceptionScore()).mean).toBeLessThan(is.mean / 2);
    await noisy.dispose();
  }, 120_000);

  it('saveStats/loadStats round-trip: the same FID, the same KID sample', async () => {
    const saved = await scorer.saveStats('fake', 'digits');
    const back = decodeStats(saved);
    expect(back).toMatchObject({ count: N, dim: 128, extractor: 'mnist-classifier/features', note: 'digits' });
    expect(back.kidFeatures!.length).toBe(N * 128);
    const other = await createFidScorer({ extractor: EXTRACTOR, threads: 1 });
    await other.loadStats('real', readFileSync(REFERENCE));
    await other.loadStats('fake', saved.buffer as ArrayBuffer);
    expect((await other.fid()).fid).toBe((await scorer.fid()).fid);
    const kid = await other.kid({ subsets: 5 });
    expect(kid.subsetSize).toBe(N);
    expect(kid).toEqual(await scorer.kid({ subsets: 5 }));
    await other.dispose();
    await expect(other.fid()).rejects.toThrow(/disposed/);
  }, 60_000);

  it('refuses bad input with typed errors naming the parameter', async () => {
    const bad = await createFidScorer({ extractor: EXTRACTOR, reference: REFERENCE, threads: 1 });
    const err = (p: Promise<unknown>) => p.then(() => expect.unreachable('resolved'), (e: unknown) => e as InvalidInputError);
    // wrong image size
    const small = { width: 28, height: 28, data: new Uint8ClampedArray(28 * 28 * 4) };
    const e1 = await err(bad.addFake([small]));
    expect(e1).toBeInstanceOf(InvalidInputError);
    expect(e1.parameter).toBe('images');
    expect(e1.message).toMatch(/must be \[N, 1, 32, 32\] for this extractor/);
    // one size per call
    expect((await err(bad.addFake([pictures[0]!, small]))).parameter).toBe('images[1]');
    // NaN in a float batch
    const nan = new Float32Array(2 * 1024).fill(0);
    nan[5] = NaN;
    const e3 = await err(bad.addFake({ data: nan, shape: [2, 1, 32, 32] }));
    expect(e3).toBeInstanceOf(InvalidInputError);
    expect(e3.message).toMatch(/index 5 is NaN/);
    // fewer than 2 samples
    await bad.addFake(pictures.slice(0, 1));
    const e4 = await err(bad.fid());
    expect(e4).toBeInstanceOf(InvalidInputError);
    expect(e4.message).toMatch(/at least 2 samples/);
    // not statistics; another extractor's statistics; options
    await expect(bad.loadStats('real', new Uint8Array(40))).rejects.toBeInstanceOf(StatsFormatError);
    expect((await err(bad.loadStats('middle' as 'real', readFileSync(REFERENCE)))).parameter).toBe('side');
    // the Inception Score: a loaded side has no predictions; bad splits and sides are named
    const e6 = await err(bad.inceptionScore({ side: 'real' }));
    expect(e6).toBeInstanceOf(InvalidInputError);
    expect(e6.message).toMatch(/needs real images \(loaded statistics carry no predictions\)/);
    expect((await err(bad.inceptionScore({ splits: 5 }))).parameter).toBe('splits'); // 1 image, 5 splits
    expect((await err(bad.inceptionScore({ side: 'both' as 'fake' }))).parameter).toBe('side');
    expect((await err(bad.inceptionScore('fake' as never))).parameter).toBe('options');
    await bad.dispose();
    // features from the logits output itself: no class logits beside them, so no Inception Score
    const logitsOnly = await createFidScorer({ extractor: EXTRACTOR, outputName: 'logits', threads: 1 });
    expect(logitsOnly.extractor.logits).toBeUndefined();
    await logitsOnly.addFake(pictures.slice(0, 4));
    const e7 = await err(logitsOnly.inceptionScore());
    expect(e7.parameter).toBe('extractor');
    expect(e7.message).toMatch(/has no class logits output/);
    await logitsOnly.dispose();
    const e5 = await err(createFidScorer({ extractor: EXTRACTOR, reference: REFERENCE, outputName: 'logits' }));
    expect(e5.message).toMatch(/extractor 'mnist-classifier\/features', this scorer uses 'mnist-classifier\/logits'/);
    await expect(createFidScorer({ extractor: EXTRACTOR, reference: new Uint8Array(8) })).rejects.toBeInstanceOf(StatsFormatError);
    expect((await err(createFidScorer({ extractor: EXTRACTOR, backend: 'wasm' }))).parameter).toBe('backend');
    expect((await err(createFidScorer({ extractor: EXTRACTOR, kidSample: 3 } as never))).parameter).toBe('kidSample');
  }, 60_000);

  it("FID's errors cross the worker boundary as their classes, with their fields", () => {
    for (const original of [new ExtractorOutputError('features', [8, 10, 3], '[8, 128] float32'), new StatsFormatError('stats: truncated header'), new StatsWasmUnavailableError('not built')]) {
      const back = deserializeError(structuredClone(serializeError(original)));
      expect(back.constructor).toBe(original.constructor);
      expect(back.message).toBe(original.message);
      expect({ ...back }).toEqual({ ...original });
    }
  });
});
