// Multi-head self/cross-attention and the spatial AttentionBlock: tfjs forward equals the exported ONNX.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionBlock } from '../trainer/nn/attention-block.js';
import { MultiHeadAttention } from '../trainer/nn/attention.js';
import { Rng } from '../sdk/random/rng.js';
import { layerParity, PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('attention parity with ONNX', () => {
  it('self-attention, 3 heads over 7 tokens of width 12', async () => {
    const attn = new MultiHeadAttention(new Rng(1), 12, 3);
    const err = await layerParity({
      label: 'mha self',
      inputs: [{ name: 'x', value: randomTensor([2, 7, 12], 2) }],
      forward: (x) => attn.apply(x as tf.Tensor3D),
      emit: (g, x) => attn.toOnnx(g, x!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('cross-attention: 6 queries of width 8 over a 5-token context of width 10', async () => {
    const attn = new MultiHeadAttention(new Rng(3), 8, 2, { contextDim: 10 });
    const err = await layerParity({
      label: 'mha cross',
      inputs: [
        { name: 'x', value: randomTensor([2, 6, 8], 4) },
        { name: 'ctx', value: randomTensor([2, 5, 10], 5) },
      ],
      forward: (x, c) => attn.apply(x as tf.Tensor3D, c as tf.Tensor3D),
      emit: (g, x, c) => attn.toOnnx(g, x!, c),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('attention weights sum to one: identical values give back the value row', () => {
    // With every context token equal, softmax-weighted sums return that token whatever the scores.
    const attn = new MultiHeadAttention(new Rng(6), 4, 2, { contextDim: 4 });
    const row = randomTensor([1, 1, 4], 7);
    const ctx = tf.tile(row, [1, 5, 1]) as tf.Tensor3D;
    const x = randomTensor([1, 3, 4], 8) as tf.Tensor3D;
    const single = attn.apply(x, row as tf.Tensor3D);
    const many = attn.apply(x, ctx);
    expect(tf.max(tf.abs(tf.sub(single, many))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('AttentionBlock over the positions of a 3x5 map, no context', async () => {
    const block = new AttentionBlock(new Rng(9), 8, 2, { groups: 4 });
    perturbVariables(block, 10, 0.2);
    const err = await layerParity({
      label: 'attention block',
      inputs: [{ name: 'x', value: randomTensor([2, 3, 5, 8], 11), layout: 'image' }],
      forward: (x) => block.apply(x as tf.Tensor4D),
      emit: (g, x) => block.toOnnx(g, x!),
      outputLayout: 'image',
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('AttentionBlock with cross-attention to a [2, 4, 6] context', async () => {
    const block = new AttentionBlock(new Rng(12), 8, 2, { groups: 4, contextDim: 6 });
    perturbVariables(block, 13, 0.2);
    const err = await layerParity({
      label: 'attention block + cross',
      inputs: [
        { name: 'x', value: randomTensor([2, 3, 5, 8], 14), layout: 'image' },
        { name: 'ctx', value: randomTensor([2, 4, 6], 15) },
      ],
      forward: (x, c) => block.apply(x as tf.Tensor4D, c as tf.Tensor3D),
      emit: (g, x, c) => block.toOnnx(g, x!, c),
      outputLayout: 'image',
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('AttentionBlock refuses a missing or unexpected context', () => {
    const withCtx = new AttentionBlock(new Rng(1), 8, 2, { groups: 4, contextDim: 6 });
    const without = new AttentionBlock(new Rng(1), 8, 2, { groups: 4 });
    const x = randomTensor([1, 2, 2, 8], 1) as tf.Tensor4D;
    expect(() => withCtx.apply(x)).toThrow(/context/);
    expect(() => without.apply(x, randomTensor([1, 2, 6], 2) as tf.Tensor3D)).toThrow(/context/);
  });
});
