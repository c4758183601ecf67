// GAN generators export to ONNX (z [B, zDim] + class_labels int64 → image NCHW) matching the tfjs
// forward; the manifest is kind 'gan-generator' with a validated `latent`.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportGenerator } from '../trainer/gan/export-generator.js';
import { ManifestError } from '../sdk/errors/manifest-error.js';
import { validateManifest } from '../trainer/export/manifest.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { ConvGenerator } from '../trainer/models/gan-dcgan.js';
import type { GanGenerator } from '../trainer/models/gan-model.js';
import { saganGenerator } from '../trainer/models/gan-sagan.js';
import { VitGenerator } from '../trainer/models/gan-vitgan.js';
import { perturbVariables } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tmp = mkdtempSync(join(tmpdir(), 'webgen-gan-export-'));
const training = { recipe: 'test', data: '{}', steps: 0, wallTimeSeconds: 0, parameters: 0, config: {} };

const generators: [string, () => GanGenerator][] = [
  ['conditional DCGAN (16x16)', () => new ConvGenerator({ imageSize: 16, channels: 1, width: 16, zDim: 8, numClasses: 3, spectralNorm: 'none', attentionAt: 0 }, 1)],
  ['SAGAN (SN, attention at 8x8)', () => saganGenerator({ imageSize: 16, channels: 3, width: 16, zDim: 8, numClasses: 4, attentionAt: 8 }, 2)],
  ['ViTGAN (SLN, patch decoder)', () => new VitGenerator({ imageSize: 16, channels: 1, zDim: 8, dim: 16, depth: 2, heads: 2, patch: 4, mlpRatio: 2, selfModulation: true, fourierFeatures: 8, decoderHidden: 12 }, 3)],
  ['ViTGAN with SLN, w at unit RMS and added to the tokens', () => new VitGenerator({ imageSize: 16, channels: 1, zDim: 8, dim: 16, depth: 1, heads: 2, patch: 4, mlpRatio: 2, selfModulation: true, latentTokens: true, latentNorm: true, fourierFeatures: 8, decoderHidden: 12 }, 5)],
  ['ViTGAN without SLN, conditional', () => new VitGenerator({ imageSize: 16, channels: 1, zDim: 8, dim: 16, depth: 1, heads: 2, patch: 8, mlpRatio: 2, selfModulation: false, fourierFeatures: 8, decoderHidden: 12, numClasses: 2 }, 4)],
];

describe('GAN generator export', () => {
  for (const [label, make] of generators) {
    it(`${label}: parity within 1e-4, a verified folder, images in [-1, 1]`, async () => {
      const G = make();
      perturbVariables(G, 5, 0.05); // zero-initialised modulations and SAGAN's γ leave 0
      const dir = join(tmp, label.replace(/\W+/g, '-'));
      const r = await exportGenerator({ dir, name: 'g', G, training, fp16: true });
      console.log(`${label}: parity ${r.maxAbsError.toExponential(2)}, fp16 ${r.fp16MaxAbsError?.toExponential(2)}, checker ${r.checker}`);
      expect(r.maxAbsError).toBeLessThanOrEqual(1e-4);
      expect(r.fp16MaxAbsError!).toBeLessThanOrEqual(1e-2);
      const m = await verifyModelFolder(dir);
      expect(m.kind).toBe('gan-generator');
      expect(m.latent).toEqual({ dim: 8, distribution: 'normal' });
      const file = m.files.generator!;
      expect(file.inputs.map((i) => [i.name, i.dtype, i.shape])).toEqual([
        ['z', 'float32', ['batch', 8]],
        ...(G.numClasses !== undefined ? [['class_labels', 'int64', ['batch']]] : []),
      ]);
      expect(file.outputs).toEqual([{ name: 'image', dtype: 'float32', shape: ['batch', G.channels, 16, 16] }]);
      expect(m.conditioning?.classes?.length).toBe(G.numClasses);
      expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).latent).toEqual({ dim: 8, distribution: 'normal' });
      const images = tf.tidy(() => G.apply(tf.randomNormal([4, 8], 0, 3, 'float32', 6) as tf.Tensor2D, G.numClasses ? tf.tensor1d([0, 1, 0, 1], 'int32') : undefined));
      expect(tf.max(tf.abs(images)).dataSync()[0]).toBeLessThanOrEqual(1);
    });
  }
});

describe('GAN manifest latent', () => {
  const ganManifest = async () => {
    const dir = join(tmp, 'latent-base');
    const G = new ConvGenerator({ imageSize: 8, channels: 1, width: 8, zDim: 8, spectralNorm: 'none', attentionAt: 0 }, 7);
    return JSON.parse(JSON.stringify((await exportGenerator({ dir, name: 'g', G, training, fp16: false })).manifest)) as Record<string, unknown>;
  };
  it.each([
    ['missing', undefined, /'latent' must be the latent \{ dim, distribution \} \(required for kind "gan-generator"\)/],
    ['dim 0', { dim: 0, distribution: 'normal' }, /'latent\.dim' must be an integer >= 1, got 0/],
    ['dim 2.5', { dim: 2.5, distribution: 'normal' }, /'latent\.dim' must be an integer/],
    ['uniform', { dim: 4, distribution: 'uniform' }, /'latent\.distribution' must be one of "normal", got "uniform"/],
  ])('rejects a gan-generator manifest whose latent is %s, naming the field and the fix', async (_, latent, re) => {
    const m = await ganManifest();
    expect(() => validateManifest(m)).not.toThrow();
    if (latent === undefined) delete m.latent;
    else m.latent = latent;
    expect(() => validateManifest(m)).toThrow(ManifestError);
    expect(() => validateManifest(m)).toThrow(re);
    expect(() => validateManifest(m)).toThrow(/re-export the model/);
  });
});
