// The SDK's CLIP API (createClip, issue 19) on onnxruntime-node: a tiny CLIP of the clip-smoke architecture exported by
// the trainer (tests/helpers/clip-smoke.ts) gives, through the SDK, the trainer's own tfjs embeddings — images handed
// over as the emoji PNGs' 64×64 RGBA against the trainer's 16×16 RGB data, texts against the trainer's token ids —
// with unit rows; similarity, zeroShot and clipScore agree with the math recomputed from the embeddings; long lists
// are embedded in batches; and bad input is refused naming the parameter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, createClip, InvalidInputError, ModelLoadError, PromptTooLongError, type Clip, type Embeddings } from '../sdk/node.js';
import { exportSmokeClip, type SmokeClip } from './helpers/clip-smoke.js';
import { REPO_ROOT } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-sdk-clip-'));
let smoke: SmokeClip;
let clip: Clip;

beforeAll(async () => {
  smoke = await exportSmokeClip(join(tmp, 'clip-smoke'));
  clip = await createClip({ model: smoke.dir });
}, 120_000);

afterAll(async () => {
  await clip?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
const row = (e: Embeddings, i: number) => e.data.subarray(i * e.shape[1], (i + 1) * e.shape[1]);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, k) => s + v * b[k]!, 0);

describe('createClip (Node)', () => {
  it('describes its embedding', () => {
    expect(clip.backend).toBe('cpu');
    expect(clip.manifest.kind).toBe('clip');
    expect(clip.embedDim).toBe(8);
    expect(clip.logitScale).toBeCloseTo(1 / 0.07, 4);
  });

  it("embedImages: real emoji as RGBA PNG pixels give the trainer's embeddings of its own 16×16 RGB data, unit rows", async () => {
    const n = 6;
    const got = await clip.embedImages(smoke.rgba.slice(0, n));
    expect(got.shape).toEqual([n, 8]);
    const S = smoke.cfg.imageSize;
    const want = tf.tidy(() => smoke.model.embedImages(tf.tensor4d(smoke.images.slice(0, n * S * S * 3), [n, S, S, 3])).dataSync());
    expect(maxDiff(got.data, want)).toBeLessThan(1e-4);
    for (let i = 0; i < n; i++) expect(Math.hypot(...row(got, i))).toBeCloseTo(1, 5);
    // One image (not a list) is a batch of one, and the same image gives the same row.
    const one = await clip.embedImages(smoke.rgba[3]!);
    expect(one.shape).toEqual([1, 8]);
    expect(maxDiff(one.data, row(got, 3))).toBeLessThan(1e-6);
  });

  it("embedText: the trainer's text embeddings of the same ids, unit rows, deterministic; unknown words are reported", async () => {
    const texts = [smoke.captions[0]!, smoke.captions[5]!, 'zebra crossing pizza', 'Pizza!'];
    const got = await clip.embedText(texts);
    expect(got.shape).toEqual([4, 8]);
    const L = smoke.cfg.textMaxLength;
    const want = tf.tidy(() => smoke.model.embedTexts(tf.tensor2d(smoke.tokenizer.encodeBatch(texts), [4, L], 'int32')).dataSync());
    expect(maxDiff(got.data, want)).toBeLessThan(1e-4);
    for (let i = 0; i < 4; i++) expect(Math.hypot(...row(got, i))).toBeCloseTo(1, 5);
    expect(got.unknownWords).toEqual([[], [], ['zebra', 'crossing'], []]);
    const again = await clip.embedText(texts[2]!);
    expect(again.shape).toEqual([1, 8]);
    expect(Array.from(again.data)).toEqual(Array.from(row(got, 2)));
  });

  it('a list longer than one batch (64) is embedded in batches with the same rows', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => smoke.captions[i % smoke.captions.length]!);
    const all = await clip.embedText(texts);
    expect(all.shape).toEqual([70, 8]);
    expect(maxDiff(row(all, 69), (await clip.embedText(texts[69]!)).data)).toBeLessThan(1e-6);
    const images = Array.from({ length: 66 }, (_, i) => smoke.rgba[i % smoke.rgba.length]!);
    const pics = await clip.embedImages(images);
    expect(pics.shape).toEqual([66, 8]);
    expect(maxDiff(row(pics, 65), (await clip.embedImages(images[65]!)).data)).toBeLessThan(1e-6);
  });

  it('similarity: [countA, countB] cosines; a set against itself has a unit diagonal; rows of your own need not be unit', async () => {
    const t = await clip.embedText(smoke.captions.slice(0, 3));
    const i = await clip.embedImages(smoke.rgba.slice(0, 2));
    const s = clip.similarity(i, t);
    expect(s.shape).toEqual([2, 3]);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) expect(s.data[a * 3 + b]).toBeCloseTo(dot(row(i, a), row(t, b)), 5);
    const self = clip.similarity(t, t);
    for (let k = 0; k < 3; k++) expect(self.data[k * 3 + k]).toBeCloseTo(1, 5);
    // The mean of two prompts (prompt ensembling) is shorter than 1; similarity normalises it.
    const mean = { data: Float32Array.from(row(t, 0), (v, k) => (v + row(t, 1)[k]!) / 2), shape: [1, 8] as const };
    const norm = Math.hypot(...mean.data);
    expect(clip.similarity(mean, i).data[0]).toBeCloseTo(dot(mean.data, row(i, 0)) / norm, 5);
  });

  it('zeroShot: probabilities sum to 1, are softmax(logitScale · cos) over the labels, ranked by similarity', async () => {
    const labels = ['grinning face', 'red apple', 'pizza', 'cat face'];
    const template = '{label} noto style';
    const r = await clip.zeroShot({ image: smoke.rgba[0]!, labels, template });
    expect(r.map((x) => x.label).sort()).toEqual([...labels].sort());
    expect(r.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 10);
    for (let k = 1; k < r.length; k++) {
      expect(r[k]!.probability).toBeLessThanOrEqual(r[k - 1]!.probability);
      expect(r[k]!.similarity).toBeLessThanOrEqual(r[k - 1]!.similarity);
    }
    const cos = clip.similarity(await clip.embedImages(smoke.rgba[0]!), await clip.embedText(labels.map((l) => `${l} noto style`)));
    const z = labels.map((_, k) => Math.exp(clip.logitScale * cos.data[k]!));
    const total = z.reduce((s, v) => s + v, 0);
    for (const x of r) {
      const k = labels.indexOf(x.label);
      expect(x.similarity).toBeCloseTo(cos.data[k]!, 5);
      expect(x.probability).toBeCloseTo(z[k]! / total, 4);
    }
    // The default template is the label itself.
    const plain = await clip.zeroShot({ image: smoke.rgba[0]!, labels: ['pizza'] });
    expect(plain).toEqual([{ label: 'pizza', probability: 1, similarity: expect.closeTo(clip.similarity(await clip.embedImages(smoke.rgba[0]!), await clip.embedText('pizza')).data[0]!, 5) }]);
  });

  it('clipScore: 100 · max(cos(image_i, prompt_i), 0) per pair, recomputed from the embeddings', async () => {
    const prompts = smoke.captions.slice(0, 4);
    const images = smoke.rgba.slice(0, 4);
    const scores = await clip.clipScore(images, prompts);
    expect(scores).toHaveLength(4);
    const i = await clip.embedImages(images);
    const t = await clip.embedText(prompts);
    scores.forEach((s, k) => {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(100);
      expect(s).toBeCloseTo(100 * Math.max(dot(row(i, k), row(t, k)), 0), 3);
    });
    expect(await clip.clipScore(images[1]!, prompts[1]!)).toEqual([expect.closeTo(scores[1]!, 5)]);
  });

  it("precision 'float16' reads the float16 variants, within 1e-2 of float32", async () => {
    const half = await createClip({ model: smoke.dir, precision: 'float16' });
    try {
      expect(maxDiff((await half.embedImages(smoke.rgba.slice(0, 3))).data, (await clip.embedImages(smoke.rgba.slice(0, 3))).data)).toBeLessThan(1e-2);
      expect(maxDiff((await half.embedText(smoke.captions.slice(0, 3))).data, (await clip.embedText(smoke.captions.slice(0, 3))).data)).toBeLessThan(1e-2);
    } finally {
      await half.dispose();
    }
  });
});

