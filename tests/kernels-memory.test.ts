import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchMatMulConfig } from '../trainer/backend/kernels/batch-mat-mul.js';
import { conv2DBackpropFilterConfig } from '../trainer/backend/kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from '../trainer/backend/kernels/conv2d-backprop-input.js';
import { registerWebgenWasmKernels, replacedWasmKernels, webgenWasmKernels } from '../trainer/backend/kernels/register.js';
import { unsortedSegmentSumConfig } from '../trainer/backend/kernels/unsorted-segment-sum.js';
import { selectBackend } from '../trainer/backend/select-backend.js';

// Our kernels call wasm kernels on raw TensorInfos, which the engine does not track: any
// intermediate they forget to free leaks wasm heap on every training step. This pins that
// repeated gradient steps leave both the engine's and the wasm backend's counts flat.

beforeAll(async () => {
  await selectBackend({ prefer: 'wasm', log: () => {} });
});

describe('kernel registration', () => {
  it('registers all six kernels on wasm, replacing the builtin Conv2DBackpropInput and BatchMatMul, idempotently', () => {
    expect(registerWebgenWasmKernels()).toEqual(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'UnsortedSegmentSum', 'BatchMatMul', 'WebgenGroupNorm', 'WebgenGroupNormGrad']);
    expect(webgenWasmKernels).toHaveLength(6);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(batchMatMulConfig);
    expect(replacedWasmKernels.get('BatchMatMul')).not.toBe(batchMatMulConfig);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(conv2DBackpropFilterConfig);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(conv2DBackpropInputConfig);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBe(unsortedSegmentSumConfig);
    const builtin = replacedWasmKernels.get('Conv2DBackpropInput');
    expect(builtin).toBeDefined();
    expect(builtin).not.toBe(conv2DBackpropInputConfig);
  });
});

describe('memory across gradient steps', () => {
  it('keeps tf.memory() and the wasm data count flat', async () => {
    const backend = tf.backend() as BackendWasm;
    const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
    const tokens = tf.tensor2d([[1, 2, 2], [0, 3, 1]], [2, 3], 'int32');
    const vars = {
      w1: tf.variable(tf.randomNormal([3, 3, 3, 4]).mul(0.1)),
      w2: tf.variable(tf.randomNormal([3, 3, 4, 4]).mul(0.1)),
      emb: tf.variable(tf.randomNormal([5, 4]).mul(0.1)),
    };
    const optimizer = tf.train.sgd(0.01);
    const step = () => optimizer.minimize(() => {
      const h = tf.relu(tf.conv2d(x, vars.w1 as tf.Tensor4D, 2, 'same')); // [2, 5, 5, 4]
      const h2 = tf.conv2d(h, vars.w2 as tf.Tensor4D, 1, 'valid'); // [2, 3, 3, 4]
      const t = tf.gather(vars.emb, tokens).mean(1); // [2, 4]
      return h2.mean([1, 2]).mul(t).square().sum() as tf.Scalar;
    }, false, [vars.w1, vars.w2, vars.emb]);
    step();
    step();
    const before = { ...tf.memory(), dataIds: backend.numDataIds() };
    for (let i = 0; i < 5; i++) step();
    const after = { ...tf.memory(), dataIds: backend.numDataIds() };
    console.log(`after 2 steps: ${JSON.stringify(before)}; after 7: ${JSON.stringify(after)}`);
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.dataIds).toBe(before.dataIds);
  });

  it('frees every intermediate of each kernel called directly', () => {
    const backend = tf.backend() as BackendWasm;
    const call = (name: string, inputs: tf.NamedTensorMap, attrs: object) => {
      const start = backend.numDataIds();
      tf.tidy(() => { tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap); });
      return backend.numDataIds() - start;
    };
    const x = tf.randomNormal([1, 8, 8, 2]);
    const dy = tf.randomNormal([1, 4, 4, 3]);
    const f = tf.randomNormal([3, 3, 2, 3]);
    expect(call('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] })).toBe(0);
    expect(call('Conv2DBackpropInput', { dy, filter: f }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 8, 8, 2] })).toBe(0);
    expect(call('UnsortedSegmentSum', { x: tf.ones([4, 2]), segmentIds: tf.tensor1d([0, 1, 1, 0], 'int32') }, { numSegments: 2 })).toBe(0);
    expect(call('BatchMatMul', { a: tf.ones([2, 3, 4]), b: tf.ones([2, 5, 4]) }, { transposeA: false, transposeB: true })).toBe(0);
    expect(call('BatchMatMul', { a: tf.ones([4, 3]), b: tf.ones([4, 5]) }, { transposeA: true, transposeB: false })).toBe(0);
  });
});
