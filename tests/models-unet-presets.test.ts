// U-Net presets have the advertised sizes, and bad configs fail with a message naming the field.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UNET_PRESETS, UNet } from '../trainer/models/unet.js';
import { WebgenError } from '../trainer/errors/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('UNet presets and config checks', () => {
  const ranges = { tiny: [0.2e6, 0.4e6], small: [0.8e6, 1.3e6], bench: [2.4e6, 3.0e6] } as const;
  for (const [name, [lo, hi]] of Object.entries(ranges)) {
    it(`${name} preset has ${lo / 1e6}M-${hi / 1e6}M parameters, matching its ONNX initializers`, () => {
      const unet = new UNet(UNET_PRESETS[name as keyof typeof UNET_PRESETS]);
      const n = unet.parameterCount();
      console.log(`preset ${name}: ${n} parameters`);
      expect(n).toBeGreaterThanOrEqual(lo);
      expect(n).toBeLessThanOrEqual(hi);
      expect(unet.onnxGraph().parameterCount()).toBe(n);
      unet.dispose();
    });
  }

  it('rejects an image size the levels cannot halve', () => {
    expect(() => new UNet({ ...UNET_PRESETS.tiny, imageSize: 30 })).toThrow(/'imageSize' \(30\)/);
  });

  it('rejects groups that do not divide the channels', () => {
    expect(() => new UNet({ ...UNET_PRESETS.tiny, groups: 5 })).toThrow(WebgenError);
  });

  it('apply checks the input shape and the conditioning', () => {
    const unet = new UNet({ ...UNET_PRESETS.tiny, imageSize: 8, contextDim: 4 });
    const t = tf.tensor1d([1]);
    expect(() => unet.apply(tf.zeros([1, 8, 8, 1]) as tf.Tensor4D, t, { context: tf.zeros([1, 2, 4]) as tf.Tensor3D })).toThrow(/\[B, 8, 8, 3\]/);
    expect(() => unet.apply(tf.zeros([1, 8, 8, 3]) as tf.Tensor4D, t)).toThrow(/cond.context/);
    unet.dispose();
  });
});