describe('createClip (Node): bad input', () => {
  const bad = async (p: Promise<unknown> | (() => unknown), parameter: string, message?: RegExp) => {
    const err = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).parameter).toBe(parameter);
    if (message) expect((err as Error).message).toMatch(message);
    return err as InvalidInputError;
  };
  const img = () => smoke.rgba[0]!;

  it('refuses another kind of model, unknown options and per-call options at creation', async () => {
    await bad(createClip({ model: join(REPO_ROOT, 'models', 'mnist-dcgan') }), 'model', /kind 'clip'.*'gan-generator'.*createClip loads 'clip' models only/);
    await bad(createClip({ model: smoke.dir, labels: ['a'] } as never), 'labels', /each call \(embedText\(\), embedImages\(\), zeroShot\(\), clipScore\(\)\)/);
    await bad(createClip({ model: smoke.dir, thread: 2 } as never), 'thread', /did you mean 'threads'/);
    await bad(createClip({ model: smoke.dir, backend: 'webgpu' }), 'backend');
  });

  it('refuses empty, non-string and too long texts, naming the text', async () => {
    await bad(clip.embedText([]), 'texts', /non-empty list/);
    await bad(clip.embedText(5 as never), 'texts', /must be a string/);
    await bad(clip.embedText(['pizza', 5 as never]), 'texts[1]', /must be a string/);
    await bad(clip.embedText(['pizza', ' ?! ']), 'texts[1]', /must have a word in it/); // all padding: a zero embedding
    await bad(clip.clipScore(smoke.rgba[0]!, ''), 'prompts', /must have a word in it/);
    const long = Array.from({ length: 13 }, () => 'pizza').join(' ');
    const err = await bad(clip.embedText(['pizza', long]), 'texts[1]', /has 13 tokens; the model accepts at most 12/);
    expect(err).toBeInstanceOf(PromptTooLongError);
    expect((err as PromptTooLongError).maxLength).toBe(12);
  });

  it('refuses bad images and unknown call options', async () => {
    await bad(clip.embedImages([]), 'images');
    await bad(clip.embedImages([img(), 'x' as never]), 'images[1]');
    await bad(clip.embedImages({ width: 64, height: 64, data: new Uint8ClampedArray(10) }), 'images.data', /16384 RGBA bytes/);
    await bad(clip.embedText('pizza', { sigal: 1 } as never), 'sigal', /did you mean 'signal'/);
    await bad(clip.embedText('pizza', { threads: 1 } as never), 'threads', /option of createClip\(\), where the model is loaded/);
    await bad(clip.embedText('pizza', 3 as never), 'options');
    await bad(clip.embedImages(img(), { signal: 'stop' as never }), 'signal');
  });

  it('similarity refuses what is not embeddings of this model, naming a or b', async () => {
    const t = await clip.embedText('pizza');
    await bad(() => clip.similarity(undefined as never, t), 'a', /must be embeddings/);
    await bad(() => clip.similarity(t, { data: new Float32Array(4), shape: [1, 4] }), 'b.shape', /\[count, 8\]/);
    await bad(() => clip.similarity(t, { data: [1] as never, shape: [1, 8] }), 'b.data', /Float32Array/);
    await bad(() => clip.similarity({ data: new Float32Array(8), shape: [2, 8] }, t), 'a.data', /16 numbers/);
    const nan = new Float32Array(8);
    nan[3] = NaN;
    await bad(() => clip.similarity(t, { data: nan, shape: [1, 8] }), 'b.data', /index 3 is NaN/);
  });

  it('zeroShot refuses empty, duplicate or non-string labels, a template without {label}, a missing image', async () => {
    await bad(clip.zeroShot(undefined as never), 'options');
    await bad(clip.zeroShot({ image: img(), labels: [] }), 'labels', /non-empty list/);
    await bad(clip.zeroShot({ image: img(), labels: 'pizza' as never }), 'labels');
    await bad(clip.zeroShot({ image: img(), labels: ['pizza', 'cat', 'pizza'] }), 'labels', /distinct.*"pizza" is given twice/);
    await bad(clip.zeroShot({ image: img(), labels: ['pizza', 7 as never] }), 'labels[1]', /a string with a word/);
    await bad(clip.zeroShot({ image: img(), labels: ['pizza', '  '] }), 'labels[1]', /a string with a word/);
    await bad(clip.zeroShot({ image: img(), labels: ['pizza'], template: 'a photo' }), 'template', /'\{label\}'/);
    await bad(clip.zeroShot({ labels: ['pizza'] } as never), 'image', /is required/);
    await bad(clip.zeroShot({ image: img(), labels: ['pizza'], label: 'x' } as never), 'label', /did you mean 'labels'/);
    const long = Array.from({ length: 11 }, () => 'cat').join(' ');
    await bad(clip.zeroShot({ image: img(), labels: ['pizza', long], template: 'a {label} photo' }), 'labels[1]', /13 tokens/);
  });

  it('clipScore refuses lists of different lengths', async () => {
    await bad(clip.clipScore([img(), img()], ['pizza']), 'prompts', /one per image.*2 image\(s\), 1 prompt\(s\)/);
    await bad(clip.clipScore([], []), 'images');
  });

  it('an aborted signal rejects with AbortError; a disposed model with ModelLoadError; the model still works after errors', async () => {
    const c = new AbortController();
    c.abort();
    await expect(clip.embedText('pizza', { signal: c.signal })).rejects.toBeInstanceOf(AbortError);
    await expect(clip.zeroShot({ image: img(), labels: ['pizza'], signal: c.signal })).rejects.toBeInstanceOf(AbortError);
    await expect(createClip({ model: smoke.dir, signal: c.signal })).rejects.toBeInstanceOf(AbortError);
    expect((await clip.embedText('pizza')).shape).toEqual([1, 8]);
    const other = await createClip({ model: smoke.dir });
    const t = await other.embedText('pizza');
    await other.dispose();
    await expect(other.embedText('pizza')).rejects.toBeInstanceOf(ModelLoadError);
    await expect(other.zeroShot({ image: img(), labels: ['pizza'] })).rejects.toThrow(/was disposed; create a new one with createClip/);
    expect(other.similarity(t, t).data[0]).toBeCloseTo(1, 5); // plain math: no model needed
  });
});
