// Timestep embedding, class Embedding and ResBlock: tfjs forward equals the exported ONNX.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Embedding } from '../trainer/nn/embedding.js';
import { ResBlock } from '../trainer/nn/res-block.js';
import { Rng } from '../sdk/random/rng.js';
import { SinusoidalTimestepEmbedding } from '../trainer/nn/timestep-embedding.js';
import { layerParity, PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('embeddings and ResBlock parity with ONNX', () => {
  it('sinusoidal timestep embedding of t in [0, 999]', async () => {
    const emb = new SinusoidalTimestepEmbedding(16);
    const err = await layerParity({
      label: 'timestep embedding',
      inputs: [{ name: 't', value: tf.tensor1d([0, 1, 17.5, 999]) }],
      forward: (t) => emb.apply(t as tf.Tensor1D),
      emit: (g, t) => emb.toOnnx(g, t!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('timestep embedding is [sin, cos] with freq_i = 10000^(-i/half)', () => {
    const e = new SinusoidalTimestepEmbedding(8).apply(tf.tensor1d([3])).dataSync();
    for (let i = 0; i < 4; i++) {
      const arg = 3 * Math.pow(10000, -i / 4);
      expect(e[i]).toBeCloseTo(Math.sin(arg), 5);
      expect(e[4 + i]).toBeCloseTo(Math.cos(arg), 5);
    }
  });

  it('Embedding: int labels -> rows (ONNX Gather on int64)', async () => {
    const emb = new Embedding(new Rng(1), 5, 6);
    const err = await layerParity({
      label: 'embedding',
      inputs: [{ name: 'ids', value: tf.tensor1d([4, 0, 2], 'int32') }],
      forward: (ids) => emb.apply(ids as tf.Tensor1D),
      emit: (g, ids) => emb.toOnnx(g, ids!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
    const row2 = emb.apply(tf.tensor1d([2], 'int32')).dataSync();
    const table = emb.table.dataSync().slice(12, 18);
    expect(Array.from(row2)).toEqual(Array.from(table));
  });

  for (const [label, cin, cout] of [['channels change 4 -> 8', 4, 8], ['same channels 8', 8, 8]] as const) {
    it(`ResBlock, ${label}, 5x7 map`, async () => {
      const block = new ResBlock(new Rng(2), cin, cout, 12, 4);
      expect(block.skip === null).toBe(cin === cout);
      perturbVariables(block, 3, 0.1);
      const err = await layerParity({
        label: `resblock ${label}`,
        inputs: [
          { name: 'x', value: randomTensor([2, 5, 7, cin], 4), layout: 'image' },
          { name: 'temb', value: randomTensor([2, 12], 5) },
        ],
        forward: (x, t) => block.apply(x as tf.Tensor4D, t as tf.Tensor2D),
        emit: (g, x, t) => block.toOnnx(g, x!, t!),
        outputLayout: 'image',
      });
      expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
    });
  }
});
