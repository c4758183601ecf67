// Spectral norm by power iteration (Miyato et al. 2018) and ViTGAN's ISN, on matrices whose
// singular values are known.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { Module } from '../trainer/nn/module.js';
import { SNConv2d } from '../trainer/nn/sn-conv2d.js';
import { SNDense } from '../trainer/nn/sn-dense.js';
import { namedBuffers, SpectralNorm, spectralNorms } from '../trainer/nn/spectral-norm.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** W = R(θ) diag(s) R(φ)ᵀ, 2×2 with singular values s. */
function knownMatrix(s: [number, number], theta = 0.3, phi = 1.1): Float32Array {
  const r = (a: number) => [[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]];
  const U = r(theta);
  const V = r(phi);
  const out = new Float32Array(4);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) out[2 * i + j] = U[i]![0]! * s[0] * V[j]![0]! + U[i]![1]! * s[1] * V[j]![1]!;
  return out;
}

/** Largest singular value of a [n, m] matrix by 500 float64 power iterations on WᵀW. */
function sigmaReference(w: Float32Array, n: number, m: number): number {
  let v = Array.from({ length: m }, (_, i) => 1 + i * 0.1);
  for (let it = 0; it < 500; it++) {
    const wv = Array.from({ length: n }, (_, i) => v.reduce((acc, vj, j) => acc + w[i * m + j]! * vj, 0));
    const wtwv = Array.from({ length: m }, (_, j) => wv.reduce((acc, x, i) => acc + w[i * m + j]! * x, 0));
    const norm = Math.hypot(...wtwv);
    v = wtwv.map((x) => x / norm);
  }
  const wv = Array.from({ length: n }, (_, i) => v.reduce((acc, vj, j) => acc + w[i * m + j]! * vj, 0));
  return Math.hypot(...wv);
}

describe('spectral norm', () => {
  it('power iteration converges to σ = 4 of a 2x2 matrix with singular values 4 and 2, from below, error shrinking as (2/4)^2k', () => {
    const w = tf.variable(tf.tensor2d(knownMatrix([4, 2]), [2, 2]));
    const sn = new SpectralNorm(new Rng(3), w, 'sn'); // one iteration at construction
    const errors: number[] = [];
    for (let k = 0; k < 12; k++) {
      errors.push(4 - sn.sigma().dataSync()[0]!);
      sn.powerIteration();
    }
    expect(errors.every((e) => e > -1e-5)).toBe(true); // the estimate uᵀWv never exceeds σ (up to float32)
    expect(errors[11]!).toBeLessThan(1e-5);
    // Each step multiplies the error by about (σ2/σ1)^2 = 1/4 while it is above float32 noise.
    for (let k = 1; k < 5; k++) if (errors[k - 1]! > 1e-4) expect(errors[k]! / errors[k - 1]!).toBeLessThan(0.3);
    // W / σ(W) has spectral norm 1.
    const normed = tf.variable(sn.normalize());
    const check = new SpectralNorm(new Rng(4), normed, 'isn'); // 'isn' converges at construction
    expect(check.scale.dataSync()[0]).toBeCloseTo(1, 5);
  });

  it('a conv kernel [k, k, Cin, Cout] is normalised as the [k·k·Cin, Cout] matrix', () => {
    const conv = new SNConv2d(new Rng(5), 3, 4, 'sn', { kernelSize: 3 });
    for (let i = 0; i < 200; i++) conv.sn.powerIteration();
    const kernel = conv.conv.kernel.dataSync() as Float32Array;
    const want = sigmaReference(kernel, 27, 4);
    expect(conv.sn.sigma().dataSync()[0]).toBeCloseTo(want, 4);
    const normed = conv.sn.normalize().dataSync() as Float32Array;
    expect(sigmaReference(normed, 27, 4)).toBeCloseTo(1, 4);
  });

  it("ISN: the weight keeps its initial spectral norm — W̄ = σ(W_init)·W/σ(W) equals W at init and has σ(W_init) after W is scaled", () => {
    const dense = new SNDense(new Rng(6), 5, 3, 'isn');
    const w0 = dense.dense.kernel.dataSync() as Float32Array;
    const sigma0 = sigmaReference(w0, 5, 3);
    expect(dense.sn.scale.dataSync()[0]).toBeCloseTo(sigma0, 4);
    const atInit = dense.sn.normalize().dataSync() as Float32Array;
    for (let i = 0; i < w0.length; i++) expect(atInit[i]).toBeCloseTo(w0[i]!, 5);
    dense.dense.kernel.assign(tf.mul(dense.dense.kernel, 3));
    for (let i = 0; i < 20; i++) dense.sn.powerIteration();
    const after = dense.sn.normalize().dataSync() as Float32Array;
    expect(sigmaReference(after, 5, 3)).toBeCloseTo(sigma0, 4);
    // Plain SN of the same weight has σ = 1 instead.
    const plain = new SNDense(new Rng(6), 5, 3, 'sn');
    for (let i = 0; i < 50; i++) plain.sn.powerIteration();
    expect(sigmaReference(plain.sn.normalize().dataSync() as Float32Array, 5, 3)).toBeCloseTo(1, 4);
  });

  it('the gradient flows through σ(W): d/dW of the normalised weight is not the plain 1/σ scaling', () => {
    const w = tf.variable(tf.tensor2d(knownMatrix([4, 2]), [2, 2]));
    const sn = new SpectralNorm(new Rng(7), w, 'sn');
    for (let i = 0; i < 30; i++) sn.powerIteration();
    // f(W) = sum(W/σ(W)); ∂f/∂W = 1/σ − (sum W / σ²) · u_left v_rightᵀ (σ's gradient is the outer product of the singular vectors).
    const { grads } = tf.variableGrads(() => tf.sum(sn.normalize()) as tf.Scalar, [w]);
    const g = grads[w.name]!.dataSync();
    const total = knownMatrix([4, 2]).reduce((a, b) => a + b, 0);
    const u = sn.u.dataSync(); // right singular vector in our [n, m] view
    const v = sn.v.dataSync();
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(g[2 * i + j]).toBeCloseTo(1 / 4 - (total / 16) * v[i]! * u[j]!, 4);
  });

  it('buffers (u, v, scale) are collected with their module paths', () => {
    class Two extends Module {
      a = this.addModule('a', new SNDense(new Rng(8), 4, 4, 'sn'));
      b = this.addModule('b', new SNConv2d(new Rng(9), 2, 3, 'isn'));
    }
    const m = new Two();
    expect([...namedBuffers(m).keys()]).toEqual(['a.sn.u', 'a.sn.v', 'a.sn.scale', 'b.sn.u', 'b.sn.v', 'b.sn.scale']);
    expect(spectralNorms(m)).toHaveLength(2);
    expect(m.variables()).toHaveLength(4); // kernels and biases only: buffers are not trained
  });
});
