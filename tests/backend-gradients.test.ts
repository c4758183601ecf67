import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../trainer/backend/select-backend.js';

// Every op gradient a conv U-Net with attention and a small transformer text encoder need must
// run on wasm and agree with cpu. Where the cpu kernel itself is wrong (ResizeNearestNeighborGrad)
// the reference is finite differences instead.

async function on(backend: string, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = tf.tidy(f);
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * 0.5;
  }
  return out;
}

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

const B = 2, H = 8, C = 8, T = 5, V = 11, G = 2;

/** Parameter shapes of the composite, in order. */
const paramShapes: Record<string, number[]> = {
  conv1: [3, 3, 4, C], bias1: [C], gamma: [C], down: [3, 3, C, C], up: [3, 3, 2 * C, C],
  emb: [V, C], wq: [C, C], wk: [C, C], wv: [C, C], wo: [C, C], ln: [C], out: [1, 1, C, 4],
};
const names = Object.keys(paramShapes);

/** A U-Net block with self- and cross-attention, on every op whose gradient training needs. */
function composite(x: tf.Tensor4D, tokens: tf.Tensor2D, p: Record<string, tf.Tensor>): tf.Scalar {
  const silu = (t: tf.Tensor) => t.mul(tf.sigmoid(t));
  const gelu = (t: tf.Tensor) => t.mul(tf.erf(t.div(Math.SQRT2)).add(1)).mul(0.5);
  const groupNorm = (t: tf.Tensor4D) => { // [B, H, W, C] in G groups
    const [b, h, w, c] = t.shape;
    const g = t.reshape([b, h, w, G, c / G]);
    const { mean, variance } = tf.moments(g, [1, 2, 4], true);
    return g.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).reshape([b, h, w, c]).mul(p.gamma!) as tf.Tensor4D;
  };
  const layerNorm = (t: tf.Tensor) => {
    const { mean, variance } = tf.moments(t, -1, true);
    return t.sub(mean).div(tf.sqrt(variance.add(1e-5))).mul(p.ln!);
  };
  const attention = (q: tf.Tensor3D, kv: tf.Tensor3D) => { // [B, N, C], [B, M, C]
    const k = tf.matMul(kv.reshape([-1, C]), p.wk as tf.Tensor2D).reshape(kv.shape);
    const v = tf.matMul(kv.reshape([-1, C]), p.wv as tf.Tensor2D).reshape(kv.shape);
    const qq = tf.matMul(q.reshape([-1, C]), p.wq as tf.Tensor2D).reshape(q.shape) as tf.Tensor3D;
    const w = tf.softmax(tf.matMul(qq, k as tf.Tensor3D, false, true).div(Math.sqrt(C)));
    return tf.matMul(tf.matMul(w, v as tf.Tensor3D).reshape([-1, C]), p.wo as tf.Tensor2D).reshape(q.shape) as tf.Tensor3D;
  };

  // 1. encoder: conv, group norm, SiLU, strided conv, avg pool
  const h1 = silu(groupNorm(tf.conv2d(x, p.conv1 as tf.Tensor4D, 1, 'same').add(p.bias1!) as tf.Tensor4D)) as tf.Tensor4D; // [B, 8, 8, C]
  const h2 = tf.conv2d(h1, p.down as tf.Tensor4D, 2, 'same'); // [B, 4, 4, C]
  const h3 = tf.avgPool(h2, 2, 2, 'valid'); // [B, 2, 2, C]
  // 2. text encoder: embedding (gather), layer norm, self-attention, GELU, tanh
  const text = layerNorm(tf.gather(p.emb!, tokens)) as tf.Tensor3D; // [B, T, C]
  const textH = gelu(text.add(attention(text, text))).tanh() as tf.Tensor3D;
  // 3. middle: self- then cross-attention over the 2x2 tokens
  const seq = h3.reshape([B, 4, C]) as tf.Tensor3D;
  const seq2 = seq.add(attention(seq, seq)).add(attention(seq, textH)) as tf.Tensor3D;
  // 4. decoder: 2x nearest upsample by tiling (resizeNearestNeighbor's cpu gradient is wrong, it
  //    has its own test below), concat skip, pad, slice
  const upW = tf.tile(seq2.reshape([B * 2, 2, 1, C]), [1, 1, 2, 1]).reshape([B, 2, 1, 4 * C]); // [B, 2, 1, 4C]
  const up = tf.tile(upW, [1, 1, 2, 1]).reshape([B, 4, 4, C]);
  const cat = tf.concat([up, h2], -1) as tf.Tensor4D; // [B, 4, 4, 2C]
  const dec = tf.conv2d(cat, p.up as tf.Tensor4D, 1, 'same');
  const padded = tf.pad(dec, [[0, 0], [1, 1], [1, 1], [0, 0]]).slice([0, 0, 1, 0], [B, 5, 4, C]) as tf.Tensor4D;
  const out = tf.conv2d(tf.transpose(padded, [0, 2, 1, 3]), p.out as tf.Tensor4D, 1, 'valid');
  return tf.mean(out.square()).add(tf.sum(h1.abs()).mul(1e-3)) as tf.Scalar;
}

