// The judging classifier: tfjs forward (NHWC) equals the exported ONNX (NCHW) in onnxruntime-node
// for its outputs (logits, features, and grad_cam against tfjs' autograd), grey and RGB; bad configs and inputs fail clearly.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkParity } from '../trainer/export/parity.js';
import { describeOnnx } from '../trainer/export/model-folder.js';
import { gradCamTf } from '../trainer/explain/grad-cam.js';
import { ClassifierNet, type ClassifierNetConfig } from '../trainer/models/classifier-net.js';
import { PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function parity(config: ClassifierNetConfig) {
  const net = new ClassifierNet(config, 1);
  perturbVariables(net, 2); // norms start at 1/0; give them real values
  const B = 3;
  const S = config.imageSize;
  const C = config.inChannels;
  const x = randomTensor([B, S, S, C], 3) as tf.Tensor4D;
  const { logits, features } = net.apply(x);
  const nchw = x.transpose([0, 3, 1, 2]);
  const predicted = tf.tidy(() => logits.argMax(1).dataSync() as Int32Array);
  const cam = gradCamTf(net, x, predicted);
  const result = await checkParity(
    net.toOnnx(),
    { images: { data: nchw.dataSync() as Float32Array, dims: [B, C, S, S] } },
    {
      logits: { data: logits.dataSync() as Float32Array, dims: logits.shape },
      features: { data: features.dataSync() as Float32Array, dims: features.shape },
      grad_cam: { data: cam.maps, dims: [B, cam.dims.height, cam.dims.width] },
    },
  );
  // a map that is all zeros would pass trivially: the parity must be about real maps
  expect(Math.max(...cam.maps)).toBeGreaterThan(1e-3);
  tf.dispose([x, logits, features, nchw]);
  console.log(`classifier parity C=${C} K=${config.numClasses}: logits ${result.maxAbsError.logits!.toExponential(2)}, features ${result.maxAbsError.features!.toExponential(2)}, grad_cam ${result.maxAbsError.grad_cam!.toExponential(2)}`);
  net.dispose();
  return result;
}

describe('ClassifierNet ONNX export', () => {
  it('matches tfjs within 1e-4 on grey 32x32 images (MNIST shape, 10 classes)', async () => {
    const r = await parity({ imageSize: 32, inChannels: 1, numClasses: 10, widths: [8, 16, 16], featureDim: 16 });
    expect(r.problems).toEqual([]);
    expect(r.maxAbsError.logits!).toBeLessThanOrEqual(PARITY_TOLERANCE);
    expect(r.maxAbsError.features!).toBeLessThanOrEqual(PARITY_TOLERANCE);
    expect(r.maxAbsError.grad_cam!).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('matches tfjs within 1e-4 on RGB images with the default widths (shapes, 36 classes)', async () => {
    const r = await parity({ imageSize: 16, inChannels: 3, numClasses: 36 });
    expect(r.ok).toBe(true);
    expect(Math.max(r.maxAbsError.logits!, r.maxAbsError.features!, r.maxAbsError.grad_cam!)).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('matches tfjs within 1e-4 with a global average pool (poolGrid 1)', async () => {
    const r = await parity({ imageSize: 16, inChannels: 3, numClasses: 6, widths: [8, 8, 16], featureDim: 8, poolGrid: 1 });
    expect(r.ok).toBe(true);
    expect(Math.max(r.maxAbsError.logits!, r.maxAbsError.features!, r.maxAbsError.grad_cam!)).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('declares input images [batch, C, H, W] and outputs logits [batch, K], features [batch, F], grad_cam [batch, H/4, W/4]', () => {
    const net = new ClassifierNet({ imageSize: 32, inChannels: 3, numClasses: 36 });
    const d = describeOnnx(net.toOnnx());
    expect(d.inputs).toEqual([{ name: 'images', dtype: 'float32', shape: ['batch', 3, 32, 32] }]);
    expect(d.outputs).toEqual([
      { name: 'logits', dtype: 'float32', shape: ['batch', 36] },
      { name: 'features', dtype: 'float32', shape: ['batch', 128] },
      { name: 'grad_cam', dtype: 'float32', shape: ['batch', 8, 8] },
    ]);
    // default size stays small enough to ship: < 1 MB of float32 weights
    expect(net.parameterCount()).toBeLessThan(250_000);
    net.dispose();
  });

  it('rejects bad configs and wrongly shaped images with messages naming the problem', () => {
    expect(() => new ClassifierNet({ imageSize: 28, inChannels: 1, numClasses: 10 })).toThrow(/'imageSize' must divide by 8/);
    expect(() => new ClassifierNet({ imageSize: 32, inChannels: 1, numClasses: 1 })).toThrow(/'numClasses' must be at least 2/);
    expect(() => new ClassifierNet({ imageSize: 32, inChannels: 1, numClasses: 10, widths: [12, 16, 16] })).toThrow(/'groups' \(8\) must divide/);
    expect(() => new ClassifierNet({ imageSize: 32, inChannels: 1, numClasses: 10, poolGrid: 3 })).toThrow(/'poolGrid' \(3\) must divide imageSize\/4 \(8\)/);
    const net = new ClassifierNet({ imageSize: 32, inChannels: 1, numClasses: 10, widths: [8, 8, 8], featureDim: 8 });
    const wrong = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    expect(() => net.apply(wrong)).toThrow(/images must be \[batch, 32, 32, 1\], got \[2, 28, 28, 1\]/);
    wrong.dispose();
    net.dispose();
  });
});
