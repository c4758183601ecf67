// The GAN layers (spectrally normalised conv/dense, leaky ReLU, self-modulated LayerNorm, L2 and
// SAGAN attention, Fourier features, modulated linear, SIREN patch decoder): tfjs forward equals the exported ONNX.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { FourierFeatures } from '../trainer/nn/fourier-features.js';
import { L2Attention } from '../trainer/nn/l2-attention.js';
import { LeakyReLU } from '../trainer/nn/leaky-relu.js';
import { ModulatedLinear } from '../trainer/nn/modulated-linear.js';
import { SelfAttention2d } from '../trainer/nn/self-attention-2d.js';
import { SelfModulatedLayerNorm } from '../trainer/nn/self-modulated-layer-norm.js';
import { SirenPatchDecoder } from '../trainer/nn/siren-patch-decoder.js';
import { SNConv2d } from '../trainer/nn/sn-conv2d.js';
import { SNDense } from '../trainer/nn/sn-dense.js';
import { layerParity, PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('GAN layers parity with ONNX', () => {
  for (const mode of ['sn', 'isn'] as const) {
    it(`${mode} conv 4x4 stride 2 and dense`, async () => {
      const conv = new SNConv2d(new Rng(1), 3, 5, mode, { kernelSize: 4, stride: 2, padding: 1 });
      conv.sn.powerIteration();
      const convErr = await layerParity({
        label: `${mode} conv`,
        inputs: [{ name: 'x', value: randomTensor([2, 8, 6, 3], 2), layout: 'image' }],
        forward: (x) => conv.apply(x as tf.Tensor4D),
        emit: (g, x) => conv.toOnnx(g, x!),
        outputLayout: 'image',
      });
      expect(convErr).toBeLessThanOrEqual(PARITY_TOLERANCE);
      const dense = new SNDense(new Rng(3), 6, 4, mode);
      const denseErr = await layerParity({
        label: `${mode} dense`,
        inputs: [{ name: 'x', value: randomTensor([2, 3, 6], 4) }],
        forward: (x) => dense.apply(x),
        emit: (g, x) => dense.toOnnx(g, x!),
      });
      expect(denseErr).toBeLessThanOrEqual(PARITY_TOLERANCE);
    });
  }

  it('leaky ReLU (α 0.2) and ReLU (α 0)', async () => {
    for (const alpha of [0.2, 0]) {
      const act = new LeakyReLU(alpha);
      const err = await layerParity({
        label: `leaky relu ${alpha}`,
        inputs: [{ name: 'x', value: randomTensor([3, 7], 5) }],
        forward: (x) => act.apply(x),
        emit: (g, x) => act.toOnnx(g, x!),
      });
      expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
    }
  });

  it('self-modulated LayerNorm', async () => {
    const sln = new SelfModulatedLayerNorm(new Rng(6), 8, 5);
    perturbVariables(sln, 7, 0.3);
    const err = await layerParity({
      label: 'sln',
      inputs: [
        { name: 'h', value: randomTensor([2, 4, 8], 8) },
        { name: 'w', value: randomTensor([2, 5], 9) },
      ],
      forward: (h, w) => sln.apply(h as tf.Tensor3D, w as tf.Tensor2D),
      emit: (g, h, w) => sln.toOnnx(g, h!, w!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  for (const [distance, sn] of [['l2', 'isn'], ['dot', 'sn'], ['l2', 'none']] as const) {
    it(`${distance} attention, ${sn} projections, 2 heads over 5 tokens of width 8`, async () => {
      const attn = new L2Attention(new Rng(10), 8, 2, { distance, spectralNorm: sn });
      const err = await layerParity({
        label: `${distance} attention ${sn}`,
        inputs: [{ name: 'x', value: randomTensor([2, 5, 8], 11) }],
        forward: (x) => attn.apply(x as tf.Tensor3D),
        emit: (g, x) => attn.toOnnx(g, x!),
      });
      expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
    });
  }

  it('SAGAN self-attention over a 3x4 map of 16 channels, SN', async () => {
    const sa = new SelfAttention2d(new Rng(12), 16, 'sn');
    perturbVariables(sa, 13, 0.3); // γ leaves 0, so the attention path counts
    const err = await layerParity({
      label: 'sagan attention',
      inputs: [{ name: 'x', value: randomTensor([2, 3, 4, 16], 14), layout: 'image' }],
      forward: (x) => sa.apply(x as tf.Tensor4D),
      emit: (g, x) => sa.toOnnx(g, x!),
      outputLayout: 'image',
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('Fourier features, modulated linear (with and without demodulation), SIREN patch decoder', async () => {
    const ff = new FourierFeatures(new Rng(15), 2, 6);
    expect(await layerParity({
      label: 'fourier features',
      inputs: [{ name: 'p', value: randomTensor([9, 2], 16) }],
      forward: (p) => ff.apply(p as tf.Tensor2D),
      emit: (g, p) => ff.toOnnx(g, p!),
    })).toBeLessThanOrEqual(PARITY_TOLERANCE);
    for (const demod of [true, false]) {
      const ml = new ModulatedLinear(new Rng(17), 6, 4, 5, demod);
      perturbVariables(ml, 18, 0.2);
      expect(await layerParity({
        label: `modulated linear demod=${demod}`,
        inputs: [
          { name: 'x', value: randomTensor([2, 3, 9, 6], 19) },
          { name: 'style', value: randomTensor([2, 3, 5], 20) },
        ],
        forward: (x, y) => ml.apply(x as tf.Tensor4D, y as tf.Tensor3D),
        emit: (g, x, y) => ml.toOnnx(g, x!, y!),
      })).toBeLessThanOrEqual(PARITY_TOLERANCE);
    }
    const dec = new SirenPatchDecoder(new Rng(21), 8, 4, 1, { fourierFeatures: 6, hidden: 10 });
    perturbVariables(dec, 22, 0.2);
    expect(await layerParity({
      label: 'siren patch decoder',
      inputs: [{ name: 'tokens', value: randomTensor([2, 3, 8], 23) }],
      forward: (y) => dec.apply(y as tf.Tensor3D),
      emit: (g, y) => dec.toOnnx(g, y!),
    })).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });
});
