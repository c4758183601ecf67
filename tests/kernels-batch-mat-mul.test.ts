// webgen's wasm BatchMatMul (transposes first, then wasm's own untransposed kernel) against cpu,
// for every transpose combination, 2-D and batched, and its matMul gradients.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../trainer/backend/select-backend.js';
import { Rng } from '../sdk/random/rng.js';

function values(n: number, seed: number): Float32Array {
  return new Rng(seed).normalArray(n);
}

async function on(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  if (backend === 'wasm') await selectBackend({ prefer: 'wasm', threads: 1, log: () => {} });
  else await tf.setBackend('cpu');
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const data = list.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  tf.dispose(list);
  return data;
}

function maxRelErr(a: Float32Array[], b: Float32Array[]): number {
  let err = 0;
  let mag = 0;
  a.forEach((x, i) => x.forEach((v, j) => {
    err = Math.max(err, Math.abs(v - b[i]![j]!));
    mag = Math.max(mag, Math.abs(b[i]![j]!));
  }));
  return err / mag;
}

describe('wasm BatchMatMul with transposed operands', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['A B', [5, 7], [7, 3], false, false],
    ['Aᵀ B', [7, 5], [7, 3], true, false],
    ['A Bᵀ', [5, 7], [3, 7], false, true],
    ['Aᵀ Bᵀ', [7, 5], [3, 7], true, true],
    ['batched Aᵀ B', [4, 6, 5], [4, 6, 3], true, false],
    ['batched A Bᵀ', [4, 5, 6], [4, 3, 6], false, true],
    ['broadcast batch A Bᵀ', [2, 3, 5, 6], [1, 3, 4, 6], false, true],
  ];
  for (const [label, sa, sb, ta, tb] of cases) {
    it(`${label}: ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, async () => {
      const a = values(sa.reduce((x, y) => x * y, 1), 1);
      const b = values(sb.reduce((x, y) => x * y, 1), 2);
      const f = () => tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb);
      const cpu = await on('cpu', f);
      const wasm = await on('wasm', f);
      expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc.name).toBe('batchMatMul');
      expect(maxRelErr(wasm, cpu)).toBeLessThan(1e-5);
    });
  }

  it('gradients of A Bᵀ (which use Aᵀ-style products) match cpu, and free their intermediates', async () => {
    const a = values(6 * 5, 3);
    const b = values(4 * 5, 4);
    const f = () => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, false, true))))([tf.tensor2d(a, [6, 5]), tf.tensor2d(b, [4, 5])]);
    const cpu = await on('cpu', f);
    const wasm = await on('wasm', f);
    expect(maxRelErr(wasm, cpu)).toBeLessThan(1e-5);
    const before = tf.memory().numTensors;
    const bytesBefore = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    for (let i = 0; i < 3; i++) tf.dispose(tf.tidy(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 4]), false, true)));
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(bytesBefore);
  });
});
