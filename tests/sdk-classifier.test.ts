// The SDK's classifier API (createClassifier, issue 24) on onnxruntime-node: the shipped mnist-classifier on held-out
// MNIST digits (its verdicts, the Grad-CAM map from the graph's own grad_cam output, on the ink more than an even
// spread), and bad input at every parameter, a model of another kind, one exported before the map existed.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradCamToImage, massInside } from '../sdk/explain/grad-cam.js';
import { createClassifier, InvalidInputError, ModelLoadError, type Classifier, type RgbaImage } from '../sdk/node.js';
import { openClassifierData } from '../trainer/classifier/classifier-data.js';
import { sha256Bytes } from '../trainer/export/model-folder.js';
import { encodeOnnxModel, readOnnxModel } from '../trainer/export/onnx-proto.js';
import { REPO_ROOT } from './helpers/run-cli.js';

const MODEL = join(REPO_ROOT, 'models', 'mnist-classifier');
const tmp = mkdtempSync(join(tmpdir(), 'webgen-sdk-classifier-'));
const N = 24;
let clf: Classifier;
let digits: { rgba: RgbaImage; grey: Float32Array; label: number }[];

beforeAll(async () => {
  const split = await openClassifierData('mnist', { holdOut: 1000 });
  digits = Array.from({ length: N }, (_, i) => {
    const { image, label } = split.heldOut.get(i);
    const data = new Uint8ClampedArray(32 * 32 * 4);
    image.forEach((v, p) => {
      const byte = Math.round(((v + 1) / 2) * 255);
      data.set([byte, byte, byte, 255], p * 4);
    });
    return { rgba: { width: 32, height: 32, data }, grey: image, label: label! };
  });
  clf = await createClassifier({ model: MODEL });
}, 120_000);

afterAll(async () => {
  await clf?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('createClassifier (Node) on the shipped mnist-classifier', () => {
  it('classifies held-out digits: the true digit almost always, probabilities that sum to 1, top-5 best first', async () => {
    expect(clf.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const out = await clf.classify(digits.map((d) => d.rgba));
    expect(out).toHaveLength(N);
    const right = out.filter((c, i) => c.classIndex === digits[i]!.label).length;
    expect(right).toBeGreaterThanOrEqual(N - 2); // the card: 98.4% on held-out digits
    for (const c of out) {
      expect(c.top).toHaveLength(5);
      expect(c.top[0]).toEqual({ classIndex: c.classIndex, label: c.label, probability: c.probability });
      for (let k = 1; k < 5; k++) expect(c.top[k]!.probability).toBeLessThanOrEqual(c.top[k - 1]!.probability);
    }
    const all = await clf.classify(digits[0]!.rgba, { top: 10 });
    expect(all[0]!.top.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 5);
  });

  it("gradCam: the graph's map at the image's size, in 0…1, on the ink more than an even spread", async () => {
    const session = await ort.InferenceSession.create(join(MODEL, 'model.onnx'));
    let onInk = 0;
    let inkArea = 0;
    for (const d of digits.slice(0, 8)) {
      const m = await clf.gradCam(d.rgba);
      expect([m.width, m.height]).toEqual([32, 32]);
      expect(m.map).toHaveLength(32 * 32);
      expect(Math.max(...m.map)).toBeCloseTo(1, 6);
      expect(Math.min(...m.map)).toBeGreaterThanOrEqual(0);
      expect(m.classIndex).toBe(d.label);
      // the same map as onnxruntime's grad_cam output on the same pixels, upsampled
      const raw = (await session.run({ images: new ort.Tensor('float32', d.grey, [1, 1, 32, 32]) })).grad_cam!;
      expect(raw.dims).toEqual([1, 8, 8]);
      const want = gradCamToImage(raw.data as Float32Array, 8, 8, 32, 32);
      want.forEach((v, p) => expect(Math.abs(v - m.map[p]!)).toBeLessThan(2e-3));
      const ink = Array.from(d.grey, (v) => v > -0.5);
      onInk += massInside(m.map, ink) / 8;
      inkArea += ink.filter(Boolean).length / ink.length / 8;
    }
    await session.release();
    expect(onInk).toBeGreaterThan(inkArea);
    // a 64x64 picture of a digit: the map comes at 64x64
    const big = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(255) };
    const m64 = await clf.gradCam(big);
    expect([m64.width, m64.height, m64.map.length]).toEqual([64, 64, 64 * 64]);
  });

  it('bad input is an InvalidInputError naming the parameter', async () => {
    const one = digits[0]!.rgba;
    for (const [call, parameter] of [
      [() => clf.classify(one, { top: 0 }), 'top'],
      [() => clf.classify(one, { top: 11 }), 'top'],
      [() => clf.classify([]), 'images'],
      [() => clf.classify([one, { width: 2, height: 2, data: new Uint8ClampedArray(3) }]), 'images[1].data'],
      [() => clf.gradCam(undefined as never), 'image'],
    ] as const) {
      const err = await (call as () => Promise<unknown>)().catch((e) => e);
      expect(err, String(parameter)).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).parameter).toBe(parameter);
    }
    await expect(clf.gradCam(one, { top: 3 } as never)).rejects.toThrow(/'top'/);
    await expect(createClassifier({ model: MODEL, top: 3 } as never)).rejects.toThrow(/it is an option of each call \(classify\(\), gradCam\(\)\), not of createClassifier\(\)/);
    const ddim = await createClassifier({ model: join(REPO_ROOT, 'models', 'mnist-ddim') }).catch((e) => e);
    expect(ddim).toBeInstanceOf(InvalidInputError);
    expect(ddim.message).toMatch(/is a 'diffusion-unet': createClassifier loads 'classifier' models only/);
  });

  it('a classifier exported before Grad-CAM classifies, and its gradCam names the fix', async () => {
    const dir = join(tmp, 'old');
    cpSync(MODEL, dir, { recursive: true });
    const model = readOnnxModel(new Uint8Array(readFileSync(join(dir, 'model.onnx'))));
    model.graph!.output = model.graph!.output!.filter((o) => o.name !== 'grad_cam');
    const bytes = encodeOnnxModel(model);
    writeFileSync(join(dir, 'model.onnx'), bytes);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const file = manifest.files.classifier;
    Object.assign(file, { sha256: sha256Bytes(bytes), bytes: bytes.byteLength, outputs: file.outputs.filter((o: { name: string }) => o.name !== 'grad_cam') });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const old = await createClassifier({ model: dir });
    expect((await old.classify(digits[1]!.rgba))[0]!.classIndex).toBe(digits[1]!.label);
    await expect(old.gradCam(digits[1]!.rgba)).rejects.toThrow(/has no grad_cam output .*webgen-train reexport --model/);
    await old.dispose();
  });

  it('after dispose every call is a ModelLoadError', async () => {
    const c = await createClassifier({ model: MODEL });
    await c.dispose();
    await expect(c.classify(digits[0]!.rgba)).rejects.toBeInstanceOf(ModelLoadError);
    await expect(c.gradCam(digits[0]!.rgba)).rejects.toThrow(/classifier 'mnist-classifier' was disposed; create a new one with createClassifier/);
  });
});
