// Progressive distillation with guidance distilled in: the target math (trainer/distill/progressive-target.ts), the
// student's guidance-scale input (U-Net, ONNX parity), weights read back from an exported file, one CLI stage from the
// shipped mnist-ddim teacher, and the SDK's rules for a student (supported steps, DDIM only, guidance range).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerator, InvalidInputError, ManifestError, validateManifest } from '../sdk/node.js';
import { DDIMScheduler } from '../sdk/schedulers/ddim.js';
import { alphaSigma, ddimStep, distillGrid, predictX0, studentVTarget } from '../trainer/distill/progressive-target.js';
import { DataError } from '../trainer/errors/data-error.js';
import { loadOnnxWeights } from '../trainer/export/load-onnx-weights.js';
import { checkParity } from '../trainer/export/parity.js';
import { UNet, type UNetConfig } from '../trainer/models/unet.js';
import { runCli } from './helpers/run-cli.js';
import { perturbVariables, randomTensor } from './nn-helpers.js';

const SMALL: UNetConfig = { imageSize: 8, inChannels: 1, baseChannels: 8, channelMults: [1, 2], numResBlocks: 1, attentionResolutions: [4], numHeads: 2, groups: 4, numClasses: 3 };

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'webgen-distill-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('progressive distillation target', () => {
  it('the N-step trailing grid is every other timestep of the 2N-step one, ending at the clean end', () => {
    const g = distillGrid(4, 1000);
    expect([...g.student]).toEqual([999, 749, 499, 249]);
    expect([...g.teacher]).toEqual([999, 874, 749, 624, 499, 374, 249, 124]);
    expect(g.triple(0)).toEqual([999, 874, 749]);
    expect(g.triple(3)).toEqual([249, 124, -1]);
    expect([...distillGrid(1, 1000).student]).toEqual([999]);
  });

  it('a teacher that knows x0 gives the true v as the target, at inner steps and into t = −1', () => {
    const alphas = new DDIMScheduler({ predictionType: 'v_prediction' }).alphasCumprod;
    const per = 3;
    const x = Float32Array.from([0.5, -0.25, 0.9, -0.7, 0.1, 0.3]); // two rows
    const eps = Float32Array.from([1.2, -0.4, 0.3, 0.8, -1.5, 0.05]);
    for (const [t, t1, t2] of [[999, 874, 749], [249, 124, -1]] as const) {
      const a0 = [alphaSigma(alphas, t), alphaSigma(alphas, t)];
      const a1 = [alphaSigma(alphas, t1), alphaSigma(alphas, t1)];
      const a2 = [alphaSigma(alphas, t2), alphaSigma(alphas, t2)];
      const z = Float32Array.from(x, (xi, i) => a0[0]![0] * xi + a0[0]![1] * eps[i]!);
      const z1 = ddimStep(z, x, a0, a1, per);
      const z2 = ddimStep(z1, x, a1, a2, per);
      const v = studentVTarget(z, z2, a0, a2, per);
      const [a, s] = a0[0]!;
      for (let i = 0; i < x.length; i++) expect(v[i]).toBeCloseTo(a * eps[i]! - s * x[i]!, 4); // v = α ε − σ x
      // and predictX0 of that v recovers x
      const back = predictX0(z, v, a0, per);
      for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i]!, 4);
    }
  });

  it('predictX0 clips to [-1, 1] for a pixel teacher and keeps a latent teacher\'s values (schedule.clipSample false)', () => {
    const ab: [number, number][] = [[0.6, 0.8]];
    const z = Float32Array.from([2.5, -3, 0.5]);
    const v = Float32Array.from([0, 0, 0]);
    // x̂ = α z − σ v = 1.5, −1.8, 0.3
    expect([...predictX0(z, v, ab, 3)].map((x) => +x.toFixed(4))).toEqual([1, -1, 0.3]);
    expect([...predictX0(z, v, ab, 3, false)].map((x) => +x.toFixed(4))).toEqual([1.5, -1.8, 0.3]);
  });

  it('refuses a grid that is not nested (10 of 20 over 999 timesteps: rounding breaks it; 3 of 6 over 1000 is fine)', () => {
    expect(() => distillGrid(3, 1000)).not.toThrow();
    expect(() => distillGrid(10, 999)).toThrow(/does not contain/);
  });
});

