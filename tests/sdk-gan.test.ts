// GAN sampling in the SDK (createGan) on onnxruntime-node: tiny random-weight DCGAN and ViTGAN generators exported by
// the trainer (scripts/e2e/gan-fixtures.ts). Shapes, seeds, parity with the trainer's tfjs generator, and bad input.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToRgba } from '../sdk/image/pixels.js';
import { AbortError, createGan, createGenerator, InvalidInputError, ManifestError, ModelLoadError, Rng, slerp, type Gan } from '../sdk/node.js';
import { ganFixtureGenerator, ganFixtureModel } from '../scripts/e2e/gan-fixtures.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let dcganDir: string;
let vitganDir: string;
let dcgan: Gan;
let vitgan: Gan;
const scratch = mkdtempSync(join(tmpdir(), 'webgen-sdk-gan-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
  dcganDir = await ganFixtureModel('gan-dcgan');
  vitganDir = await ganFixtureModel('gan-vitgan');
  dcgan = await createGan({ model: dcganDir });
  vitgan = await createGan({ model: vitganDir });
}, 240_000);

afterAll(async () => {
  await dcgan?.dispose();
  await vitgan?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const distinct = (data: ArrayLike<number>) => new Set(Array.from({ length: data.length / 4 }, (_, p) => data[p * 4]!)).size;

/** The trainer's generator on the same latents and labels, as RGBA bytes (NHWC → NCHW → the SDK's pixel mapping). */
async function trainerImages(name: 'gan-dcgan' | 'gan-vitgan', z: Float32Array, labels?: number[]): Promise<Uint8ClampedArray[]> {
  const G = await ganFixtureGenerator(name);
  const B = z.length / G.zDim;
  const x = tf.tidy(() => {
    const y = G.apply(tf.tensor2d(z, [B, G.zDim]), labels ? tf.tensor1d(labels, 'int32') : undefined);
    return Float32Array.from(y.transpose([0, 3, 1, 2]).dataSync() as Float32Array);
  });
  return Array.from({ length: B }, (_, i) => modelToRgba(x, i, G.channels, G.imageSize, G.imageSize, [-1, 1]));
}

describe('createGan (Node)', () => {
  it('loads a conditional and an unconditional generator, reporting progress, backend, latent size and classes', async () => {
    const events: string[] = [];
    const g = await createGan({ model: join(dcganDir, 'manifest.json'), onProgress: (e) => events.push(e.status) });
    expect(g.backend).toBe('cpu');
    expect(g.manifest.kind).toBe('gan-generator');
    expect(g.latentDim).toBe(8);
    expect(g.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(events[0]).toBe('download');
    expect(events.at(-1)).toBe('ready');
    await g.dispose();
    await g.dispose(); // idempotent
    await expect(g.generate()).rejects.toThrow(ModelLoadError);
    expect(vitgan.latentDim).toBe(8);
    expect(vitgan.classes).toBeUndefined();
  });

  it('generate: one RGBA image per latent, of the model size, non-blank, with the seed and one pass', async () => {
    for (const gan of [dcgan, vitgan]) {
      const images = await gan.generate({ count: 3, seed: 1 });
      expect(images).toHaveLength(3);
      for (const img of images) {
        expect([img.width, img.height, img.data.length]).toEqual([16, 16, 16 * 16 * 4]);
        expect(img.seed).toBe(1);
        expect(img.timings.steps).toBe(1);
        expect(distinct(img.data)).toBeGreaterThan(8);
        expect(Array.from({ length: 256 }, (_, p) => img.data[p * 4 + 3]).every((a) => a === 255)).toBe(true);
        // The generator's own output [C, H, W] in [-1, 1] (tanh), which rounds to those pixels.
        const C = gan.manifest.image.channels;
        expect(img.values!.length).toBe(C * 16 * 16);
        expect(modelToRgba(img.values!, 0, C, 16, 16, gan.manifest.image.range)).toEqual(img.data);
      }
      expect(maxDiff(images[0]!.data, images[1]!.data)).toBeGreaterThan(0);
      expect(await gan.generate()).toHaveLength(1); // count defaults to 1
    }
  });

  it('the same seed gives the same images; latents default to the seed’s standard normals (the SDK’s Rng)', async () => {
    const a = await vitgan.generate({ count: 2, seed: 7 });
    const b = await vitgan.generate({ count: 2, seed: 7 });
    const c = await vitgan.generate({ count: 2, seed: 8 });
    expect(a.map((i) => Array.from(i.data))).toEqual(b.map((i) => Array.from(i.data)));
    expect(maxDiff(a[0]!.data, c[0]!.data)).toBeGreaterThan(0);
    const given = await vitgan.generate({ latents: new Rng(7).normalArray(2 * 8) });
    expect(given.map((i) => Array.from(i.data))).toEqual(a.map((i) => Array.from(i.data)));
    // Conditional without classLabel: the classes are drawn from the seed too, so the seed alone reproduces them.
    const d = await dcgan.generate({ count: 4, seed: 3 });
    const e = await dcgan.generate({ count: 4, seed: 3 });
    expect(d.map((i) => Array.from(i.data))).toEqual(e.map((i) => Array.from(i.data)));
  });

  it('classLabel picks the class: by index, by name, one per image; it changes the image for the same latent', async () => {
    const z = new Rng(5).normalArray(8);
    const zz = new Float32Array(16);
    zz.set(z, 0);
    zz.set(z, 8);
    const [byIndex] = await dcgan.generate({ latents: z, classLabel: 4 });
    const [byName] = await dcgan.generate({ latents: z, classLabel: '4' });
    const pair = await dcgan.generate({ latents: zz, classLabel: [4, 9] });
    expect(Array.from(byName!.data)).toEqual(Array.from(byIndex!.data));
    expect(Array.from(pair[0]!.data)).toEqual(Array.from(byIndex!.data));
    expect(maxDiff(pair[1]!.data, byIndex!.data)).toBeGreaterThan(0);
  });

  it('matches the trainer’s tfjs generator on the same latents within one 8-bit level (conditional DCGAN and ViTGAN)', async () => {
    const z = new Rng(99).normalArray(4 * 8);
    const labels = [0, 9, 3, 3];
    const sdk = await dcgan.generate({ latents: z, classLabel: labels });
    const ref = await trainerImages('gan-dcgan', z, labels);
    const dc = Math.max(...sdk.map((img, i) => maxDiff(img.data, ref[i]!)));
    const sdkV = await vitgan.generate({ latents: z });
    const refV = await trainerImages('gan-vitgan', z);
    const vit = Math.max(...sdkV.map((img, i) => maxDiff(img.data, refV[i]!)));
    console.log(`SDK (onnxruntime-node) vs trainer (tfjs cpu), max |Δ| in 8-bit levels: DCGAN ${dc}, ViTGAN ${vit}`);
    expect(dc).toBeLessThanOrEqual(1);
    expect(vit).toBeLessThanOrEqual(1);
  });

  it('bad generate() options are InvalidInputErrors naming the option and the fix, and leave the GAN usable', async () => {
    const bad = async (gan: Gan, options: unknown, parameter: string, message: RegExp) => {
      const err = await gan.generate(options as never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(parameter)).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).parameter).toBe(parameter);
      expect((err as Error).message).toMatch(message);
    };
    await bad(vitgan, { latents: new Float32Array(12) }, 'latents', /'latents' must hold count × 8 numbers .*; its length is 12/);
    await bad(vitgan, { latents: new Float32Array(16), count: 3 }, 'latents', /must hold count × 8 = 24 numbers; its length is 16/);
    await bad(vitgan, { latents: [0, 1, 2, 3, 4, 5, 6, 7] }, 'latents', /must be a Float32Array of count × 8 numbers .*got \[0, 1, 2, 3, 4, 5, 6, 7\]/);
    await bad(vitgan, { latents: Float32Array.from([0, 0, NaN, 0, 0, 0, 0, 0]) }, 'latents[2]', /'latents\[2\]' must be a finite number, got NaN/);
    await bad(vitgan, { latents: new Float32Array(65 * 8) }, 'latents', /at most 64 per call/);
    await bad(vitgan, { count: 0 }, 'count', /'count' must be an integer in \[1, 64\], got 0/);
    await bad(vitgan, { seed: -1 }, 'seed', /'seed' must be an integer in \[0, 4294967295\]/);
    await bad(vitgan, { classLabel: 1 }, 'classLabel', /not accepted: model 'fixture-gan-vitgan' is unconditional .*leave it out/);
    await bad(vitgan, { steps: 20 }, 'steps', /is not an option of generate\(\); it accepts latents, count, seed, classLabel, truncation, truncationPsi, signal/);
    await bad(dcgan, { classLabel: 10 }, 'classLabel', /'classLabel' must be an integer in \[0, 9\] \(a class index of 'fixture-gan-dcgan', or a class name\), got 10/);
    await bad(dcgan, { classLabel: 'seven' }, 'classLabel', /must be a class of model 'fixture-gan-dcgan': "0", "1"/);
    await bad(dcgan, { count: 2, classLabel: [1, 2, 3] }, 'classLabel', /one entry per image \(count = 2\)/);
    await bad(dcgan, 5, 'options', /of generate\(\) must be an object/);
    expect(await vitgan.generate({ seed: 1 })).toHaveLength(1);
  });

  it('truncation redraws large latent components: deterministic per seed, different from plain draws, typed errors', async () => {
    const plain = await vitgan.generate({ count: 2, seed: 11 });
    const t1 = await vitgan.generate({ count: 2, seed: 11, truncation: 0.5 });
    const t2 = await vitgan.generate({ count: 2, seed: 11, truncation: 0.5 });
    expect(t1.map((i) => Array.from(i.data))).toEqual(t2.map((i) => Array.from(i.data)));
    expect(maxDiff(t1[0]!.data, plain[0]!.data)).toBeGreaterThan(0);
    const same = await vitgan.generate({ count: 2, seed: 11, truncation: 1e6 }); // no draw is that large
    expect(same.map((i) => Array.from(i.data))).toEqual(plain.map((i) => Array.from(i.data)));
    await expect(vitgan.generate({ truncation: 0 })).rejects.toThrow(/'truncation' must be a number ≥ 0.05/);
    await expect(vitgan.generate({ latents: new Float32Array(8), truncation: 1 })).rejects.toThrow(/truncate them yourself/);
  });

  it('interpolate walks the sphere between two seeds: its ends are the seeds’ generate() images, its frames G(slerp(z_from, z_to, t))', async () => {
    const frames = await vitgan.interpolate({ from: 3, to: 8, frames: 6 });
    expect(frames).toHaveLength(6);
    expect(frames.every((f) => f.seed === 3)).toBe(true);
    const [a] = await vitgan.generate({ seed: 3 });
    const [b] = await vitgan.generate({ seed: 8 });
    expect(maxDiff(frames[0]!.data, a!.data)).toBeLessThanOrEqual(1);
    expect(maxDiff(frames[5]!.data, b!.data)).toBeLessThanOrEqual(1);
    // The middle frame is G(slerp(z3, z8, 0.4)), given as latents.
    const z3 = new Rng(3).normalArray(8);
    const z8 = new Rng(8).normalArray(8);
    const mid = (await vitgan.generate({ latents: slerp(z3, z8, 0.4) }))[0]!;
    expect(maxDiff(frames[2]!.data, mid.data)).toBeLessThanOrEqual(1);
    // Latents as ends, and a truncated pair of seeds.
    const byLatent = await vitgan.interpolate({ from: z3, to: z8, frames: 6 });
    expect(maxDiff(byLatent[2]!.data, mid.data)).toBeLessThanOrEqual(1);
    expect(byLatent[0]!.seed).toBe(0);
    const [ta] = await vitgan.generate({ seed: 3, truncation: 0.7 });
    expect(maxDiff((await vitgan.interpolate({ from: 3, to: 8, truncation: 0.7 }))[0]!.data, ta!.data)).toBeLessThanOrEqual(1);
    // Conditional: a seed brings its class (the one generate({ seed }) draws) unless classLabel says otherwise.
    const [d] = await dcgan.generate({ seed: 5 });
    const path = await dcgan.interpolate({ from: 5, to: 6, frames: 3 });
    expect(maxDiff(path[0]!.data, d!.data)).toBeLessThanOrEqual(1);
    const [d7] = await dcgan.generate({ latents: new Rng(5).normalArray(8), classLabel: 7 });
    expect(maxDiff((await dcgan.interpolate({ from: 5, to: 6, classLabel: '7' }))[0]!.data, d7!.data)).toBeLessThanOrEqual(1);
  });

  it('bad interpolate() options are InvalidInputErrors naming the option and the fix', async () => {
    const bad = async (gan: Gan, options: unknown, parameter: string, message: RegExp) => {
      const err = await gan.interpolate(options as never).catch((e: unknown) => e);
      expect(err, parameter).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).parameter).toBe(parameter);
      expect((err as Error).message).toMatch(message);
    };
    await bad(vitgan, undefined, 'options', /are required: \{ from, to \}/);
    await bad(vitgan, { to: 2 }, 'from', /'from' is required: a seed .* or a Float32Array latent of 8 numbers/);
    await bad(vitgan, { from: 1, to: new Float32Array(7) }, 'to', /'to' must hold 8 numbers \(one latent\); its length is 7/);
    await bad(vitgan, { from: 1.5, to: 2 }, 'from', /'from' must be an integer in \[0, 4294967295\] \(a seed\), or pass a Float32Array latent/);
    await bad(vitgan, { from: 1, to: 2, frames: 1 }, 'frames', /'frames' must be an integer in \[2, 64\]/);
    await bad(vitgan, { from: 1, to: 2, classLabel: 3 }, 'classLabel', /unconditional/);
    await bad(vitgan, { from: 1, to: 2, count: 3 }, 'count', /is not an option of interpolate\(\); it accepts from, to, frames, classLabel, truncation, truncationPsi, signal/);
    await bad(dcgan, { from: new Float32Array(8), to: 2 }, 'classLabel', /is required when 'from' is a latent: model 'fixture-gan-dcgan' is class-conditional/);
    await bad(dcgan, { from: 1, to: 2, frames: 3, classLabel: [1, 2] }, 'classLabel', /one entry per image \(frames = 3\)/);
    expect(await vitgan.interpolate({ from: 1, to: 2, frames: 2 })).toHaveLength(2);
  });

  it('an aborted signal is an AbortError', async () => {
    const c = new AbortController();
    c.abort();
    await expect(vitgan.generate({ signal: c.signal })).rejects.toThrow(AbortError);
    await expect(createGan({ model: vitganDir, signal: c.signal })).rejects.toThrow(AbortError);
  });

  it('a diffusion model is an InvalidInputError pointing to createGenerator, and createGenerator points GANs to createGan', async () => {
    const err = await createGan({ model: await fixtureModel('class') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).parameter).toBe('model');
    expect((err as Error).message).toMatch(/'model' must be a GAN generator \(manifest kind 'gan-generator'\), but 'fixture-class' is a 'diffusion-unet': load it with createGenerator instead/);
    await expect(createGenerator({ model: dcganDir })).rejects.toThrow(/is a 'gan-generator', not a 'diffusion-unet' or 'latent-diffusion': load GAN generators with createGan/);
  });

  it('bad createGan options and a manifest that contradicts its file are typed errors naming the field', async () => {
    await expect(createGan({ model: dcganDir, backend: 'wasm' })).rejects.toThrow(/'backend' must be 'auto' in Node/);
    await expect(createGan({ model: dcganDir, threads: 0 })).rejects.toThrow(InvalidInputError);
    await expect(createGan(null as never)).rejects.toThrow(/'options' must be an object like \{ model: 'models\/mnist-dcgan' \}/);
    const dir = join(scratch, 'latent-9');
    cpSync(vitganDir, dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.latent.dim = 9;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const err = await createGan({ model: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).field).toBe('files.generator.inputs[z].shape');
    expect((err as Error).message).toMatch(/does not match latent\.dim 9/);
  });
});
