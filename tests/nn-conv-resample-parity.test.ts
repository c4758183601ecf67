// Conv2d, Downsample and Upsample: tfjs forward (NHWC) equals the exported ONNX (NCHW) in onnxruntime-node.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2d } from '../trainer/nn/conv2d.js';
import { Downsample } from '../trainer/nn/downsample.js';
import { Rng } from '../sdk/random/rng.js';
import { Upsample, upsampleNearest2x } from '../trainer/nn/upsample.js';
import { layerParity, PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Conv2d / Downsample / Upsample parity with ONNX', () => {
  const cases = [
    { label: 'conv 3x3 stride 1, 7x9', k: 3, stride: 1, padding: undefined, h: 7, w: 9 },
    { label: 'conv 1x1, 5x6', k: 1, stride: 1, padding: undefined, h: 5, w: 6 },
    { label: 'conv 3x3 stride 2 pad 1, 7x8', k: 3, stride: 2, padding: 1, h: 7, w: 8 },
    { label: 'conv 5x5 stride 1, 6x6', k: 5, stride: 1, padding: undefined, h: 6, w: 6 },
  ];
  for (const c of cases) {
    it(c.label, async () => {
      const conv = new Conv2d(new Rng(1), 3, 5, { kernelSize: c.k, stride: c.stride, padding: c.padding });
      const x = randomTensor([2, c.h, c.w, 3], 2);
      const err = await layerParity({
        label: c.label,
        inputs: [{ name: 'x', value: x, layout: 'image' }],
        forward: (t) => conv.apply(t as tf.Tensor4D),
        emit: (g, n) => conv.toOnnx(g, n!),
        outputLayout: 'image',
      });
      expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
      conv.dispose();
    });
  }

  it('zeroInit conv outputs zeros until trained', () => {
    const conv = new Conv2d(new Rng(1), 3, 2, { zeroInit: true });
    const y = conv.apply(randomTensor([1, 4, 4, 3], 3) as tf.Tensor4D);
    expect(tf.max(tf.abs(y)).dataSync()[0]).toBe(0);
  });

  it('Downsample halves (odd sizes round up) and matches ONNX', async () => {
    const down = new Downsample(new Rng(4), 4);
    const x = randomTensor([2, 9, 6, 4], 5) as tf.Tensor4D;
    expect(down.apply(x).shape).toEqual([2, 5, 3, 4]);
    const err = await layerParity({
      label: 'downsample 9x6',
      inputs: [{ name: 'x', value: x, layout: 'image' }],
      forward: (t) => down.apply(t as tf.Tensor4D),
      emit: (g, n) => down.toOnnx(g, n!),
      outputLayout: 'image',
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('nearest x2 equals tf.image.resizeNearestNeighbor (alignCorners=false, halfPixelCenters=false)', () => {
    const x = randomTensor([2, 3, 5, 2], 6) as tf.Tensor4D;
    const ours = upsampleNearest2x(x);
    const ref = tf.image.resizeNearestNeighbor(x, [6, 10], false, false);
    expect(ours.shape).toEqual([2, 6, 10, 2]);
    expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBe(0);
  });

  it('Upsample doubles and matches ONNX Resize(nearest, asymmetric, floor) + conv', async () => {
    const up = new Upsample(new Rng(7), 4, 6);
    perturbVariables(up, 8);
    const x = randomTensor([2, 3, 5, 4], 9);
    const err = await layerParity({
      label: 'upsample 3x5 -> 6x10',
      inputs: [{ name: 'x', value: x, layout: 'image' }],
      forward: (t) => up.apply(t as tf.Tensor4D),
      emit: (g, n) => up.toOnnx(g, n!),
      outputLayout: 'image',
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });
});
