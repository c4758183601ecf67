/**
 * `webgen import` of a diffusers-style pixel U-Net (tests/fixtures/import/make-fixtures.py: PyTorch → torch.onnx.export,
 * output out_sample, diffusers' scheduler_config.json), sampled through the SDK's Node entry and compared with the
 * plain-PyTorch DDIM reference the script recorded; and the imports it refuses, each naming the file and the field.
 *
 * pixel-sd: Stable Diffusion's scheduler settings (scaled_linear, epsilon, leading + steps_offset 1,
 * set_alpha_to_one false, clip_sample false), a float32 timestep; its x_T is webgen's Rng(7), so the public `seed`
 * reproduces PyTorch's start. pixel: squaredcos_cap_v2, v_prediction, trailing, clip_sample, an int64 timestep;
 * its x_T is torch.randn, passed as sample({ initialNoise }).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenerator, Rng } from '../sdk/node.js';
import { encodeOnnxModel, readOnnxModel } from '../trainer/export/onnx-proto.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { startCli, WEBGEN_CLI } from './helpers/run-cli.js';

const FIXTURES = 'tests/fixtures/import';
const tmp = mkdtempSync(join(tmpdir(), 'webgen-import-diffusers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const webgen = (args: string[]) => startCli(args, WEBGEN_CLI).done;

interface Reference {
  shape: number[];
  seed?: number;
  noise: number[];
  runs: { steps: number; guidanceScale: number; classLabels: number[]; nullClass: number; sample: number[] }[];
}
const reference = (name: string): Reference => JSON.parse(readFileSync(join(FIXTURES, name, 'reference.json'), 'utf8'));

/** max |a − b| and max |b| over the arrays. */
function compare(a: Float32Array, b: readonly number[]): { maxAbs: number; scale: number } {
  expect(a.length).toBe(b.length);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return { maxAbs, scale };
}

/** Both halves of the batch, concatenated [B, C, H, W], as the SDK drew them in model space. */
function values(images: { values?: Float32Array }[]): Float32Array {
  return Float32Array.from(images.flatMap((im) => Array.from(im.values!)));
}

// ORT's and PyTorch's float32 convolutions sum in different orders; with clip_sample off, ten DDIM steps divide by
// √ᾱ_t and carry that rounding through samples up to ~38 in magnitude. Measured: 7.6e-6 at scale 38 (pixel-sd),
// ≤ 1.1e-6 at scale 1 (pixel). The tolerance is relative to the largest reference value, 1e-5 (about 50× the
// measurement); a wrong ᾱ (here: the final ᾱ of set_alpha_to_one) moves the samples ~1000× further (the control).
const RELATIVE_TOLERANCE = 1e-5;

