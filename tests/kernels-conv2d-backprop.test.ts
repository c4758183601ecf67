import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../trainer/backend/select-backend.js';

// Pins webgen's wasm Conv2DBackpropFilter (missing in tfjs-backend-wasm) and Conv2DBackpropInput
// (replacing wasm's slow loop) against the cpu backend, over the strides, paddings and odd/even
// sizes a U-Net uses.

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case { name: string; x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: Pad }

const cases: Case[] = [
  { name: '3x3 s1 same odd', x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { name: '3x3 s1 valid rect', x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
  { name: '3x3 s2 same even', x: [2, 8, 8, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
  { name: '3x3 s2 same odd', x: [2, 7, 7, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
  { name: '3x3 s2 valid even (last row unread)', x: [2, 8, 8, 3], f: [3, 3, 3, 4], s: 2, pad: 'valid' },
  { name: '3x3 s2 valid odd', x: [1, 9, 7, 2], f: [3, 3, 2, 4], s: 2, pad: 'valid' },
  { name: '3x3 s2 pad 1', x: [1, 9, 9, 2], f: [3, 3, 2, 3], s: 2, pad: 1 },
  { name: '4x4 s2 same (even filter)', x: [2, 8, 8, 3], f: [4, 4, 3, 2], s: 2, pad: 'same' },
  { name: '1x1 s2 valid (shortcut)', x: [2, 8, 8, 4], f: [1, 1, 4, 6], s: 2, pad: 'valid' },
  { name: '3x5 strides [1,2] same', x: [1, 6, 10, 3], f: [3, 5, 3, 4], s: [1, 2], pad: 'same' },
  { name: 'explicit pads', x: [1, 7, 8, 2], f: [3, 3, 2, 3], s: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
];

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

async function on(backend: string, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = tf.tidy(f);
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

/** max |a − b| / max |b|. */
function relErr(a: Float32Array, b: Float32Array): { rel: number; abs: number } {
  expect(a.length).toBe(b.length);
  let abs = 0;
  let mag = 0;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i]! - b[i]!));
    mag = Math.max(mag, Math.abs(b[i]!));
  }
  return { rel: abs / Math.max(mag, 1e-12), abs };
}

function outShape(c: Case): [number, number, number, number] {
  return tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad).outShape as [number, number, number, number];
}

beforeAll(async () => {
  await selectBackend({ prefer: 'wasm', log: () => {} });
});

describe('wasm Conv2DBackpropFilter', () => {
  it.each(cases)('matches cpu: $name', async (c) => {
    const dyShape = outShape(c);
    const xv = values(tf.util.sizeFromShape(c.x), 1);
    const dyv = values(tf.util.sizeFromShape(dyShape), 2);
    const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, dyShape) },
      { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const got = await on('wasm', run);
    const want = await on('cpu', run);
    const { rel, abs } = relErr(got, want);
    console.log(`Conv2DBackpropFilter ${c.name}: max abs err ${abs.toExponential(2)}, rel ${rel.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-5);
  });
});

describe('wasm Conv2DBackpropInput', () => {
  it.each(cases)('matches cpu: $name', async (c) => {
    const dyShape = outShape(c);
    const fv = values(tf.util.sizeFromShape(c.f), 3);
    const dyv = values(tf.util.sizeFromShape(dyShape), 4);
    const run = () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, dyShape), filter: tf.tensor(fv, c.f) },
      { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
    await tf.setBackend('wasm');
    const shape = tf.tidy(() => run().shape);
    expect(shape).toEqual(c.x);
    const got = await on('wasm', run);
    const want = await on('cpu', run);
    const { rel, abs } = relErr(got, want);
    console.log(`Conv2DBackpropInput ${c.name}: max abs err ${abs.toExponential(2)}, rel ${rel.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-5);
  });
});

describe('conv2d gradients through tf.grads', () => {
  it.each([1, 2])('wasm equals cpu at stride %i (fused conv with bias and relu, as tf.layers uses)', async (s) => {
    const xShape: [number, number, number, number] = [2, 9, 9, 4];
    const fShape: [number, number, number, number] = [3, 3, 4, 6];
    const xv = values(tf.util.sizeFromShape(xShape), 5);
    const fv = values(tf.util.sizeFromShape(fShape), 6);
    const bv = values(6, 7);
    const grads = (backendName: string) => on(backendName, () => {
      const g = tf.grads((x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
        tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, bias: b, strides: s, pad: 'same', activation: 'relu' }).square().sum());
      const [dx, df, db] = g([tf.tensor(xv, xShape), tf.tensor(fv, fShape), tf.tensor(bv, [6])]);
      return tf.concat([dx!.flatten(), df!.flatten(), db!.flatten()]);
    });
    const { rel, abs } = relErr(await grads('wasm'), await grads('cpu'));
    console.log(`conv2d grads stride ${s}: max abs err ${abs.toExponential(2)}, rel ${rel.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-5);
  });
});

describe('unsupported input', () => {
  it('NCHW is refused with a message naming the kernel', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.zeros([1, 2, 5, 5]), dy: tf.zeros([1, 3, 5, 5]) },
      { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }))).toThrow(/Conv2DBackpropFilter.*NHWC/);
  });
});
