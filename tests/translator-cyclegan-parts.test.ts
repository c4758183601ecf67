/**
 * CycleGAN's pieces (issue 23, point 3): the least-squares GAN loss's values, the history pool of fakes (the paper's
 * ImagePool semantics), the unconditional PatchGAN, and the wiring of the cycle and identity terms: identity
 * generators have zero cycle and identity loss, and G's loss is adversarial + λ·cycle + 0.5·λ·identity.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { leastSquaresLoss } from '../trainer/gan/losses/index.js';
import { PatchDiscriminator } from '../trainer/models/patch-discriminator.js';
import { AdamW } from '../trainer/optim/adamw.js';
import { cycleGanLosses, discriminatorStep, generatorStep, type CycleGanParts, type ImageToImage } from '../trainer/translator/cyclegan-step.js';
import { ImagePool } from '../trainer/translator/image-pool.js';
import { buildGenerator } from '../trainer/translator/translator-run.js';
import { Rng } from '../sdk/random/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const t1 = (v: number[]) => tf.tensor1d(v);

describe('least-squares GAN loss (Mao et al. 2017)', () => {
  it('D: ½·mean((real − 1)²) + ½·mean(fake²); G: mean((fake − 1)²)', () => {
    const real = t1([1, 0, 2]);
    const fake = t1([0, 1, -1]);
    // real: (0 + 1 + 1) / 3; fake: (0 + 1 + 1) / 3 → ½·(2/3 + 2/3)
    expect(leastSquaresLoss.discriminator(real, fake).dataSync()[0]).toBeCloseTo(2 / 3, 6);
    // (1 + 0 + 4) / 3
    expect(leastSquaresLoss.generator(fake).dataSync()[0]).toBeCloseTo(5 / 3, 6);
  });

  it('is zero at D\'s optimum (real 1, fake 0) and at G\'s (fake scored 1), on raw outputs (no sigmoid)', () => {
    expect(leastSquaresLoss.discriminator(t1([1, 1]), t1([0, 0])).dataSync()[0]).toBe(0);
    expect(leastSquaresLoss.generator(t1([1, 1])).dataSync()[0]).toBe(0);
    expect(leastSquaresLoss.smoothable).toBe(false);
  });

  it("G's gradient does not vanish when D confidently rejects a fake: d/df (f − 1)² = 2(f − 1)", () => {
    const g = tf.grad((f: tf.Tensor) => leastSquaresLoss.generator(f as tf.Tensor1D))(t1([-10]));
    expect(g.dataSync()[0]).toBeCloseTo(-22, 4);
  });
});

describe('image pool (the paper\'s history of 50 generated images)', () => {
  const img = (v: number) => new Float32Array(4).fill(v); // [1, 1, 1, 4] images, filled with their id
  const batch = (...v: number[]) => Float32Array.from(v.flatMap((x) => Array.from(img(x))));
  const ids = (flat: Float32Array) => Array.from({ length: flat.length / 4 }, (_, i) => flat[i * 4]!);

  it('returns the images as they are and stores them while it fills, drawing no randomness', () => {
    const pool = new ImagePool(3, [1, 1, 4], 'pool');
    const rng = new Rng(1);
    const before = new Rng(1).uniform();
    expect(ids(pool.query(batch(1, 2), rng))).toEqual([1, 2]);
    expect(pool.count).toBe(2);
    expect(ids(pool.query(batch(3), rng))).toEqual([3]);
    expect(pool.count).toBe(3);
    expect(rng.uniform()).toBe(before);
    expect(ids(Float32Array.from(pool.images.dataSync()))).toEqual([1, 2, 3]);
    pool.dispose();
  });

  it('once full, returns a stored image and replaces it with the new one about half the time', () => {
    const pool = new ImagePool(4, [1, 1, 4], 'pool');
    pool.query(batch(0, 1, 2, 3), new Rng(0));
    const rng = new Rng(7);
    let fromPool = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const id = 100 + i;
      const stored = new Set(ids(Float32Array.from(pool.images.dataSync())));
      const [got] = ids(pool.query(batch(id), rng));
      const after = ids(Float32Array.from(pool.images.dataSync()));
      if (got === id) {
        expect(new Set(after)).toEqual(stored); // the pool left alone
      } else {
        fromPool++;
        expect(stored.has(got!)).toBe(true); // an image that was stored…
        expect(after).toContain(id); // …whose place the new one took
        expect(after).not.toContain(got);
      }
    }
    expect(fromPool / n).toBeGreaterThan(0.45);
    expect(fromPool / n).toBeLessThan(0.55);
    pool.dispose();
  });

  it('a pool of 0 returns every batch unchanged; restore() takes the images back from the variable', () => {
    const none = new ImagePool(0, [1, 1, 4], 'none');
    expect(ids(none.query(batch(5, 6), new Rng(0)))).toEqual([5, 6]);
    none.dispose();
    const pool = new ImagePool(2, [1, 1, 4], 'pool');
    pool.images.assign(tf.tensor4d(batch(8, 9), [2, 1, 1, 4]));
    pool.restore(2);
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) seen.add(ids(pool.query(batch(50 + i), rng))[0]!);
    expect(seen.has(8) || seen.has(9)).toBe(true);
    pool.dispose();
  });
});

describe('unconditional PatchGAN (CycleGAN\'s D)', () => {
  it('sees one image: 4 input channels, the same 6x6 patch map at 16 px; refuses a pair', () => {
    const D = new PatchDiscriminator({ channels: 4, width: 8, layers: 1, conditional: false }, 0);
    const cond = new PatchDiscriminator({ channels: 4, width: 8, layers: 1 }, 0);
    expect(cond.parameterCount() - D.parameterCount()).toBe(4 * 4 * 4 * 8); // the first conv's extra input channels
    const x = tf.zeros([2, 16, 16, 4]) as tf.Tensor4D;
    expect(D.apply(x).shape).toEqual([2 * 6 * 6]);
    expect(() => D.apply(x, x)).toThrow(/unconditional D takes one image/);
    expect(() => cond.apply(x)).toThrow(/conditional D takes \(input, output\)/);
    tf.dispose(x);
    D.dispose();
    cond.dispose();
  });
});

describe('CycleGAN losses', () => {
  const S = 16;
  const image = (seed: number) => {
    const rng = new Rng(seed);
    return tf.tensor4d(Float32Array.from({ length: 2 * S * S * 4 }, () => rng.range(-1, 1)), [2, S, S, 4]);
  };
  const parts = (G: ImageToImage, F: ImageToImage, gParams: Map<string, tf.Variable>, identityWeight = 0.5): CycleGanParts => {
    const DA = new PatchDiscriminator({ channels: 4, width: 8, layers: 1, conditional: false }, 2);
    const DB = new PatchDiscriminator({ channels: 4, width: 8, layers: 1, conditional: false }, 3);
    const dParams = new Map([...[...DA.namedVariables()].map(([k, v]) => [`DA.${k}`, v] as const), ...[...DB.namedVariables()].map(([k, v]) => [`DB.${k}`, v] as const)]);
    return { G, F, DA, DB, gParams, dParams, adamG: new AdamW(gParams), adamD: new AdamW(dParams), cycleWeight: 10, identityWeight, lr: 2e-4 };
  };
  const identity: ImageToImage = { apply: (x) => x.clone() };

  it('identity generators: zero cycle and identity loss, G\'s loss is the adversarial part alone', () => {
    const a = image(1);
    const b = image(2);
    const l = cycleGanLosses(parts(identity, identity, new Map()), a, b);
    expect([l.cycleA, l.cycleB, l.identityA, l.identityB]).toEqual([0, 0, 0, 0]);
    expect(l.gLoss).toBeCloseTo(l.gAdv, 6);
    expect(l.gAdv).toBeGreaterThan(0);
    tf.dispose([a, b]);
  });

  it('G\'s loss = adversarial + λ·(cycle A + cycle B) + 0.5·λ·(identity A + identity B); identity weight 0 drops the term', () => {
    const G = buildGenerator({ imageSize: S, widths: '8,8' }, 4, 0);
    const F = buildGenerator({ imageSize: S, widths: '8,8' }, 4, 1);
    const a = image(1);
    const b = image(2);
    const l = cycleGanLosses(parts(G, F, new Map()), a, b);
    expect(l.cycleA).toBeGreaterThan(0);
    expect(l.identityB).toBeGreaterThan(0);
    expect(l.gLoss).toBeCloseTo(l.gAdv + 10 * (l.cycleA + l.cycleB) + 5 * (l.identityA + l.identityB), 4);
    // the A round trip is F(G(a)) against a: with G the identity it is F(a), so cycle A is identity A
    const half = cycleGanLosses(parts(identity, F, new Map()), a, b);
    expect(half.cycleA).toBeCloseTo(half.identityA, 6);
    const off = cycleGanLosses(parts(G, F, new Map(), 0), a, b);
    expect(off.identityA).toBe(0);
    expect(off.gLoss).toBeCloseTo(off.gAdv + 10 * (off.cycleA + off.cycleB), 4);
    tf.dispose([a, b]);
    G.dispose();
    F.dispose();
  });

  it('the G step moves G and F, not the D\'s; the D step moves the D\'s, not G and F', () => {
    const G = buildGenerator({ imageSize: S, widths: '8,8' }, 4, 0);
    const F = buildGenerator({ imageSize: S, widths: '8,8' }, 4, 1);
    const gParams = new Map([...[...G.namedVariables()].map(([k, v]) => [`G.${k}`, v] as const), ...[...F.namedVariables()].map(([k, v]) => [`F.${k}`, v] as const)]);
    const p = parts(G, F, gParams);
    const snap = (m: Map<string, tf.Variable>) => [...m.values()].map((v) => Float32Array.from(v.dataSync()));
    const changed = (before: Float32Array[], m: Map<string, tf.Variable>) => [...m.values()].some((v, i) => v.dataSync().some((x, j) => x !== before[i]![j]));
    const a = image(1);
    const b = image(2);
    let g0 = snap(p.gParams);
    let d0 = snap(p.dParams);
    const g = generatorStep(p, a, b);
    expect(g.fakeA.length).toBe(2 * S * S * 4);
    expect(changed(g0, p.gParams)).toBe(true);
    expect(changed(d0, p.dParams)).toBe(false);
    g0 = snap(p.gParams);
    d0 = snap(p.dParams);
    const fa = tf.tensor4d(g.fakeA, [2, S, S, 4]);
    const fb = tf.tensor4d(g.fakeB, [2, S, S, 4]);
    const d = discriminatorStep(p, a, b, fa, fb);
    expect(d.dA).toBeGreaterThan(0);
    expect(changed(g0, p.gParams)).toBe(false);
    expect(changed(d0, p.dParams)).toBe(true);
    tf.dispose([a, b, fa, fb]);
  });
});