describe('webgen import (diffusers pixel U-Net)', () => {
  it('imports pixel-sd and the SDK samples it as the PyTorch DDIM reference does, from the same seed', async () => {
    const out = join(tmp, 'pixel-sd');
    const r = await webgen(['import', '--unet', join(FIXTURES, 'pixel-sd/unet/model.onnx'), '--scheduler-config', join(FIXTURES, 'pixel-sd/scheduler/scheduler_config.json'), '--classes', 'a,b,c,d', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported pixel-sd \(diffusion-unet, 1x16x16, scaled_linear epsilon\)/);

    const m = await verifyModelFolder(out);
    expect(m.schedule).toMatchObject({ kind: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, trainSteps: 1000, predictionType: 'epsilon', timestepSpacing: 'leading', stepsOffset: 1, setAlphaToOne: false, clipSample: false });
    expect(m.files.unet!.tensorNames).toEqual({ model_output: 'out_sample' });
    expect(m.files.unet!.inputs.find((s) => s.name === 'timestep')).toEqual({ name: 'timestep', dtype: 'float32', shape: ['batch'] });
    expect(m.conditioning).toEqual({ classes: ['a', 'b', 'c', 'd'], nullClass: 4 });

    const ref = reference('pixel-sd');
    const run = ref.runs[0]!;
    // The SDK's x_T for `seed` is Rng(seed).normalArray(B·C·H·W), which the fixture script ported to draw PyTorch's.
    expect(Array.from(new Rng(ref.seed!).normalArray(ref.noise.length))).toEqual(ref.noise.map((v) => Math.fround(v)));

    const g = await createGenerator({ model: out, threads: 1 });
    try {
      const images = await g.sample({ batch: 2, classLabel: run.classLabels, seed: ref.seed!, steps: run.steps, scheduler: 'ddim', eta: 0, guidanceScale: run.guidanceScale });
      const { maxAbs, scale } = compare(values(images), run.sample);
      console.log(`pixel-sd: max |webgen − PyTorch| = ${maxAbs.toExponential(2)} (samples up to ${scale.toFixed(1)})`);
      expect(scale).toBeGreaterThan(1);
      expect(maxAbs).toBeLessThan(RELATIVE_TOLERANCE * scale);

      // Control: the default set_alpha_to_one (final ᾱ = 1) would move the result far past the tolerance.
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      manifest.schedule.setAlphaToOne = true;
      const other = await createGenerator({ model: out, manifest, threads: 1 });
      try {
        const wrong = await other.sample({ batch: 2, classLabel: run.classLabels, seed: ref.seed!, steps: run.steps, scheduler: 'ddim', eta: 0, guidanceScale: 1 });
        expect(compare(values(wrong), run.sample).maxAbs).toBeGreaterThan(100 * RELATIVE_TOLERANCE * scale);
      } finally {
        await other.dispose();
      }
    } finally {
      await g.dispose();
    }
  }, 120_000);

  it('samples a U-Net with a scalar (rank-0) timestep as its [batch] twin, also under guidance', async () => {
    const out = join(tmp, 'pixel-sd-scalar');
    const r = await webgen(['import', '--unet', join(FIXTURES, 'pixel-sd/unet-scalar-timestep/model.onnx'), '--scheduler-config', join(FIXTURES, 'pixel-sd/scheduler/scheduler_config.json'), '--classes', 'a,b,c,d', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = await verifyModelFolder(out);
    expect(m.files.unet!.inputs.find((s) => s.name === 'timestep')!.shape).toEqual([]);
    const ref = reference('pixel-sd');
    const run = ref.runs[0]!;
    const g = await createGenerator({ model: out, threads: 1 });
    try {
      const images = await g.sample({ batch: 2, classLabel: run.classLabels, seed: ref.seed!, steps: run.steps, scheduler: 'ddim', eta: 0, guidanceScale: 1 });
      const { maxAbs, scale } = compare(values(images), run.sample);
      expect(maxAbs).toBeLessThan(RELATIVE_TOLERANCE * scale);
      // guided: the network batch is [cond; uncond] (4 rows) with the one timestep; it runs, and guidance changes the result
      const guided = await g.sample({ batch: 2, classLabel: run.classLabels, seed: ref.seed!, steps: run.steps, scheduler: 'ddim', eta: 0, guidanceScale: 3 });
      expect(compare(values(guided), run.sample).maxAbs).toBeGreaterThan(100 * RELATIVE_TOLERANCE * scale);
    } finally {
      await g.dispose();
    }
  }, 120_000);

  it('imports pixel (cosine, v_prediction, trailing, clipped, int64 timestep) and matches PyTorch from its noise', async () => {
    const out = join(tmp, 'pixel');
    const r = await webgen(['import', '--unet', join(FIXTURES, 'pixel/unet/model.onnx'), '--scheduler-config', join(FIXTURES, 'pixel/scheduler/scheduler_config.json'), '--classes', 'a,b,c', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = await verifyModelFolder(out);
    expect(m.schedule).toMatchObject({ kind: 'cosine', predictionType: 'v', timestepSpacing: 'trailing', clipSample: true, setAlphaToOne: false });
    expect(m.files.unet!.inputs.find((s) => s.name === 'timestep')!.dtype).toBe('int64');

    const ref = reference('pixel');
    const g = await createGenerator({ model: out, threads: 1 });
    try {
      for (const run of ref.runs) {
        const images = await g.sample({ batch: 2, classLabel: run.classLabels, initialNoise: Float32Array.from(ref.noise), steps: run.steps, scheduler: 'ddim', eta: 0, guidanceScale: run.guidanceScale });
        const { maxAbs, scale } = compare(values(images), run.sample);
        console.log(`pixel, guidance ${run.guidanceScale}: max |webgen − PyTorch| = ${maxAbs.toExponential(2)} (samples up to ${scale.toFixed(2)})`);
        expect(maxAbs).toBeLessThan(RELATIVE_TOLERANCE * Math.max(1, scale));
      }
    } finally {
      await g.dispose();
    }
  }, 120_000);
});

describe('webgen import refuses what it cannot bring in', () => {
  const unet = join(FIXTURES, 'pixel-sd/unet/model.onnx');
  const config = JSON.parse(readFileSync(join(FIXTURES, 'pixel-sd/scheduler/scheduler_config.json'), 'utf8'));
  const writeConfig = (name: string, patch: Record<string, unknown>) => {
    const path = join(tmp, `${name}.json`);
    writeFileSync(path, JSON.stringify({ ...config, ...patch }));
    return path;
  };
  /** The pixel-sd U-Net with its graph's declared inputs or outputs edited. */
  const editedUnet = (name: string, edit: (g: NonNullable<ReturnType<typeof readOnnxModel>['graph']>) => void) => {
    const model = readOnnxModel(new Uint8Array(readFileSync(unet)));
    edit(model.graph!);
    const path = join(tmp, `${name}.onnx`);
    writeFileSync(path, encodeOnnxModel(model));
    return path;
  };
  const refused = async (args: string[], pattern: RegExp) => {
    const out = join(tmp, `refused-${Math.random().toString(36).slice(2)}`);
    const r = await webgen(['import', ...args, '--out', out]);
    expect(r.code, r.stdout).toBe(1); // ImportError: a file at fault, not the command line
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    // nothing written: a folder with a manifest.json is always complete
    expect(() => readFileSync(join(out, 'manifest.json'))).toThrow();
  };

  it('an unsupported beta_schedule or prediction_type, naming the file and the field', async () => {
    const sigmoid = writeConfig('sigmoid', { beta_schedule: 'sigmoid' });
    await refused(['--unet', unet, '--scheduler-config', sigmoid, '--classes', 'a,b,c,d'], new RegExp(`${sigmoid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 'beta_schedule' is "sigmoid"; webgen supports "linear", "scaled_linear", "squaredcos_cap_v2"`));
    const x0 = writeConfig('x0', { prediction_type: 'x0' });
    await refused(['--unet', unet, '--scheduler-config', x0, '--classes', 'a,b,c,d'], /x0\.json: 'prediction_type' is "x0"; webgen supports "epsilon", "v_prediction", "sample"/);
    const offset = writeConfig('offset', { steps_offset: 1000 });
    await refused(['--unet', unet, '--scheduler-config', offset, '--classes', 'a,b,c,d'], /offset\.json: 'steps_offset' .*\[0, 999\]/);
  }, 60_000);

  it('a U-Net without a sample input or without out_sample, and a sample shape that disagrees', async () => {
    const cfg = join(FIXTURES, 'pixel-sd/scheduler/scheduler_config.json');
    const noSample = editedUnet('no-sample', (g) => (g.input!.find((v) => v.name === 'sample')!.name = 'x'));
    await refused(['--unet', noSample, '--scheduler-config', cfg, '--classes', 'a,b,c,d'], /no-sample\.onnx: 'inputs\.sample' is missing \(the file's inputs: x, timestep, class_labels\)/);
    const twoOutputs = editedUnet('two-outputs', (g) => {
      g.output = [{ ...g.output![0]!, name: 'eps' }, { ...g.output![0]!, name: 'extra' }];
    });
    await refused(['--unet', twoOutputs, '--scheduler-config', cfg, '--classes', 'a,b,c,d'], /two-outputs\.onnx: 'outputs' are eps, extra; webgen needs one output, or one named out_sample/);
    await refused(['--unet', unet, '--scheduler-config', cfg, '--classes', 'a,b,c,d', '--sample-shape', '3,16,16'], /model\.onnx: 'inputs\.sample\.shape' is \["batch",1,16,16\], which does not match --sample-shape 3,16,16/);
  }, 60_000);

  it('classes or a null class past the U-Net\'s class embedding (5 rows), which would fail inside onnxruntime when sampling', async () => {
    const cfg = join(FIXTURES, 'pixel-sd/scheduler/scheduler_config.json');
    await refused(['--unet', unet, '--scheduler-config', cfg, '--classes', 'a,b,c,d,e'], /model\.onnx: 'inputs\.class_labels' indexes a class embedding of 5 rows, so the null class 5 .* is out of range; pass --null-class N with N < 5/);
    await refused(['--unet', unet, '--scheduler-config', cfg, '--classes', 'a,b,c,d,e,f', '--null-class', '0'], /'inputs\.class_labels' indexes a class embedding of 5 rows, but 6 classes were given; pass at most 5 names to --classes/);
    // all five rows as classes, one of them the null class: imported, and an unconditioned draw runs
    const out = join(tmp, 'five-classes');
    const r = await webgen(['import', '--unet', unet, '--scheduler-config', cfg, '--classes', 'a,b,c,d,none', '--null-class', '4', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const g = await createGenerator({ model: out, threads: 1 });
    try {
      const [image] = await g.sample({ steps: 2, seed: 1 });
      expect(image!.values!.every(Number.isFinite)).toBe(true);
    } finally {
      await g.dispose();
    }
  }, 60_000);

  it("a U-Net config.json whose in_channels, sample_size or out_channels disagree with the ONNX file", async () => {
    const cfg = join(FIXTURES, 'pixel-sd/scheduler/scheduler_config.json');
    const unetConfig = JSON.parse(readFileSync(join(FIXTURES, 'pixel-sd/unet/config.json'), 'utf8'));
    const configWith = (name: string, patch: Record<string, unknown>) => {
      const path = join(tmp, `${name}-config.json`);
      writeFileSync(path, JSON.stringify({ ...unetConfig, ...patch }));
      return path;
    };
    await refused(['--unet', unet, '--unet-config', configWith('rgb', { in_channels: 3 }), '--scheduler-config', cfg, '--classes', 'a,b,c,d'], /rgb-config\.json: 'in_channels' is 3, but .*model\.onnx declares sample \["batch",1,16,16\]/);
    await refused(['--unet', unet, '--unet-config', configWith('big', { sample_size: [32, 16] }), '--scheduler-config', cfg, '--classes', 'a,b,c,d'], /big-config\.json: 'sample_size' is \[32,16\], but/);
    await refused(['--unet', unet, '--unet-config', configWith('variance', { out_channels: 2 }), '--scheduler-config', cfg, '--classes', 'a,b,c,d'], /variance-config\.json: 'out_channels' is 2 for in_channels 1: .*learned variance/);
    await refused(['--unet', unet, '--unet-config', configWith('broken', { sample_size: 'sixteen' }), '--scheduler-config', cfg, '--classes', 'a,b,c,d'], /broken-config\.json: 'sample_size' is "sixteen", not a positive integer/);
  }, 60_000);

  it('a U-Net config.json fills the sizes an Optimum-style export leaves symbolic', async () => {
    // pixel-sd with its declared sample height and width made symbolic, as Optimum exports them
    const symbolic = editedUnet('symbolic', (g) => {
      const dims = g.input!.find((v) => v.name === 'sample')!.type!.tensor_type!.shape!.dim!;
      dims[2] = { dim_param: 'height' };
      dims[3] = { dim_param: 'width' };
    });
    const cfg = join(FIXTURES, 'pixel-sd/scheduler/scheduler_config.json');
    await refused(['--unet', symbolic, '--scheduler-config', cfg, '--classes', 'a,b,c,d'], /'inputs\.sample\.shape' is \["batch",1,"height","width"\]: its channels, height and width are symbolic; pass --sample-shape/);
    const out = join(tmp, 'symbolic-imported');
    const r = await webgen(['import', '--unet', symbolic, '--unet-config', join(FIXTURES, 'pixel-sd/unet/config.json'), '--scheduler-config', cfg, '--classes', 'a,b,c,d', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((await verifyModelFolder(out)).image).toMatchObject({ channels: 1, height: 16, width: 16 });
  }, 60_000);

  it('a class-conditional U-Net without --classes', async () => {
    await refused(['--unet', unet, '--scheduler-config', join(FIXTURES, 'pixel-sd/scheduler/scheduler_config.json')], /'inputs\.class_labels' is an input, but no class names were given; pass --classes/);
  }, 60_000);
});
