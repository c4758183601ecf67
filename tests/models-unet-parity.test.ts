// The whole U-Net: tfjs forward (NHWC) equals the exported ONNX (NCHW) in onnxruntime-node,
// unconditional, class-conditional and with cross-attention context, on random weights.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkParity, type FeedTensor } from '../trainer/export/parity.js';
import { UNET_PRESETS, UNet, type UNetConfig } from '../trainer/models/unet.js';
import { PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Small but complete: two levels, attention at 8×8 and in the middle, skip convs, up/down sampling. */
const SMALL: UNetConfig = {
  imageSize: 16, inChannels: 3, baseChannels: 8, channelMults: [1, 2], numResBlocks: 1,
  attentionResolutions: [8], numHeads: 2, groups: 4,
};

async function unetParity(label: string, config: UNetConfig, opts: { contextLen?: number; weightsFp16?: boolean } = {}) {
  const unet = new UNet(config, 1);
  perturbVariables(unet, 2); // the last conv starts at zero; give it (and the norms) real values
  const B = 2;
  const x = randomTensor([B, config.imageSize, config.imageSize, config.inChannels], 3) as tf.Tensor4D;
  const t = tf.tensor1d([17, 803]);
  const classLabels = config.numClasses !== undefined ? tf.tensor1d([1, config.numClasses], 'int32') : undefined;
  const context = config.contextDim !== undefined
    ? randomTensor([B, opts.contextLen ?? 5, config.contextDim], 4) as tf.Tensor3D
    : undefined;

  const eps = unet.apply(x, t, { classLabels, context });
  expect(eps.shape).toEqual(x.shape);
  const nchw = (v: tf.Tensor) => ({ data: Float32Array.from(tf.transpose(v, [0, 3, 1, 2]).dataSync()), dims: [B, config.inChannels, config.imageSize, config.imageSize] });
  const feeds: Record<string, FeedTensor> = { sample: nchw(x), timestep: { data: t.dataSync() as Float32Array, dims: [B] } };
  if (classLabels) feeds.class_labels = { data: BigInt64Array.from(Array.from(classLabels.dataSync(), BigInt)), dims: [B] };
  if (context) feeds.encoder_hidden_states = { data: context.dataSync() as Float32Array, dims: context.shape };

  const tolerance = opts.weightsFp16 ? 1e-2 : PARITY_TOLERANCE;
  const model = unet.toOnnx({ weightsFp16: opts.weightsFp16 });
  const result = await checkParity(model, feeds, { model_output: nchw(eps) }, { tolerance });
  const outScale = tf.max(tf.abs(eps)).dataSync()[0]!;
  console.log(`parity unet ${label}: ${unet.parameterCount()} params, max |eps| ${outScale.toFixed(3)}, max abs error ${result.maxAbsError.model_output!.toExponential(2)}`);
  expect(outScale).toBeGreaterThan(0.05); // the comparison is not between two near-zero maps
  expect(result.problems).toEqual([]);
  expect(result.maxAbsError.model_output).toBeLessThanOrEqual(tolerance);
  unet.dispose();
}

describe('UNet parity with its ONNX export (batch 2)', () => {
  it('unconditional', async () => {
    await unetParity('unconditional', SMALL);
  });

  it('class-conditional (label 1 and the "no class" label)', async () => {
    await unetParity('class labels', { ...SMALL, numClasses: 4 });
  });

  it('cross-attention to a [2, 5, 12] context', async () => {
    await unetParity('context', { ...SMALL, contextDim: 12 });
  });

  it('class labels and context together, 3 levels, 2 res blocks, 7-token context', async () => {
    await unetParity('class + context, 3 levels', {
      ...SMALL, channelMults: [1, 2, 2], numResBlocks: 2, attentionResolutions: [8, 4], numClasses: 3, contextDim: 6,
    }, { contextLen: 7 });
  });

  it('tiny preset at 32x32 RGB', async () => {
    await unetParity('tiny preset', UNET_PRESETS.tiny);
  });

  it('float16 weights stay within 1e-2', async () => {
    await unetParity('fp16 weights', SMALL, { weightsFp16: true });
  });
});
