/**
 * Issue 24, part 3: Grad-CAM. The classifier graph's own grad_cam output (trainer/explain/grad-cam-graph.ts, the head's
 * backward pass written out as ONNX nodes) equals tfjs' autograd on the same classifier; a shipped judge comes back from its ONNX file as a
 * ClassifierNet with the same logits; `webgen explain gradcam` writes the overlays and its figures, and refuses a
 * model that is not a classifier.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradCamToImage, massInside } from '../sdk/explain/grad-cam.js';
import { heatColour, heatOverlay } from '../sdk/explain/heat-overlay.js';
import { Rng } from '../sdk/random/rng.js';
import { gradCamTf } from '../trainer/explain/grad-cam.js';
import { openClassifierNet } from '../trainer/explain/open-classifier.js';
import { ClassifierNet } from '../trainer/models/classifier-net.js';
import { perturbVariables } from './nn-helpers.js';
import { runWebgen } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-gradcam-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Grad-CAM', () => {
  it("the exported graph's grad_cam output equals tfjs' autograd for the predicted class, grid 2 and a global pool", async () => {
    for (const poolGrid of [2, 1]) {
      const net = new ClassifierNet({ imageSize: 16, inChannels: 3, numClasses: 5, widths: [8, 16, 8], featureDim: 12, poolGrid }, 3);
      perturbVariables(net, 4);
      const B = 6;
      const data = new Rng(5).normalArray(B * 16 * 16 * 3).map((v) => Math.tanh(v));
      const x = tf.tensor4d(data, [B, 16, 16, 3]);
      const predicted = tf.tidy(() => net.apply(x).logits.argMax(1).dataSync() as Int32Array);
      const ref = gradCamTf(net, x, predicted);
      const nchw = tf.tidy(() => x.transpose([0, 3, 1, 2]).dataSync() as Float32Array);
      const session = await ort.InferenceSession.create(net.toOnnx());
      const out = await session.run({ images: new ort.Tensor('float32', nchw, [B, 3, 16, 16]) });
      await session.release();
      const got = out.grad_cam!;
      expect(got.dims).toEqual([B, 4, 4]);
      const scale = Math.max(1e-6, ...ref.maps);
      expect(Math.max(...ref.maps)).toBeGreaterThan(1e-4); // not all-zero maps
      (got.data as Float32Array).forEach((v, p) => expect(Math.abs(v - ref.maps[p]!) / scale).toBeLessThan(1e-5));
      x.dispose();
      net.dispose();
    }
  });

  it('gradCamToImage brings a map to image size in 0…1; massInside is the share on the mask', () => {
    const up = gradCamToImage(Float32Array.from([0, 2, 4, 8]), 2, 2, 4, 4);
    expect(up.length).toBe(16);
    expect(Math.max(...up)).toBeCloseTo(1, 6);
    expect(Math.min(...up)).toBeGreaterThanOrEqual(0);
    expect(up[15]).toBeGreaterThan(up[0]!); // the large corner stays large
    expect([...gradCamToImage(new Float32Array(4), 2, 2, 3, 3)]).toEqual(new Array(9).fill(0));
    expect(massInside([1, 3, 0, 4], [true, false, false, true])).toBeCloseTo(5 / 8, 12);
    expect(massInside([0, 0], [true, false])).toBe(0);
  });

  it('heatOverlay: the map stretched from its minimum to its maximum, blue → red, half over the image on white', () => {
    expect(heatColour(0)).toEqual([0, 0, 0.5]);
    expect(heatColour(1)).toEqual([0.5, 0, 0]);
    expect(heatColour(0.5)).toEqual([0.5, 1, 0.5]);
    // a black opaque pixel under the maximum, a transparent one (white) under zero
    const image = { width: 2, height: 1, data: new Uint8ClampedArray([0, 0, 0, 255, 0, 0, 0, 0]) };
    const out = heatOverlay(image, [4, 0]);
    expect([...out.data]).toEqual([64, 0, 0, 255, 128, 128, 191, 255]);
    // stretched: [5, 1] draws as [4, 0] does; a flat map is all blue
    expect([...heatOverlay(image, [5, 1]).data]).toEqual([...out.data]);
    expect([...heatOverlay(image, [3, 3]).data]).toEqual([0, 0, 64, 255, 128, 128, 191, 255]);
    expect(() => heatOverlay(image, [1])).toThrow(/the map has 1 values, the 2x1 image 2 pixels/);
    expect(() => heatOverlay(image, [1, 1], 2)).toThrow(/opacity must be in \[0, 1\]/);
  });

  it('a shipped judge comes back from its ONNX file with the same logits', async () => {
    const { net, onnxPath } = await openClassifierNet('models/mnist-classifier');
    const x = new Rng(7).normalArray(4 * 32 * 32).map((v) => Math.tanh(v));
    const tfLogits = tf.tidy(() => net.apply(tf.tensor4d(x, [4, 32, 32, 1])).logits.dataSync() as Float32Array);
    const session = await ort.InferenceSession.create(onnxPath);
    const out = await session.run({ images: new ort.Tensor('float32', x, [4, 1, 32, 32]) });
    const onnx = out.logits!.data as Float32Array;
    tfLogits.forEach((v, i) => expect(Math.abs(v - onnx[i]!)).toBeLessThan(1e-4));
    await session.release();
    net.dispose();
  });
});

describe('webgen explain gradcam', () => {
  it('draws the held-out digits above their overlays and reports the mass on the ink', async () => {
    const out = join(tmp, 'gc.png');
    const json = join(tmp, 'gc.json');
    const r = await runWebgen(['explain', 'gradcam', '--model', 'models/mnist-classifier', '--count', '16', '--out', out, '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mnist-classifier: Grad-CAM of the predicted class on 16 held-out images/);
    const j = JSON.parse(readFileSync(json, 'utf8'));
    expect(j.images).toBe(16);
    expect(j.mapSize).toEqual([8, 8]);
    expect(j.exportedMaxAbsDiff).toBeLessThan(1e-4);
    // the maps sit on the digits more than an even spread would
    expect(j.massOnObject).toBeGreaterThan(j.objectArea);
    const png = PNG.sync.read(readFileSync(out));
    // 8 columns and 2 x 2 rows (digits, overlays) of 32 px images at scale 2, 2 px apart
    expect([png.width, png.height]).toEqual([8 * 64 + 9 * 2, 4 * 64 + 5 * 2]);
  }, 60_000);

  it('refuses a model that is not a classifier, in one line', async () => {
    const r = await runWebgen(['explain', 'gradcam', '--model', 'models/mnist-ddim']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs a classifier model folder \(kind 'classifier', e\.g\. models\/mnist-classifier\), got kind 'diffusion-unet'/);
  }, 60_000);
});
