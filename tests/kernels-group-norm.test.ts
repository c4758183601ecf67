import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../trainer/backend/select-backend.js';
import { GroupNorm, groupNormComposite } from '../trainer/nn/group-norm.js';
import { Rng } from '../sdk/random/rng.js';
import { maxRelErr } from './helpers/max-rel-err.js';

// Pins webgen's fused wasm GroupNorm kernels, forward and hand-written backward, against the
// layer's tfjs-op composite on the cpu backend: the output and the gradients w.r.t. x, γ and β.

beforeAll(async () => {
  await selectBackend({ prefer: 'wasm', log: () => {} });
});

/** Output and gradients of Σ w·layer(x) (w random, so every output position matters) on `backend`. */
async function run(backend: string, layer: GroupNorm, x: Float32Array, w: Float32Array, shape: [number, number, number, number]) {
  await tf.setBackend(backend);
  const params = [layer.gamma, layer.beta].filter((p): p is tf.Variable => p != null);
  const res = tf.tidy(() => {
    const xt = tf.tensor4d(x, shape);
    const wt = tf.tensor4d(w, shape);
    const f = (xi: tf.Tensor) => layer.apply(xi as tf.Tensor4D);
    const y = f(xt);
    const grads = params.length ? tf.variableGrads(() => tf.sum(tf.mul(f(xt), wt)) as tf.Scalar, params).grads : {};
    const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(f(xi), wt)))(xt);
    return [y, dx, ...params.map((p) => grads[p.name]!)];
  });
  const out = await Promise.all(res.map(async (t) => Float64Array.from(await t.data())));
  tf.dispose(res);
  return out;
}

describe('wasm fused GroupNorm', () => {
  const cases: { name: string; shape: [number, number, number, number]; groups: number; affine: boolean }[] = [
    { name: '4 groups', shape: [3, 5, 4, 16], groups: 4, affine: true },
    { name: '8 groups', shape: [2, 6, 6, 32], groups: 8, affine: true },
    { name: 'one group, no affine', shape: [2, 3, 3, 6], groups: 1, affine: false },
  ];
  for (const c of cases) {
    it(`matches the composite on cpu: ${c.name}, forward and d/dx, dγ, dβ within 1e-5`, async () => {
      await tf.setBackend('wasm');
      expect(tf.getKernel('WebgenGroupNorm', 'wasm')).toBeDefined();
      const rng = new Rng(7);
      const layer = new GroupNorm(rng, c.groups, c.shape[3], { affine: c.affine });
      if (layer.gamma && layer.beta) {
        layer.gamma.assign(tf.tensor1d(rng.normalArray(c.shape[3]).map((v) => 1 + 0.5 * v)));
        layer.beta.assign(tf.tensor1d(rng.normalArray(c.shape[3]).map((v) => 0.5 * v)));
      }
      const size = c.shape.reduce((a, b) => a * b, 1);
      // an offset mean and a wide scale, as activations have
      const x = rng.normalArray(size).map((v, i) => 3 * v + 2 + (i % 5));
      const w = rng.normalArray(size);
      const fused = await run('wasm', layer, x, w, c.shape);
      const reference = await run('cpu', layer, x, w, c.shape);
      const names = ['y', 'dx', 'dgamma', 'dbeta'];
      for (let i = 0; i < reference.length; i++) {
        expect(fused[i]!.length).toBe(reference[i]!.length);
        const err = maxRelErr(fused[i]!, reference[i]!);
        console.log(`${c.name} ${c.shape.join('×')}: ${names[i]} max err / max |ref| ${err.toExponential(2)}`);
        expect(err).toBeLessThan(1e-5);
      }
    });
  }

  it('agrees with groupNormComposite run on wasm itself, and leaves no wasm tensors behind', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const layer = new GroupNorm(new Rng(1), 2, 8);
    const x = tf.randomNormal([2, 4, 4, 8], 1, 2) as tf.Tensor4D;
    const step = () => tf.tidy(() => tf.grad((xi: tf.Tensor) => tf.sum(tf.square(layer.apply(xi as tf.Tensor4D))))(x));
    step().dispose();
    const before = { ...tf.memory(), dataIds: backend.numDataIds() };
    for (let i = 0; i < 3; i++) step().dispose();
    for (let i = 0; i < 3; i++) layer.apply(x).dispose(); // forward alone (sampling): its saved statistics go too
    expect({ ...tf.memory(), dataIds: backend.numDataIds() }).toEqual(before);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(layer.apply(x), groupNormComposite(x, 2, layer.eps, layer.gamma, layer.beta)))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-5);
    x.dispose();
  });
});