describe('U-Net with a guidance-scale input', () => {
  it('starts as the model without it (zero last layer), depends on w once trained, and matches its ONNX export', async () => {
    const base = new UNet(SMALL, 1);
    perturbVariables(base, 2);
    const file = join(dir, 'teacher.onnx');
    await writeFile(file, base.toOnnx());
    const student = new UNet({ ...SMALL, guidanceInput: true }, 5);
    const fresh = await loadOnnxWeights(student, file, { allowMissing: (p) => p.startsWith('guidance_') });
    expect(fresh.sort()).toEqual(['guidance_mlp1.bias', 'guidance_mlp1.kernel', 'guidance_mlp2.bias', 'guidance_mlp2.kernel']);
    const x = randomTensor([2, 8, 8, 1], 3) as tf.Tensor4D;
    const t = tf.tensor1d([10, 900]);
    const labels = tf.tensor1d([1, 3], 'int32');
    const ref = base.apply(x, t, { classLabels: labels });
    const w1 = student.apply(x, t, { classLabels: labels, guidanceScale: tf.tensor1d([1, 1]) });
    expect(tf.max(tf.abs(tf.sub(ref, w1))).dataSync()[0]).toBeLessThan(1e-5);
    perturbVariables(student.guidanceMlp2!, 9);
    const wa = student.apply(x, t, { classLabels: labels, guidanceScale: tf.tensor1d([1, 1]) });
    const wb = student.apply(x, t, { classLabels: labels, guidanceScale: tf.tensor1d([3, 3]) });
    expect(tf.max(tf.abs(tf.sub(wa, wb))).dataSync()[0]).toBeGreaterThan(1e-3);
    expect(() => student.apply(x, t, { classLabels: labels })).toThrow(/guidanceScale/);
    const nchw = (v: tf.Tensor) => ({ data: Float32Array.from(tf.transpose(v, [0, 3, 1, 2]).dataSync()), dims: [2, 1, 8, 8] });
    const r = await checkParity(student.toOnnx(), {
      sample: nchw(x),
      timestep: { data: Float32Array.from([10, 900]), dims: [2] },
      class_labels: { data: BigInt64Array.from([1n, 3n]), dims: [2] },
      guidance_scale: { data: Float32Array.from([3, 3]), dims: [2] },
    }, { model_output: nchw(wb) }, { tolerance: 1e-4 });
    expect(r.problems).toEqual([]);
  });

  it('loadOnnxWeights restores every weight exactly and names a missing one', async () => {
    const a = new UNet(SMALL, 1);
    perturbVariables(a, 4);
    const file = join(dir, 'a.onnx');
    await writeFile(file, a.toOnnx());
    const b = new UNet(SMALL, 7);
    expect(await loadOnnxWeights(b, file)).toEqual([]);
    for (const [name, v] of a.namedVariables()) expect(b.namedVariables().get(name)!.dataSync()).toEqual(v.dataSync());
    const s = new UNet({ ...SMALL, guidanceInput: true }, 0);
    await expect(loadOnnxWeights(s, file)).rejects.toThrow(DataError);
    await expect(loadOnnxWeights(s, file)).rejects.toThrow(/has no weight 'guidance_mlp1\.kernel'/);
  });
});

