/**
 * Issue 24, part 2: the mean attention distance on hand-made attention (a head on itself → 0, on its 4-neighbours →
 * one patch size, uniform → the grid's mean pairwise distance, a class token's share ignored), attention taps whose
 * outputs equal the trainer's attention weights (a ViT exported by webgen), and `webgen explain attention-distance`
 * on the shipped ViTGAN: the table, the SVG figure, the JSON, and the errors.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanAttentionDistance, squarePatchGrid, uniformAttentionDistance } from '../sdk/explain/attention-distance.js';
import { Rng } from '../sdk/random/rng.js';
import { VitImageEncoder } from '../trainer/clip/image-encoder.js';
import { OnnxGraph } from '../trainer/export/onnx-graph.js';
import { withAttentionOutputs } from '../trainer/explain/attention-taps.js';
import { perturbVariables } from './nn-helpers.js';
import { runWebgen } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-explain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** [1, 1, N, N] attention with prefix tokens, rows from `row(q)` over the patches (each summing to 1). */
function attention(grid: { rows: number; cols: number; prefix: number }, row: (q: number, k: number) => number, prefixMass = 0): Float32Array {
  const P = grid.rows * grid.cols;
  const N = grid.prefix + P;
  const w = new Float32Array(N * N);
  for (let q = 0; q < N; q++) {
    if (q < grid.prefix) {
      w.fill(1 / N, q * N, (q + 1) * N);
      continue;
    }
    const raw = Array.from({ length: P }, (_, k) => row(q - grid.prefix, k));
    const total = raw.reduce((a, b) => a + b, 0);
    for (let p = 0; p < grid.prefix; p++) w[q * N + p] = prefixMass / grid.prefix;
    raw.forEach((v, k) => (w[q * N + grid.prefix + k] = ((1 - (grid.prefix ? prefixMass : 0)) * v) / total));
  }
  return w;
}

describe('mean attention distance (known answers)', () => {
  const grid = { rows: 4, cols: 5, patchSize: 8, prefix: 0 };
  const P = 20;
  const neighbours = (q: number, k: number) => {
    const dy = Math.abs(Math.floor(q / 5) - Math.floor(k / 5));
    const dx = Math.abs((q % 5) - (k % 5));
    return dx + dy === 1 ? 1 : 0;
  };

  it('a head on each patch itself scores 0, one on its 4-neighbours exactly one patch size (pixels)', () => {
    expect([...meanAttentionDistance(attention(grid, (q, k) => (q === k ? 1 : 0)), [1, 1, P, P], grid)]).toEqual([0]);
    expect(meanAttentionDistance(attention(grid, neighbours), [1, 1, P, P], grid)[0]).toBeCloseTo(8, 10);
  });

  it('uniform attention scores the mean pairwise distance: (2 + √2)/4 patches on a 2x2 grid', () => {
    const g2 = { rows: 2, cols: 2, patchSize: 10, prefix: 0 };
    const expected = ((2 + Math.SQRT2) / 4) * 10;
    expect(meanAttentionDistance(attention(g2, () => 1), [1, 1, 4, 4], g2)[0]).toBeCloseTo(expected, 6);
    expect(uniformAttentionDistance(g2)).toBeCloseTo(expected, 12);
    expect(meanAttentionDistance(attention(grid, () => 1), [1, 1, P, P], grid)[0]).toBeCloseTo(uniformAttentionDistance(grid), 5);
  });

  it('a class token is left out: its share of the attention does not change the distance', () => {
    const withCls = { ...grid, prefix: 1 };
    const a = meanAttentionDistance(attention(withCls, neighbours, 0), [1, 1, P + 1, P + 1], withCls)[0]!;
    const b = meanAttentionDistance(attention(withCls, neighbours, 0.7), [1, 1, P + 1, P + 1], withCls)[0]!;
    expect(a).toBeCloseTo(8, 6);
    expect(b).toBeCloseTo(8, 6);
  });

  it('heads and images: one distance per head, averaged over the batch', () => {
    const local = attention(grid, (q, k) => (q === k ? 1 : 0));
    const spread = attention(grid, neighbours);
    const w = new Float32Array(4 * P * P);
    w.set(local, 0); // image 0 head 0
    w.set(spread, P * P); // image 0 head 1
    w.set(spread, 2 * P * P); // image 1 head 0
    w.set(spread, 3 * P * P); // image 1 head 1
    const d = meanAttentionDistance(w, [2, 2, P, P], grid);
    expect(d[0]).toBeCloseTo(4, 6);
    expect(d[1]).toBeCloseTo(8, 6);
  });

  it('squarePatchGrid reads a class token from the token count; shapes that do not fit are RangeErrors', () => {
    expect(squarePatchGrid(37, 48)).toEqual({ rows: 6, cols: 6, patchSize: 8, prefix: 1 });
    expect(squarePatchGrid(64, 32)).toEqual({ rows: 8, cols: 8, patchSize: 4, prefix: 0 });
    expect(squarePatchGrid(10, 30)).toEqual({ rows: 3, cols: 3, patchSize: 10, prefix: 1 });
    expect(squarePatchGrid(11, 32)).toBeUndefined();
    expect(() => meanAttentionDistance(new Float32Array(16), [1, 1, 4, 4], grid)).toThrow(RangeError);
  });
});

