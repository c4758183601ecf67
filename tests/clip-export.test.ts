/**
 * CLIP's export (trainer/clip/export-clip.ts) through onnxruntime-node: both encoders, float32 and their float16
 * variants, give the trainer's embeddings on inputs other than the exporter's own parity inputs (a caption with an
 * unknown word, the empty caption, a shifted image); the manifest's tokenizer rebuilds the trainer's ids; a bad clip
 * manifest is refused naming the field. Also the emoji augmentation.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../sdk/errors/manifest-error.js';
import { validateManifest } from '../sdk/manifest/validate-manifest.js';
import { Rng } from '../sdk/random/rng.js';
import { WordTokenizer } from '../sdk/text/tokenizer.js';
import { randomZoomShift } from '../trainer/clip/augment.js';
import { CLIP_BASE_CONFIG, CLIP_RECIPES, type ClipConfig } from '../trainer/clip/clip-config.js';
import { ClipModel } from '../trainer/clip/clip-model.js';
import { clipTokenizer } from '../trainer/clip/clip-text.js';
import { exportClip } from '../trainer/clip/export-clip.js';
import { clipModelConfig } from '../trainer/clip/train-clip.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-clip-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CAPTIONS = ['grinning face noto style', 'red apple twemoji style', 'pizza noto style', 'cat face twemoji style'];
const TRAINING = { recipe: 'clip-smoke', data: 'test', steps: 0, wallTimeSeconds: 0, parameters: 0, config: {} };

function images(n: number, S: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * S * S * 3 }, () => rng.range(-1, 1));
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

describe.each(['vit', 'cnn'] as const)('CLIP export (%s image encoder)', (imageEncoder) => {
  const cfg: ClipConfig = { ...CLIP_BASE_CONFIG, ...CLIP_RECIPES['clip-smoke']!.config, imageEncoder };
  const tokenizer = clipTokenizer(CAPTIONS, cfg.textMaxLength);
  const dir = join(tmp, imageEncoder);
  let model: ClipModel;

  beforeAll(async () => {
    model = new ClipModel(clipModelConfig(cfg, tokenizer.vocabSize, tokenizer.padId), 3);
    await exportClip({ dir, model, tokenizer, imageEncoder, fp16: true, parityImages: images(2, cfg.imageSize, 1), parityCaptions: CAPTIONS.slice(0, 2), training: TRAINING });
  }, 60_000);

  it('both encoders and their float16 variants match the trainer on new inputs; embeddings have unit norm', async () => {
    const S = cfg.imageSize;
    const x = images(3, S, 9);
    randomZoomShift(x, 3, S, 3, { shift: 0.1, scale: 0.1 }, new Rng(4));
    const prompts = ['a cat with a pizza', '', 'grinning apple noto'];
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const ids = WordTokenizer.fromManifest(manifest.conditioning.tokenizer).encodeBatch(prompts);
    expect(Array.from(ids)).toEqual(Array.from(tokenizer.encodeBatch(prompts)));
    const [wantImage, wantText] = tf.tidy(() => [
      model.embedImages(tf.tensor4d(x, [3, S, S, 3])).dataSync(),
      model.embedTexts(tf.tensor2d(ids, [3, cfg.textMaxLength], 'int32')).dataSync(),
    ]);
    const nchw = tf.tidy(() => tf.tensor4d(x, [3, S, S, 3]).transpose([0, 3, 1, 2]).dataSync() as Float32Array);
    for (const [suffix, tolerance] of [['.onnx', 1e-4], ['.fp16.onnx', 1e-2]] as const) {
      const img = await ort.InferenceSession.create(join(dir, `image-encoder${suffix}`));
      const txt = await ort.InferenceSession.create(join(dir, `text-encoder${suffix}`));
      const gotImage = (await img.run({ image: new ort.Tensor('float32', nchw, [3, 3, S, S]) })).image_embeds!;
      const gotText = (await txt.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [3, cfg.textMaxLength]) })).text_embeds!;
      expect(gotImage.dims).toEqual([3, cfg.embedDim]);
      expect(maxDiff(gotImage.data as Float32Array, wantImage!), `image-encoder${suffix}`).toBeLessThan(tolerance);
      expect(maxDiff(gotText.data as Float32Array, wantText!), `text-encoder${suffix}`).toBeLessThan(tolerance);
      const row = (gotText.data as Float32Array).subarray(0, cfg.embedDim);
      expect(Math.hypot(...row)).toBeCloseTo(1, 4);
    }
  }, 60_000);

  it('the manifest says kind clip with the embedding size, logit scale and image space', () => {
    const m = validateManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    expect(m.clip).toEqual({ embedDim: cfg.embedDim, logitScale: expect.closeTo(1 / 0.07, 4), imageEncoder });
    expect(m.files.imageEncoder!.variants?.float16?.path).toBe('image-encoder.fp16.onnx');
    expect(m.parity.fp16MaxAbsError).toBeLessThan(1e-2);
  });
});

describe('kind clip in the manifest schema', () => {
  const good = () => JSON.parse(readFileSync(join(tmp, 'vit', 'manifest.json'), 'utf8'));
  it.each([
    ['the clip section missing', (m: any) => delete m.clip, /'clip' must be the joint embedding \{ embedDim, logitScale, imageEncoder \}/],
    ['a logit scale above 100', (m: any) => (m.clip.logitScale = 150), /'clip\.logitScale' must be a finite number >= 1 and <= 100, got 150/],
    ['an unknown image encoder', (m: any) => (m.clip.imageEncoder = 'resnet'), /'clip\.imageEncoder' must be one of "vit", "cnn", got "resnet"/],
    ['a fractional embedding size', (m: any) => (m.clip.embedDim = 7.5), /'clip\.embedDim' must be an integer >= 1/],
    ['no text encoder file', (m: any) => delete m.files.textEncoder, /'files\.textEncoder' must be the textEncoder model file/],
    ['no tokenizer', (m: any) => delete m.conditioning, /'conditioning\.tokenizer' must be the text encoder's tokenizer/],
  ])('refuses %s, naming the field', (_, edit, message) => {
    const m = good();
    if (m.parity.byFile) delete m.parity.byFile.textEncoder;
    edit(m);
    expect(() => validateManifest(m)).toThrow(ManifestError);
    expect(() => validateManifest(m)).toThrow(message);
  });
});

describe('emoji augmentation', () => {
  const S = 8;
  const ramp = () => Float32Array.from({ length: S * S }, (_, i) => i % S); // value = x, one channel

  it('is the identity at zero shift and scale, and shifts content by whole pixels when asked', () => {
    const x = ramp();
    randomZoomShift(x, 1, S, 1, { shift: 0, scale: 0 }, new Rng(0));
    expect(x).toEqual(ramp());
    // scale 0 and shift exactly 1/8 of the side either way: the ramp moves by up to one pixel, edges clamp.
    const y = ramp();
    randomZoomShift(y, 1, S, 1, { shift: 1 / S, scale: 0 }, new Rng(1));
    const d = y[3]! - 3; // the content moved by −dx
    expect(Math.abs(d)).toBeLessThanOrEqual(1);
    for (let row = 0; row < S; row++) for (let c = 1; c < S - 1; c++) expect(y[row * S + c]! - c).toBeCloseTo(d, 5);
  });

  it('keeps values inside the input range (bilinear, edge fill) and is deterministic per seed', () => {
    const a = images(4, S, 2).subarray(0, 4 * S * S * 3);
    const b = Float32Array.from(a);
    randomZoomShift(a, 4, S, 3, { shift: 0.1, scale: 0.2 }, new Rng(5));
    randomZoomShift(b, 4, S, 3, { shift: 0.1, scale: 0.2 }, new Rng(5));
    expect(a).toEqual(b);
    expect(Math.max(...a)).toBeLessThanOrEqual(1);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-1);
  });
});