beforeAll(async () => {
  await selectBackend({ prefer: 'wasm', log: () => {} });
});

describe('gradients of a U-Net + transformer composite', () => {
  it('wasm equals cpu for every parameter and the input', async () => {
    const grads = (backendName: string) => on(backendName, () => {
      const x = tf.tensor4d(values(B * H * H * 4, 1), [B, H, H, 4]);
      const tokens = tf.tensor2d([[1, 3, 3, 10, 0], [2, 2, 7, 1, 1]], [B, T], 'int32');
      const params = names.map((n, i) => tf.tensor(values(tf.util.sizeFromShape(paramShapes[n]!), 10 + i), paramShapes[n]));
      const g = tf.grads((...args: tf.Tensor[]) =>
        composite(args[0] as tf.Tensor4D, tokens, Object.fromEntries(names.map((n, i) => [n, args[i + 1]!]))))([x, ...params]);
      return tf.concat(g.map((t) => t.flatten()));
    });
    const got = await grads('wasm');
    const want = await grads('cpu');
    const { rel, abs } = relErr(got, want);
    console.log(`composite gradients (${got.length} values): max abs err ${abs.toExponential(2)}, rel ${rel.toExponential(2)}`);
    expect(want.some((v) => v !== 0)).toBe(true);
    expect(rel).toBeLessThan(1e-4);
  });
});

describe('resizeNearestNeighbor gradient on wasm (reference: finite differences)', () => {
  // The op is linear, so central differences of f(x) = Σ w · resize(x) are exact up to rounding.
  it.each([
    { name: '2x upsample', size: [6, 8] as [number, number], alignCorners: false, halfPixelCenters: false },
    { name: '2x upsample, half-pixel centres', size: [6, 8] as [number, number], alignCorners: false, halfPixelCenters: true },
    { name: 'non-integer scale', size: [5, 7] as [number, number], alignCorners: false, halfPixelCenters: false },
    { name: 'align corners', size: [5, 7] as [number, number], alignCorners: true, halfPixelCenters: false },
  ])('$name', async ({ size, alignCorners, halfPixelCenters }) => {
    await tf.setBackend('wasm');
    const xShape: [number, number, number, number] = [1, 3, 4, 2];
    const n = tf.util.sizeFromShape(xShape);
    const w = tf.tensor4d(values(size[0] * size[1] * 2, 3), [1, size[0], size[1], 2]);
    const f = (x: tf.Tensor4D) => tf.image.resizeNearestNeighbor(x, size, alignCorners, halfPixelCenters).mul(w).sum();
    const x0 = values(n, 4);
    const got = await tf.grad((x: tf.Tensor) => f(x as tf.Tensor4D))(tf.tensor4d(x0, xShape)).data() as Float32Array;
    const fd = new Float32Array(n);
    const eps = 0.5;
    for (let i = 0; i < n; i++) {
      const plus = Float32Array.from(x0); plus[i]! += eps;
      const minus = Float32Array.from(x0); minus[i]! -= eps;
      fd[i] = tf.tidy(() => f(tf.tensor4d(plus, xShape)).sub(f(tf.tensor4d(minus, xShape))).div(2 * eps).dataSync()[0]!);
    }
    const { rel, abs } = relErr(got, fd);
    console.log(`ResizeNearestNeighborGrad ${size} ac=${alignCorners} hpc=${halfPixelCenters}: max abs err vs finite differences ${abs.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-4);
    w.dispose();
  });
});
