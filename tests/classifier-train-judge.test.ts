// Training a judging classifier end to end on a small MNIST subset: the loss falls, the model
// folder verifies, the exported ONNX scores the held-out digits as tfjs did, and judgeSamples
// returns consistent predictions, histogram and accuracy — or clear errors for bad input.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClassifierData } from '../trainer/classifier/classifier-data.js';
import { judgeSamples } from '../trainer/classifier/judge.js';
import { trainClassifier, type TrainClassifierResult } from '../trainer/classifier/train-classifier.js';
import { openDataset } from '../trainer/data/open-dataset.js';
import { splitDataset } from '../trainer/data/dataset.js';
import { DataError } from '../trainer/errors/data-error.js';
import { UsageError } from '../trainer/errors/usage-error.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';

let root: string;
let dir: string;
let result: TrainClassifierResult;
const lines: string[] = [];
/** The first 200 held-out digits, [200, 32, 32, 1], and their labels. */
let images: Float32Array;
let labels: Int32Array;
const N = 200;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'webgen-classifier-'));
  dir = join(root, 'mnist-classifier');
  result = await trainClassifier({
    data: 'mnist', steps: 100, batchSize: 32, lr: 5e-3, trainLimit: 512, widths: [8, 16, 16], featureDim: 16,
    out: dir, logEvery: 10, log: (l) => lines.push(l),
  });
  const { heldOut } = await openClassifierData('mnist');
  images = new Float32Array(N * 1024);
  labels = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const ex = heldOut.get(i);
    images.set(ex.image, i * 1024);
    labels[i] = ex.label!;
  }
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('trainClassifier (mnist, 100 steps on 512 digits)', () => {
  it('lowers the training loss and beats chance on the 1,000 held-out digits', () => {
    console.log(`loss ${result.firstLoss.toFixed(3)} -> ${result.finalLoss.toFixed(3)}, held-out ${(100 * result.heldOutAccuracy).toFixed(1)}%, ${result.wallTimeSeconds.toFixed(1)} s`);
    expect(result.finalLoss).toBeLessThan(result.firstLoss);
    expect(result.heldOutAccuracy).toBeGreaterThan(0.2); // chance is 0.1
    expect(lines.some((l) => /^step 100\/100 \| loss/.test(l))).toBe(true);
  });

  it('writes a model folder that verifies, with kind, classes, metrics and parity', async () => {
    const m = await verifyModelFolder(dir);
    expect(m.kind).toBe('classifier');
    expect(m.conditioning?.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(m.image).toEqual({ width: 32, height: 32, channels: 1, range: [-1, 1] });
    expect(m.files.classifier!.outputs.map((o) => o.name)).toEqual(['logits', 'features', 'grad_cam']);
    expect(m.metrics.heldOutAccuracy).toBe(result.heldOutAccuracy);
    expect(m.metrics.heldOutExamples).toBe(1000);
    expect(typeof m.metrics['accuracy.7']).toBe('number');
    expect(m.parity.maxAbsError).toBeLessThanOrEqual(1e-4);
    expect(m.training.steps).toBe(100);
  });

  it('scores the held-out digits the same through ONNX as through tfjs', () => {
    expect(result.onnxHeldOutAccuracy).toBeDefined();
    expect(Math.abs(result.onnxHeldOutAccuracy! - result.heldOutAccuracy)).toBeLessThanOrEqual(0.002);
  });

  it('holds out exactly the digits the mnist-small recipe holds out (splitDataset(source, 1000, 0))', async () => {
    const { heldOut } = await openClassifierData('mnist');
    const recipe = splitDataset(await openDataset('mnist'), 1000, 0).heldOut;
    expect(heldOut.size).toBe(recipe.size);
    for (const i of [0, 1, 500, 999]) expect(heldOut.get(i).image).toEqual(recipe.get(i).image);
  });
});

describe('judgeSamples', () => {
  it('returns predictions whose histogram and accuracy agree with them, above chance on real digits', async () => {
    const v = await judgeSamples(dir, images, labels);
    expect(v.predicted.length).toBe(N);
    const hist = new Array(10).fill(0);
    let right = 0;
    v.predicted.forEach((p, i) => {
      hist[p]++;
      if (p === labels[i]) right++;
    });
    expect(v.histogram).toEqual(hist);
    expect(v.accuracy).toBe(right / N);
    expect(v.accuracy!).toBeGreaterThan(0.2);
    expect(v.classNames[3]).toBe('3');
  });

  it('accepts an explicit [N, H, W, C] shape, small batches, and returns features [N, F]', async () => {
    const all = await judgeSamples(dir, images.subarray(0, 10 * 1024));
    const v = await judgeSamples(dir, { data: images.subarray(0, 10 * 1024), shape: [10, 32, 32, 1] }, undefined, { batchSize: 3, features: true });
    expect(Array.from(v.predicted)).toEqual(Array.from(all.predicted));
    expect(v.accuracy).toBeUndefined();
    expect(v.features!.length).toBe(10 * 16);
    expect(v.features!.some((f) => f !== 0)).toBe(true);
  });

  it('rejects images of the wrong size, range or count with a UsageError naming the expected shape', async () => {
    await expect(judgeSamples(dir, { data: new Float32Array(2 * 28 * 28), shape: [2, 28, 28, 1] })).rejects.toThrow(/\[2, 28, 28, 1\].*takes \[N, 32, 32, 1\]/);
    await expect(judgeSamples(dir, new Float32Array(1000))).rejects.toThrow(UsageError);
    await expect(judgeSamples(dir, new Float32Array(1024).fill(255))).rejects.toThrow(/outside \[-1.5, 1.5\].*\[-1, 1\]/);
    await expect(judgeSamples(dir, images.subarray(0, 2048), [1])).rejects.toThrow(/'expectedLabels' has 1 entries for 2 images/);
  });

  it('refuses a folder whose model.onnx no longer matches the manifest sha256', async () => {
    const copy = join(root, 'tampered');
    cpSync(dir, copy, { recursive: true });
    writeFileSync(join(copy, 'model.onnx'), new Uint8Array([8, 8, 8]));
    await expect(judgeSamples(copy, images.subarray(0, 1024))).rejects.toThrow(DataError);
    await expect(judgeSamples(copy, images.subarray(0, 1024))).rejects.toThrow(/sha256/);
  });

  it('trainClassifier rejects unknown data with a UsageError listing the choices', async () => {
    await expect(trainClassifier({ data: 'cifar' as 'mnist', steps: 1 })).rejects.toThrow(/unknown classifier data 'cifar'; use one of mnist, shapes/);
  });
});
