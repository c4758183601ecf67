// One D update and one G update: each moves only its own network, by its own learning rate (TTUR:
// Adam's first step moves every weight with a gradient by exactly lr), weight clipping bounds D,
// and a gradient-penalty step reports the penalty.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { discriminatorStep, generatorStep, type GanParts } from '../trainer/gan/gan-step.js';
import { GAN_OBJECTIVES, type GanLossName } from '../trainer/gan/losses/index.js';
import { ConvDiscriminator, ConvGenerator } from '../trainer/models/gan-dcgan.js';
import { AdamW } from '../trainer/optim/adamw.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function parts(loss: GanLossName, lrG: number, lrD: number): GanParts {
  const G = new ConvGenerator({ imageSize: 8, channels: 1, width: 8, zDim: 4, numClasses: 3, spectralNorm: 'none', attentionAt: 0 }, 1);
  const D = new ConvDiscriminator({ imageSize: 8, channels: 1, width: 4, numClasses: 3, spectralNorm: 'none', attentionAt: 0 }, 2);
  const gParams = G.namedVariables();
  const dParams = D.namedVariables();
  return {
    G, D, objective: GAN_OBJECTIVES[loss], gParams, dParams, adamG: new AdamW(gParams), adamD: new AdamW(dParams),
    opts: { labelSmoothing: 0, gpWeight: 10, clipValue: 0.01, lrG, lrD },
  };
}

const snapshot = (m: Map<string, tf.Variable>) => new Map([...m].map(([k, v]) => [k, Float32Array.from(v.dataSync() as Float32Array)]));
const maxMove = (before: Map<string, Float32Array>, m: Map<string, tf.Variable>) => {
  let max = 0;
  for (const [k, v] of m) {
    const now = v.dataSync();
    before.get(k)!.forEach((x, i) => (max = Math.max(max, Math.abs(now[i]! - x))));
  }
  return max;
};

describe('GAN steps', () => {
  it('D step moves D by lr_D and leaves G; G step moves G by lr_G and leaves D (two time-scales)', () => {
    const p = parts('non-saturating', 1e-4, 4e-4);
    const rng = new Rng(3);
    const real = rng.normalArray(4 * 64).map(Math.tanh);
    const g0 = snapshot(p.gParams);
    const d0 = snapshot(p.dParams);
    const d = discriminatorStep(p, real, Int32Array.from([0, 1, 2, 0]), rng);
    expect(Number.isFinite(d.loss) && d.gp === 0).toBe(true);
    expect(maxMove(g0, p.gParams)).toBe(0);
    expect(maxMove(d0, p.dParams)).toBeCloseTo(4e-4, 6);
    const d1 = snapshot(p.dParams);
    const gLoss = generatorStep(p, 4, rng);
    expect(Number.isFinite(gLoss)).toBe(true);
    expect(maxMove(d1, p.dParams)).toBe(0);
    expect(maxMove(g0, p.gParams)).toBeCloseTo(1e-4, 6);
    expect([p.adamD.t, p.adamG.t]).toEqual([1, 1]);
  });

  it('bCR with WGAN-GP (its own gradient pass): the reported loss adds λ·bCR to the GP loss, and D moves by lr_D', () => {
    const run = (bcrWeight: number) => {
      const p = parts('wgan-gp', 1e-4, 4e-4);
      p.opts.bcrWeight = bcrWeight;
      const rng = new Rng(5);
      const real = rng.normalArray(4 * 64).map(Math.tanh);
      const d0 = snapshot(p.dParams);
      const r = discriminatorStep(p, real, Int32Array.from([0, 1, 2, 0]), rng);
      return { ...r, moved: maxMove(d0, p.dParams) };
    };
    const [a, b] = [run(10), run(20)];
    expect(a.bcr).toBeGreaterThan(0);
    expect(a.gp).toBeGreaterThan(0);
    expect(b.bcr).toBeCloseTo(a.bcr, 6); // the same weights and draws before the update
    expect(b.loss - a.loss).toBeCloseTo(10 * a.bcr, 5);
    expect(a.moved).toBeCloseTo(4e-4, 6);
  });

  it('wgan-clip keeps every D weight in [-c, c]; wgan-gp adds λ·GP to the loss it reports', () => {
    const clip = parts('wgan-clip', 1e-4, 1e-1);
    const rng = new Rng(4);
    const real = rng.normalArray(4 * 64).map(Math.tanh);
    discriminatorStep(clip, real, Int32Array.from([0, 1, 2, 0]), rng);
    for (const v of clip.dParams.values()) expect(tf.max(tf.abs(v)).dataSync()[0]).toBeLessThanOrEqual(0.01 + 1e-9);
    const gp = parts('wgan-gp', 1e-4, 1e-4);
    const r = discriminatorStep(gp, real, Int32Array.from([0, 1, 2, 0]), new Rng(5));
    expect(r.gp).toBeGreaterThan(0);
    expect(r.loss).toBeCloseTo(r.fake - r.real + 10 * r.gp, 4);
  });

  it('a conditional D step without the real labels is refused', () => {
    const p = parts('hinge', 1e-4, 1e-4);
    expect(() => discriminatorStep(p, new Float32Array(4 * 64), undefined, new Rng(6))).toThrow(/needs the real batch's labels/);
  });
});
