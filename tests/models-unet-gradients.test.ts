// Training smoke test: the MSE loss through the U-Net has finite, non-zero gradients for every
// variable (cpu backend; tiny preset at 16x16 so it runs in a second or two).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UNET_PRESETS, UNet, type UNetConfig } from '../trainer/models/unet.js';
import { perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CONFIG: UNetConfig = { ...UNET_PRESETS.tiny, imageSize: 16, numClasses: 3, contextDim: 8 };

function lossGrads(unet: UNet): Record<string, tf.Tensor> {
  const size = unet.config.imageSize;
  const x = randomTensor([2, size, size, 3], 1) as tf.Tensor4D;
  const noise = randomTensor([2, size, size, 3], 2);
  const t = tf.tensor1d([5, 600]);
  const classLabels = tf.tensor1d([0, 3], 'int32');
  const context = randomTensor([2, 4, 8], 3) as tf.Tensor3D;
  const { value, grads } = tf.variableGrads(
    () => tf.losses.meanSquaredError(noise, unet.apply(x, t, { classLabels, context })) as tf.Scalar,
    unet.variables(),
  );
  expect(Number.isFinite(value.dataSync()[0])).toBe(true);
  return grads;
}

describe('UNet gradients', () => {
  it('every variable gets a finite, non-zero gradient (random weights)', () => {
    const unet = new UNet(CONFIG, 0);
    perturbVariables(unet, 4);
    const grads = lossGrads(unet);
    const byId = new Map(unet.variables().map((v) => [v.name, v]));
    const bad: string[] = [];
    for (const [path, v] of unet.namedVariables()) {
      const g = grads[v.name];
      if (!g) {
        bad.push(`${path}: no gradient`);
        continue;
      }
      const d = g.dataSync();
      let finite = true;
      let maxAbs = 0;
      for (const e of d) {
        if (!Number.isFinite(e)) finite = false;
        maxAbs = Math.max(maxAbs, Math.abs(e));
      }
      if (!finite || maxAbs === 0) bad.push(`${path}: ${finite ? 'all zero' : 'not finite'}`);
    }
    expect(byId.size).toBe(unet.namedVariables().size);
    expect(bad).toEqual([]);
    unet.dispose();
  });

  it('at initialisation (zero last conv) the last conv still gets a gradient', () => {
    const unet = new UNet({ ...CONFIG, imageSize: 8 }, 0);
    const grads = lossGrads(unet);
    const g = grads[unet.convOut.kernel.name]!;
    expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    unet.dispose();
  });
});
