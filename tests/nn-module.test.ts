// Module tree: stable dotted variable paths, seeded determinism, parameter counts, dispose.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UNet, type UNetConfig } from '../trainer/models/unet.js';
import { ResBlock } from '../trainer/nn/res-block.js';
import { Rng } from '../sdk/random/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CONFIG: UNetConfig = {
  imageSize: 8, inChannels: 1, baseChannels: 8, channelMults: [1, 2], numResBlocks: 1,
  attentionResolutions: [4], numHeads: 2, groups: 4, numClasses: 2,
};

describe('Module', () => {
  it('names variables by dotted path in registration order', () => {
    const block = new ResBlock(new Rng(0), 4, 8, 6, 2);
    expect([...block.namedVariables().keys()]).toEqual([
      'norm1.gamma', 'norm1.beta', 'conv1.kernel', 'conv1.bias', 'temb_proj.kernel', 'temb_proj.bias',
      'norm2.gamma', 'norm2.beta', 'conv2.kernel', 'conv2.bias', 'skip.kernel', 'skip.bias',
    ]);
    const unet = new UNet(CONFIG);
    const paths = [...unet.namedVariables().keys()];
    expect(paths).toContain('down.0.res.0.conv1.kernel');
    expect(paths).toContain('down.0.downsample.conv.kernel');
    expect(paths).toContain('up.0.attn.1.attn.q.kernel');
    expect(paths).toContain('up.0.upsample.conv.bias');
    expect(paths).toContain('class_embedding.table');
    expect(new Set(paths).size).toBe(paths.length);
    unet.dispose();
  });

  it('parameterCount sums every variable (ResBlock 4 -> 8 counted by hand)', () => {
    const block = new ResBlock(new Rng(0), 4, 8, 6, 2);
    const byHand = 2 * 4 + (9 * 4 * 8 + 8) + (6 * 8 + 8) + 2 * 8 + (9 * 8 * 8 + 8) + (4 * 8 + 8);
    expect(block.parameterCount()).toBe(byHand);
  });

  it('equal seeds give identical weights, different seeds different ones', () => {
    const a = new UNet(CONFIG, 7);
    const b = new UNet(CONFIG, 7);
    const c = new UNet(CONFIG, 8);
    const va = a.namedVariables();
    const vb = b.namedVariables();
    const vc = c.namedVariables();
    let differs = false;
    for (const [path, v] of va) {
      expect(Array.from(vb.get(path)!.dataSync())).toEqual(Array.from(v.dataSync()));
      if (v.size > 16 && Array.from(vc.get(path)!.dataSync()).some((x, i) => x !== v.dataSync()[i])) differs = true;
    }
    expect(differs).toBe(true);
    for (const m of [a, b, c]) m.dispose();
  });

  it('dispose frees every variable', () => {
    const before = tf.memory().numTensors;
    const unet = new UNet(CONFIG);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    unet.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('apply does not leak tensors', () => {
    const unet = new UNet(CONFIG);
    const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    const t = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    const y = unet.apply(x, t);
    expect(tf.memory().numTensors).toBe(before + 1);
    y.dispose();
    unet.dispose();
  });
});
