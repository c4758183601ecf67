// `webgen import` of PyTorch models: the fixtures (tests/fixtures/import/make-fixtures.py: two small U-Nets exported
// with torch.onnx.export, DDIM references computed in plain PyTorch) are imported by the CLI and sampled by the SDK
// in Node from PyTorch's initial noise; the images must match PyTorch's.
//
// Tolerance 1e-3 (max abs, on values in about [−1, 1]): both sides run the same ONNX graph's float32 arithmetic
// (PyTorch vs onnxruntime kernels differ by ~1e-6 per network call) and the same DDIM coefficients (float64 on both
// sides); 10 steps with guidance ×3–4 amplify the per-call differences to ~1e-5 (measured: 3e-7 … 1.2e-5). A wrong
// config moves samples far more (measured by editing an imported manifest: steps_offset 0 instead of 1 → 0.24,
// set_alpha_to_one true → 0.18, linear instead of scaled_linear betas → 1.6, leading instead of trailing → 0.19,
// epsilon instead of v_prediction → 2.0), so 1e-3 separates right from wrong by two orders of magnitude either way.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerator, InvalidInputError, type Generator } from '../sdk/node.js';
import { importFixture, maxAbsDiff, readReference } from './helpers/import-fixtures.js';

const TOLERANCE = 1e-3;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'webgen-import-'));
  await importFixture('pixel', join(dir, 'pixel'));
  await importFixture('latent', join(dir, 'latent'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('webgen import of a class-conditional pixel U-Net (squaredcos_cap_v2, v_prediction, trailing, set_alpha_to_one false)', () => {
  let gen: Generator;
  beforeAll(async () => {
    gen = await createGenerator({ model: join(dir, 'pixel') });
  });
  afterAll(() => gen?.dispose());

  it('writes a manifest with the mapped schedule, tensor names and classes', () => {
    const m = JSON.parse(readFileSync(join(dir, 'pixel', 'manifest.json'), 'utf8'));
    expect(m.kind).toBe('diffusion-unet');
    expect(m.schedule).toMatchObject({ kind: 'cosine', predictionType: 'v', timestepSpacing: 'trailing', setAlphaToOne: false, clipSample: true, stepsOffset: 0 });
    expect(m.files.unet.tensorNames).toEqual({ model_output: 'out_sample' });
    expect(m.files.unet.inputs.find((s: { name: string }) => s.name === 'timestep').dtype).toBe('int64');
    expect(m.conditioning).toEqual({ classes: ['zero', 'one', 'two'], nullClass: 3 });
    expect(m.files.unet.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  const ref = readReference('pixel');
  for (const run of ref.runs) {
    it(`matches PyTorch's DDIM, ${run.steps} steps, guidance ${run.guidanceScale}`, async () => {
      const images = await gen.sample({ batch: ref.shape[0], classLabel: run.classLabels, steps: run.steps, guidanceScale: run.guidanceScale, initialNoise: Float32Array.from(ref.noise) });
      const values = Float32Array.from(images.flatMap((im) => Array.from(im.values!)));
      const diff = maxAbsDiff(values, run.sample);
      console.log(`pixel, ${run.steps} steps, guidance ${run.guidanceScale}: max abs diff vs PyTorch ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('refuses initialNoise of the wrong length, type or values, naming the option', async () => {
    const n = ref.noise.length;
    await expect(gen.sample({ batch: 2, initialNoise: new Float32Array(n - 1) })).rejects.toThrow(InvalidInputError);
    await expect(gen.sample({ batch: 2, initialNoise: new Float32Array(n - 1) })).rejects.toThrow(`'initialNoise' must have ${n} values`);
    await expect(gen.sample({ batch: 2, initialNoise: Array.from(ref.noise) as unknown as Float32Array })).rejects.toThrow(/'initialNoise' must be a Float32Array/);
    const nan = Float32Array.from(ref.noise);
    nan[5] = Number.NaN;
    await expect(gen.sample({ batch: 2, initialNoise: nan })).rejects.toThrow(/'initialNoise\[5\]' must be a finite number/);
  });

  it('draws from initialNoise, not the seed: two seeds, one noise, one image', async () => {
    const noise = Float32Array.from(ref.noise);
    const [a] = await gen.sample({ batch: 2, steps: 2, seed: 1, initialNoise: noise });
    const [b] = await gen.sample({ batch: 2, steps: 2, seed: 2, initialNoise: noise });
    const [c] = await gen.sample({ batch: 2, steps: 2, seed: 2 });
    expect(maxAbsDiff(a!.values!, b!.values!)).toBe(0);
    expect(maxAbsDiff(a!.values!, c!.values!)).toBeGreaterThan(0.01);
  });
});

describe('webgen import of a cross-attention latent U-Net + VAE decoder + word text encoder (scaled_linear, epsilon, leading, steps_offset 1)', () => {
  let gen: Generator;
  beforeAll(async () => {
    gen = await createGenerator({ model: join(dir, 'latent') });
  });
  afterAll(() => gen?.dispose());

  it('writes a latent-diffusion manifest with the VAE names mapped and the scaling factor of vae_decoder/config.json', () => {
    const m = JSON.parse(readFileSync(join(dir, 'latent', 'manifest.json'), 'utf8'));
    expect(m.kind).toBe('latent-diffusion');
    expect(m.schedule).toMatchObject({ kind: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, predictionType: 'epsilon', timestepSpacing: 'leading', stepsOffset: 1, setAlphaToOne: false, clipSample: false });
    expect(m.files.decoder.tensorNames).toEqual({ latent: 'latent_sample', image: 'sample' });
    expect(m.latentDiffusion).toMatchObject({ latentShape: [4, 8, 8], scalingFactor: 0.18215 });
    expect(m.conditioning.tokenizer).toMatchObject({ kind: 'word', maxLength: 6, padId: 0, unknownId: 1 });
  });

  const ref = readReference('latent');
  for (const run of ref.runs) {
    it(`matches PyTorch's DDIM + decoder, ${run.steps} steps, guidance ${run.guidanceScale}, prompt "${run.prompt}"`, async () => {
      const [image] = await gen.sample({ prompt: run.prompt!, steps: run.steps, guidanceScale: run.guidanceScale, initialNoise: Float32Array.from(ref.noise) });
      const diff = maxAbsDiff(image!.values!, run.sample);
      console.log(`latent, ${run.steps} steps, guidance ${run.guidanceScale}: max abs diff vs PyTorch ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
