// The U-Net on the training backend (tfjs wasm, with the project's extra gradient kernels):
// forward matches the ONNX export, and every variable gets a finite non-zero gradient.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../trainer/backend/select-backend.js';
import { checkParity } from '../trainer/export/parity.js';
import { UNet, type UNetConfig } from '../trainer/models/unet.js';
import { PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await selectBackend({ prefer: 'wasm', log: () => {} });
});

const CONFIG: UNetConfig = {
  imageSize: 8, inChannels: 3, baseChannels: 8, channelMults: [1, 2], numResBlocks: 1,
  attentionResolutions: [4], numHeads: 2, groups: 4, numClasses: 3, contextDim: 6,
};

describe('UNet on the wasm backend', () => {
  it('forward matches the ONNX export (batch 2, class labels and context)', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const unet = new UNet(CONFIG, 3);
    perturbVariables(unet, 4);
    const x = randomTensor([2, 8, 8, 3], 5) as tf.Tensor4D;
    const t = tf.tensor1d([3, 950]);
    const classLabels = tf.tensor1d([2, 3], 'int32');
    const context = randomTensor([2, 3, 6], 6) as tf.Tensor3D;
    const eps = unet.apply(x, t, { classLabels, context });
    const nchw = (v: tf.Tensor) => ({ data: Float32Array.from(tf.transpose(v, [0, 3, 1, 2]).dataSync()), dims: [2, 3, 8, 8] });
    const result = await checkParity(unet.toOnnx(), {
      sample: nchw(x),
      timestep: { data: t.dataSync() as Float32Array, dims: [2] },
      class_labels: { data: BigInt64Array.from([2n, 3n]), dims: [2] },
      encoder_hidden_states: { data: context.dataSync() as Float32Array, dims: [2, 3, 6] },
    }, { model_output: nchw(eps) });
    console.log(`parity unet on wasm: max abs error ${result.maxAbsError.model_output!.toExponential(2)}`);
    expect(result.maxAbsError.model_output).toBeLessThanOrEqual(PARITY_TOLERANCE);
    unet.dispose();
  });

  it('gradients of an MSE loss are finite and non-zero for every variable', () => {
    const unet = new UNet(CONFIG, 7);
    perturbVariables(unet, 8);
    const x = randomTensor([2, 8, 8, 3], 9) as tf.Tensor4D;
    const target = randomTensor([2, 8, 8, 3], 10);
    const t = tf.tensor1d([10, 500]);
    const cond = { classLabels: tf.tensor1d([0, 1], 'int32'), context: randomTensor([2, 3, 6], 11) as tf.Tensor3D };
    const { grads } = tf.variableGrads(
      () => tf.losses.meanSquaredError(target, unet.apply(x, t, cond)) as tf.Scalar,
      unet.variables(),
    );
    const bad: string[] = [];
    for (const [path, v] of unet.namedVariables()) {
      const d = grads[v.name]?.dataSync();
      if (!d) bad.push(`${path}: none`);
      else if (d.some((e) => !Number.isFinite(e))) bad.push(`${path}: not finite`);
      else if (d.every((e) => e === 0)) bad.push(`${path}: all zero`);
    }
    expect(bad).toEqual([]);
    unet.dispose();
  });
});
