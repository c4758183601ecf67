// Text conditioning of the diffusion process: the text encoder trains jointly with the U-Net
// (gradients reach it), caption dropout swaps in the empty prompt (all padding), and sampling
// with guidance uses the prompt. cpu backend, 16x16 tiny U-Net, width-8 encoder: a few seconds.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { WordTokenizer } from '../sdk/text/tokenizer.js';
import { GaussianDiffusion, type DiffusionOptions } from '../trainer/diffusion/gaussian-diffusion.js';
import { TextEncoderModel } from '../trainer/models/text-encoder.js';
import { UNET_PRESETS, UNet } from '../trainer/models/unet.js';
import { perturbVariables } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const S = 16;
const B = 3;
const tokenizer = WordTokenizer.fromWords(['a', 'red', 'blue', 'circle', 'square'], { maxLength: 6 });

function makeDiffusion(opts: Partial<DiffusionOptions> = {}): GaussianDiffusion {
  const enc = new TextEncoderModel({ vocabSize: tokenizer.vocabSize, maxLength: tokenizer.maxLength, dim: 8, layers: 1, heads: 2 }, 1);
  const unet = new UNet({ ...UNET_PRESETS.tiny, imageSize: S, contextDim: 8 }, 0);
  // Random weights everywhere (the U-Net's zero-initialised output conv would hide the text path).
  perturbVariables(unet, 4);
  perturbVariables(enc, 5);
  return new GaussianDiffusion(unet, { textEncoder: enc, padId: tokenizer.padId, condDropout: 0, trainTimesteps: 1000, betaSchedule: 'linear', prediction: 'v', ...opts });
}

const images = new Rng(9).normalArray(B * S * S * 3).map((v) => Math.tanh(v));
const tokens = tokenizer.encodeBatch(['a red circle', 'a blue square', 'blue']);
const empty = tokenizer.encodeBatch(['', '', '']);
const lossOf = (d: GaussianDiffusion, toks: Int32Array, seed = 3) => tf.tidy(() => d.lossFn({ images, tokens: toks }, new Rng(seed))().dataSync()[0]!);

describe('GaussianDiffusion with a text encoder', () => {
  it("lists the text encoder's variables under 'text_encoder.' beside the U-Net's own paths", () => {
    const d = makeDiffusion();
    const names = [...d.namedVariables().keys()];
    expect(names).toContain('conv_in.kernel');
    expect(names.some((n) => n.startsWith('text_encoder.token_embedding.'))).toBe(true);
    expect(names).toContain('text_encoder.position_embedding');
    expect(d.parameterCount()).toBe(d.unet.parameterCount() + d.opts.textEncoder!.parameterCount());
  });

  it('the prompt changes the loss, and gradients reach every text encoder variable', () => {
    const d = makeDiffusion();
    expect(lossOf(d, tokens)).not.toBeCloseTo(lossOf(d, empty), 6);
    const vars = d.namedVariables();
    const { value, grads } = tf.variableGrads(d.lossFn({ images, tokens }, new Rng(3)), [...vars.values()]);
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    const dead: string[] = [];
    for (const [path, v] of vars) {
      if (!path.startsWith('text_encoder.')) continue;
      const g = grads[v.name];
      if (!g || !(tf.tidy(() => g.abs().max().dataSync()[0]!) > 0)) dead.push(path);
    }
    expect(dead).toEqual([]);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('condDropout 1 trains every example on the empty prompt (all padding); uncaptioned batches too', () => {
    const d = makeDiffusion({ condDropout: 1 });
    const reference = makeDiffusion({ condDropout: 0 });
    expect(lossOf(d, tokens)).toBeCloseTo(lossOf(reference, empty), 6);
    expect(tf.tidy(() => d.lossFn({ images }, new Rng(3))().dataSync()[0]!)).toBeCloseTo(lossOf(reference, empty), 6);
  });

  it('condDropout 0.5 drops some prompts: the loss lies strictly between none and all dropped, and is seeded', () => {
    const half = makeDiffusion({ condDropout: 0.5 });
    const plain = makeDiffusion();
    // Find a seed whose draws drop some but not all of the 3 prompts (P = 3/4 per seed).
    const losses = [1, 2, 3, 4, 5].map((seed) => ({ seed, half: lossOf(half, tokens, seed), none: lossOf(plain, tokens, seed), all: lossOf(plain, empty, seed) }));
    const mixed = losses.filter((l) => Math.abs(l.half - l.none) > 1e-6 && Math.abs(l.half - l.all) > 1e-6);
    expect(mixed.length).toBeGreaterThan(0);
    expect(lossOf(half, tokens, mixed[0]!.seed)).toBe(mixed[0]!.half);
  });

  it('samples follow the prompt, deterministically given the rng; guidance changes them', async () => {
    const d = makeDiffusion();
    const prompt = tokenizer.encodeBatch(['a red circle', 'a red circle']);
    const draw = (toks: Int32Array | undefined, guidanceScale: number) =>
      d.sample({ n: 2, steps: 2, rng: new Rng(5), guidanceScale, ...(toks && { tokens: toks }) });
    const before = tf.memory().numTensors;
    const a = await draw(prompt, 3);
    expect(tf.memory().numTensors).toBe(before); // contexts disposed
    expect(a.length).toBe(2 * S * S * 3);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(await draw(prompt, 3))).toEqual(Array.from(a));
    const unconditional = await draw(undefined, 3);
    const emptyPrompt = await draw(tokenizer.encodeBatch(['', '']), 1);
    expect(Array.from(unconditional)).toEqual(Array.from(emptyPrompt)); // no prompt = the empty prompt
    const unguided = await draw(prompt, 1);
    const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
    expect(maxDiff(unguided, unconditional)).toBeGreaterThan(1e-4);
    expect(maxDiff(a, unguided)).toBeGreaterThan(1e-4);
  });

  it("refuses a U-Net whose contextDim differs from the encoder's width", () => {
    const enc = new TextEncoderModel({ vocabSize: 7, maxLength: 6, dim: 8, layers: 1, heads: 2 }, 1);
    const unet = new UNet({ ...UNET_PRESETS.tiny, imageSize: S, contextDim: 16 }, 0);
    expect(() => new GaussianDiffusion(unet, { textEncoder: enc, condDropout: 0, trainTimesteps: 10, betaSchedule: 'linear', prediction: 'v' })).toThrow(
      "the U-Net's contextDim (16) must equal the text encoder's dim (8)",
    );
  });
});
