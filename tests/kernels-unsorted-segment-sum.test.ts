import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../trainer/backend/select-backend.js';

// Pins webgen's wasm UnsortedSegmentSum (missing in tfjs-backend-wasm; the gradient of gather,
// i.e. of embedding tables) against the cpu backend.

async function on(backend: string, f: () => tf.Tensor): Promise<Float32Array | Int32Array> {
  await tf.setBackend(backend);
  const t = tf.tidy(f);
  const data = (await t.data()) as Float32Array | Int32Array;
  t.dispose();
  return data;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

beforeAll(async () => {
  await selectBackend({ prefer: 'wasm', log: () => {} });
});

describe('wasm UnsortedSegmentSum', () => {
  it('sums rows with repeated, missing and out-of-order ids like cpu', async () => {
    const ids = [3, 0, 3, 5, 0, 0, 1];
    const x = Array.from({ length: ids.length * 2 * 3 }, (_, i) => Math.sin(i) * 10);
    const run = () => tf.unsortedSegmentSum(tf.tensor3d(x, [ids.length, 2, 3]), tf.tensor1d(ids, 'int32'), 7);
    await tf.setBackend('wasm');
    expect(tf.tidy(() => run().shape)).toEqual([7, 2, 3]);
    const err = maxAbsDiff(await on('wasm', run), await on('cpu', run));
    console.log(`UnsortedSegmentSum [7,2,3]: max abs err ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
  });

  it('sums int32 data exactly, keeping the dtype', async () => {
    const ids = [1, 0, 2, 1, 1, 1];
    const x = Array.from({ length: 6 * 4 }, (_, i) => i - 7);
    const run = () => tf.unsortedSegmentSum(tf.tensor2d(x, [6, 4], 'int32'), tf.tensor1d(ids, 'int32'), 3);
    const got = await on('wasm', run);
    expect(got).toBeInstanceOf(Int32Array);
    expect(Array.from(got)).toEqual(Array.from(await on('cpu', run)));
  });

  it('makes the gradient of gather (an embedding lookup) match cpu', async () => {
    const table = Array.from({ length: 10 * 8 }, (_, i) => Math.cos(i));
    const tokens = [[1, 4, 4, 9], [0, 1, 1, 1]];
    const weights = Array.from({ length: 2 * 4 * 8 }, (_, i) => Math.sin(i * 0.7));
    const grad = () => tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor2d(tokens, [2, 4], 'int32')).mul(tf.tensor3d(weights, [2, 4, 8])).square().sum())(
      tf.tensor2d(table, [10, 8]));
    const err = maxAbsDiff(await on('wasm', grad), await on('cpu', grad));
    console.log(`gather gradient [10,8]: max abs err ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
  });
});
