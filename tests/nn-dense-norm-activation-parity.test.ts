// Dense, GroupNorm, LayerNorm, SiLU and GELU: tfjs forward equals the exported ONNX in onnxruntime-node.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense } from '../trainer/nn/dense.js';
import { GELU } from '../trainer/nn/gelu.js';
import { GroupNorm } from '../trainer/nn/group-norm.js';
import { LayerNorm } from '../trainer/nn/layer-norm.js';
import { Rng } from '../sdk/random/rng.js';
import { SiLU } from '../trainer/nn/silu.js';
import { layerParity, PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Dense / norms / activations parity with ONNX', () => {
  it('Dense on a rank-3 input [2, 5, 7] -> [2, 5, 3]', async () => {
    const dense = new Dense(new Rng(1), 7, 3);
    const err = await layerParity({
      label: 'dense rank 3',
      inputs: [{ name: 'x', value: randomTensor([2, 5, 7], 2) }],
      forward: (x) => dense.apply(x!),
      emit: (g, x) => dense.toOnnx(g, x!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('Dense without bias on a rank-2 input', async () => {
    const dense = new Dense(new Rng(3), 6, 4, { bias: false });
    expect(dense.parameterCount()).toBe(24);
    const err = await layerParity({
      label: 'dense no bias',
      inputs: [{ name: 'x', value: randomTensor([2, 6], 4) }],
      forward: (x) => dense.apply(x!),
      emit: (g, x) => dense.toOnnx(g, x!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('GroupNorm (4 groups of 3 channels, 5x7, shifted input)', async () => {
    const gn = new GroupNorm(new Rng(5), 4, 12);
    perturbVariables(gn, 6, 0.3);
    // A mean offset and scale make the normalisation do real work.
    const x = tf.add(tf.mul(randomTensor([2, 5, 7, 12], 7), 3), 1.5);
    const err = await layerParity({
      label: 'groupnorm',
      inputs: [{ name: 'x', value: x, layout: 'image' }],
      forward: (t) => gn.apply(t as tf.Tensor4D),
      emit: (g, n) => gn.toOnnx(g, n!),
      outputLayout: 'image',
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('GroupNorm output has zero mean and unit variance per group before the affine', () => {
    const gn = new GroupNorm(new Rng(5), 2, 4, { affine: false });
    const y = gn.apply(tf.add(randomTensor([1, 3, 3, 4], 8), 4) as tf.Tensor4D);
    const grouped = y.reshape([1, 9, 2, 2]);
    const { mean, variance } = tf.moments(grouped, [1, 3]);
    for (const m of mean.dataSync()) expect(Math.abs(m)).toBeLessThan(1e-5);
    for (const v of variance.dataSync()) expect(Math.abs(v - 1)).toBeLessThan(1e-3);
  });

  it('LayerNorm on [2, 5, 8]', async () => {
    const ln = new LayerNorm(new Rng(9), 8);
    perturbVariables(ln, 10, 0.3);
    const err = await layerParity({
      label: 'layernorm',
      inputs: [{ name: 'x', value: tf.add(randomTensor([2, 5, 8], 11, 2), 0.7) }],
      forward: (x) => ln.apply(x!),
      emit: (g, x) => ln.toOnnx(g, x!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  for (const [label, act] of [['silu', new SiLU()], ['gelu', new GELU()]] as const) {
    it(`${label} on values in about [-9, 9]`, async () => {
      const err = await layerParity({
        label,
        inputs: [{ name: 'x', value: randomTensor([2, 3, 4, 5], 12, 3), layout: 'image' }],
        forward: (x) => act.apply(x!),
        emit: (g, x) => act.toOnnx(g, x!),
        outputLayout: 'image',
      });
      expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
    });
  }

  it('GELU (tanh form) stays within 1e-3 of the exact erf form', () => {
    const x = tf.linspace(-6, 6, 241);
    const exact = tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
    const diff = tf.max(tf.abs(tf.sub(new GELU().apply(x), exact))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-3);
  });
});