describe('webgen-train distill refuses bad input with the flag and the fix', () => {
  it('a step count that is not a power of two, an unknown flag, a teacher that is not a class-conditional diffusion model', async () => {
    const three = await runCli(['distill', '--student-steps', '3', '--out', join(dir, 'bad')]);
    expect(three.code).toBe(2);
    expect(three.stderr).toMatch(/--student-steps must be a power of two \(1, 2, 4, 8, …\), got 3/);
    const typo = await runCli(['distill', '--stepz', '3']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Unknown option '--stepz'.*See webgen-train distill --help/);
    const judge = await runCli(['distill', '--teacher', 'models/mnist-classifier', '--out', join(dir, 'bad2'), '--threads', '1']);
    expect(judge.code).toBe(2);
    expect(judge.stderr).toMatch(/--teacher models\/mnist-classifier is a classifier, not a diffusion U-Net or a latent diffusion model/);
    const text = await runCli(['distill', '--teacher', 'models/shapes-t2i', '--out', join(dir, 'bad3'), '--threads', '1']);
    expect(text.stderr).toMatch(/is a pixel text-to-image model; distillation takes class-conditional teachers and latent text-to-image ones/);
  }, 60_000);
});

describe('webgen-train distill, one short stage from the shipped teacher, and the SDK on its student', () => {
  let model: string;
  beforeAll(async () => {
    model = join(dir, 'student');
    const r = await runCli(['distill', '--teacher', 'models/mnist-ddim', '--student-steps', '2', '--steps', '2', '--batch-size', '2', '--threads', '1', '--out', join(dir, 'run'), '--export', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/teacher: models\/mnist-ddim \(mnist-ddim\), 4 DDIM steps; student: 2 steps \[999, 499\]/);
    expect(r.stderr).toMatch(/exported .*parity max abs error/);
    expect(r.stdout).toMatch(/done: 2-step student, 2 steps/);
  }, 120_000);

  it('writes a manifest with the supported steps, the guidance range, trailing spacing and the lineage', async () => {
    const m = validateManifest(JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')));
    expect(m.sampling).toMatchObject({ steps: 2, supportedSteps: [2], guidanceRange: [1, 3] });
    expect(m.schedule!.timestepSpacing).toBe('trailing');
    expect(m.distillation).toMatchObject({ method: 'progressive', teacher: 'mnist-ddim', teacherSteps: 4, teacherGuidanceInterval: [0.7, 1] });
    expect(m.distillation!.stages).toHaveLength(1);
    expect(m.files.unet!.inputs.map((i) => i.name)).toContain('guidance_scale');
    expect(JSON.stringify(m)).not.toMatch(/\/tmp\/|\/root\//);
  });

  it('samples at its step count and refuses others, other schedulers, scales outside its range and an interval', async () => {
    const g = await createGenerator({ model, threads: 1 });
    try {
      const [img] = await g.sample({ classLabel: 3, batch: 1, seed: 1 });
      expect(img!.timings.steps).toBe(2);
      const bad = async (o: Record<string, unknown>) => g.sample({ classLabel: 3, ...o }).then(() => undefined, (e: unknown) => e as InvalidInputError);
      const steps = await bad({ steps: 4 });
      expect(steps).toBeInstanceOf(InvalidInputError);
      expect(steps!.message).toMatch(/^'steps' must be 2: model 'student' is a distilled student/);
      expect((await bad({ scheduler: 'dpm-solver++' }))!.message).toMatch(/'scheduler' must be 'ddim'/);
      expect((await bad({ guidanceScale: 4 }))!.message).toMatch(/'guidanceScale' must be in \[1, 3\]/);
      expect((await bad({ guidanceInterval: [0, 1] }))!.message).toMatch(/'guidanceInterval' is not accepted/);
    } finally {
      await g.dispose();
    }
  });

  it('a manifest with supportedSteps that exclude its steps, or a bad guidanceRange, is a ManifestError', async () => {
    const m = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8'));
    expect(() => validateManifest({ ...m, sampling: { ...m.sampling, steps: 3 } })).toThrow(ManifestError);
    expect(() => validateManifest({ ...m, sampling: { ...m.sampling, supportedSteps: [0] } })).toThrow(/sampling\.supportedSteps/);
    expect(() => validateManifest({ ...m, sampling: { ...m.sampling, guidanceRange: [3, 1] } })).toThrow(/sampling\.guidanceRange/);
    expect(() => validateManifest({ ...m, schedule: { ...m.schedule, timestepSpacing: 'sideways' } })).toThrow(/timestepSpacing/);
  });
});