describe('attention taps', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("a webgen ViT's tapped ONNX outputs the trainer's attention weights, and its own output unchanged", async () => {
    const vit = new VitImageEncoder({ imageSize: 16, channels: 3, patch: 4, dim: 16, depth: 2, heads: 2 }, new Rng(1));
    perturbVariables(vit, 3);
    const g = new OnnxGraph('vit');
    const x = g.addInput('image', 'float32', ['batch', 3, 16, 16]);
    g.aliasOutput(vit.toOnnx(g, x), 'out', 'float32', ['batch', 16]);
    const plain = g.toBytes();
    const { bytes, taps } = withAttentionOutputs(plain);
    expect(taps.map((t) => [t.layer, t.kind])).toEqual([['blocks.0.attn', 'self'], ['blocks.1.attn', 'self']]);
    const input = new Rng(2).normalArray(2 * 16 * 16 * 3); // NHWC
    const nchw = tf.tidy(() => tf.tensor4d(input, [2, 16, 16, 3]).transpose([0, 3, 1, 2]).dataSync() as Float32Array);
    const tapped = await ort.InferenceSession.create(bytes);
    const original = await ort.InferenceSession.create(plain);
    const feeds = { image: new ort.Tensor('float32', nchw, [2, 3, 16, 16]) };
    const out = await tapped.run(feeds);
    const ref = await original.run(feeds);
    expect(out.out!.data).toEqual(ref.out!.data);
    // the trainer's weights of block 0: attention over norm1 of the embedded tokens
    const expected = tf.tidy(() => {
      const xs = tf.tensor4d(input, [2, 16, 16, 3]);
      const patches = vit.patchEmbed.apply(xs).reshape([2, 16, 16]);
      const h = tf.add(tf.concat([tf.add(tf.zeros([2, 1, 16]), vit.cls), patches], 1), vit.pos) as tf.Tensor3D;
      const blk = vit.blocks.items[0]!;
      return blk.attn.attentionWeights(blk.norm1.apply(h) as tf.Tensor3D).dataSync() as Float32Array;
    });
    const got = out[taps[0]!.output]!;
    expect(got.dims).toEqual([2, 2, 17, 17]);
    let max = 0;
    for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i]! - (got.data as Float32Array)[i]!));
    expect(max).toBeLessThan(1e-5);
    await tapped.release();
    await original.release();
  });

  it('a model without attention is an error saying so', () => {
    const g = new OnnxGraph('relu');
    g.aliasOutput(g.node('Relu', [g.addInput('x', 'float32', [1, 4])])[0]!, 'y', 'float32', [1, 4]);
    expect(() => withAttentionOutputs(g.toBytes())).toThrow(/no attention/);
  });
});

describe('webgen explain attention-distance', () => {
  it('prints the blocks x heads table of the shipped ViTGAN, and writes the SVG figure and the JSON', async () => {
    const plot = join(tmp, 'ad.svg');
    const json = join(tmp, 'ad.json');
    const r = await runWebgen(['explain', 'attention-distance', '--model', 'models/mnist-vitgan', '--inputs', '8', '--plot', plot, '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mnist-vitgan: mean attention distance \(pixels\) over 8 random latents; 8x8 patches of 4 px; uniform attention would score 16\.55/);
    expect(r.stdout).toMatch(/\| 3 \(blocks\.3\.attn\) \|( \d+\.\d\d \|){5}/);
    const j = JSON.parse(readFileSync(json, 'utf8'));
    expect(j.layers).toHaveLength(4);
    for (const l of j.layers) {
      for (const d of l.heads) {
        expect(d).toBeGreaterThan(0);
        expect(d).toBeLessThan(j.uniform * 1.5);
      }
    }
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle/g)).toHaveLength(16);
  }, 60_000);

  it('refuses a model without a ViT, and a missing --model, in one line', async () => {
    const a = await runWebgen(['explain', 'attention-distance', '--model', 'models/mnist-ddim']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/attention distance reads a ViT: a CLIP model \(kind 'clip'\) or a ViTGAN generator \(kind 'gan-generator'\), got kind 'diffusion-unet'/);
    const b = await runWebgen(['explain', 'attention-distance']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/needs --model DIR/);
    const c = await runWebgen(['explain', 'nothing']);
    expect(c.stderr).toMatch(/explain commands: attention-distance/);
  }, 60_000);
});
