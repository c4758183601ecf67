/**
 * Latent diffusion (issue 20): the emoji-ldm recipe's smoke run on the real-emoji fixture (tests/fixtures/emoji via
 * $WEBGEN_EMOJI_DIR) trains a U-Net on models/emoji-vae's latents conditioned on models/emoji-clip's frozen text states,
 * exports a kind 'latent-diffusion' folder under the 12 MB budget, and the SDK draws RGBA emoji from it in Node
 * (textToImage, sample, img2img, previews at image size), refusing what it cannot do with typed errors. Beside it: the
 * preview map's fit, and the frozen context's guidance dropout in GaussianDiffusion.
 */
import * as tf from '@tensorflow/tfjs';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, ManifestError, ModelLoadError, createGenerator } from '../sdk/node.js';
import { previewImage } from '../sdk/generator/latent-codec.js';
import { Rng } from '../sdk/random/rng.js';
import { GaussianDiffusion } from '../trainer/diffusion/gaussian-diffusion.js';
import { sha256Bytes, verifyModelFolder } from '../trainer/export/model-folder.js';
import { encodeOnnxModel, readOnnxModel } from '../trainer/export/onnx-proto.js';
import { fitPreviewMap } from '../trainer/latent/preview-map.js';
import { UNet } from '../trainer/models/unet.js';
import { UNET_PRESETS } from '../trainer/models/unet-presets.js';
import { REPO } from '../scripts/e2e/model-fixtures.js';
import { perturbVariables } from './nn-helpers.js';
import { runCli, runWebgen } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-ldm-'));
const MODEL = join(tmp, 'model');
const emojiDir = process.env.WEBGEN_EMOJI_DIR;
beforeAll(() => {
  process.env.WEBGEN_EMOJI_DIR = join(REPO, 'tests', 'fixtures', 'emoji'); // runCli passes the environment on
});
afterAll(() => {
  if (emojiDir === undefined) delete process.env.WEBGEN_EMOJI_DIR;
  else process.env.WEBGEN_EMOJI_DIR = emojiDir;
  rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the exported model with `edit` applied to its manifest. */
function variant(name: string, edit: (m: Record<string, any>) => void): string {
  const dir = join(tmp, name);
  cpSync(MODEL, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

describe('webgen-train emoji-ldm (smoke) and the SDK on its export', () => {
  it('trains on the frozen autoencoder\'s latents with the frozen CLIP text states and exports a latent-diffusion folder ≤ 12 MB', async () => {
    const r = await runCli(['emoji-ldm', '--steps', '2', '--batch-size', '4', '--sample-steps', '1', '--sample-prompts', 'thumbs up sign, noto style', '--threads', '1', '--out', join(tmp, 'run'), '--export', MODEL]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/latents: \d+ images encoded by emoji-vae/);
    expect(r.stderr).toMatch(/data: emoji \(latents of emoji-vae\), \d+ images 16x16x4/);
    expect(r.stderr).toMatch(/U-Net 'latent', 1,336,868 parameters \+ frozen text encoder of emoji-clip \(32 tokens × 128\)/);
    expect(existsSync(join(tmp, 'run', 'samples-000002.png'))).toBe(true);
    const m = await verifyModelFolder(MODEL);
    expect(m.kind).toBe('latent-diffusion');
    expect(Object.keys(m.files).sort()).toEqual(['decoder', 'encoder', 'textEncoder', 'unet']);
    expect(m.image).toEqual({ width: 64, height: 64, channels: 4, range: [-1, 1] });
    expect(m.latentDiffusion!.latentShape).toEqual([4, 16, 16]);
    // scaled latents are about unit-variance: the samplers must not clamp x_0 to [-1, 1]
    expect(m.schedule!.clipSample).toBe(false);
    const vae = JSON.parse(readFileSync(join(REPO, 'models', 'emoji-vae', 'manifest.json'), 'utf8'));
    const clip = JSON.parse(readFileSync(join(REPO, 'models', 'emoji-clip', 'manifest.json'), 'utf8'));
    expect(m.latentDiffusion!.scalingFactor).toBe(vae.autoencoder.scalingFactor);
    expect(m.latentDiffusion!.components).toEqual({
      textEncoder: { model: 'emoji-clip', sha256: clip.files.textEncoder.sha256 },
      decoder: { model: 'emoji-vae', sha256: vae.files.decoder.sha256 },
      encoder: { model: 'emoji-vae', sha256: vae.files.encoder.sha256 },
    });
    // copied verbatim: the same bytes as the source models'
    expect(m.files.textEncoder!.sha256).toBe(clip.files.textEncoder.sha256);
    expect(m.conditioning!.tokenizer).toEqual(clip.conditioning.tokenizer);
    expect(m.files.unet!.inputs.find((i) => i.name === 'encoder_hidden_states')!.shape).toEqual(['batch', 'sequence', 128]);
    expect(m.latentDiffusion!.previewMap).toHaveLength(4);
    const float32 = Object.values(m.files).reduce((s, f) => s + f.bytes, 0);
    expect(float32).toBeLessThanOrEqual(12e6);
    expect(m.parity.byFile!.unet).toBeLessThan(1e-4);
  }, 180_000);

  it('draws 64x64 RGBA from a prompt, with previews at image size and the decoder run once', async () => {
    const g = await createGenerator({ model: MODEL });
    try {
      const previews: number[] = [];
      const im = await g.textToImage({ prompt: 'thumbs up sign', steps: 3, seed: 4, onStep: (s) => previews.push(s.preview.width * s.preview.height) });
      expect([im.width, im.height, im.data.length]).toEqual([64, 64, 64 * 64 * 4]);
      expect(previews).toEqual([4096, 4096, 4096]);
      expect(im.timings.steps).toBe(3);
      const again = await g.textToImage({ prompt: 'thumbs up sign', steps: 3, seed: 4 });
      expect(again.data).toEqual(im.data);
      const batch = await g.sample({ batch: 2, prompt: ['thumbs up sign', 'sun'], steps: 2 });
      expect(batch).toHaveLength(2);
      // img2img at strength 0 gives the (model-space) picture back, untouched by the autoencoder
      const picture = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256)) };
      const same = await g.img2img({ image: picture, strength: 0, steps: 4 });
      expect(same.data).toEqual(picture.data);
      const redrawn = await g.img2img({ image: picture, prompt: 'sun', strength: 0.5, steps: 4 });
      expect(redrawn.timings.steps).toBe(2);
    } finally {
      await g.dispose();
    }
  }, 60_000);

  it('attentionMaps: one cross-attention map per prompt word at image size, the image unchanged; models without the outputs refuse', async () => {
    const m = await verifyModelFolder(MODEL);
    // the export adds the cross-attention probabilities as outputs (4 cross-attention layers in the 'latent' U-Net)
    expect(m.files.unet!.outputs.map((o) => o.name).filter((n) => n.startsWith('cross_attention_')).length).toBeGreaterThan(0);
    const g = await createGenerator({ model: MODEL });
    try {
      const plain = await g.textToImage({ prompt: 'thumbs up sign', steps: 2, seed: 3 });
      const im = await g.textToImage({ prompt: 'thumbs up sign', steps: 2, seed: 3, attentionMaps: true });
      expect(im.data).toEqual(plain.data);
      expect(plain.attentionMaps).toBeUndefined();
      const a = im.attentionMaps!;
      expect([a.tokens, a.width, a.height, a.maps.length]).toEqual([['thumbs', 'up', 'sign'], 64, 64, 3 * 64 * 64]);
      // attention probabilities: each pixel's share over the prompt's words is in (0, 1]
      const P = 64 * 64;
      for (let p = 0; p < P; p += 97) {
        const total = a.maps[p]! + a.maps[P + p]! + a.maps[2 * P + p]!;
        expect(total).toBeGreaterThan(0);
        expect(total).toBeLessThanOrEqual(1 + 1e-5);
      }
      await expect(g.textToImage({ prompt: 'sun', attentionMaps: 'yes' as never })).rejects.toMatchObject({ name: 'InvalidInputError', parameter: 'attentionMaps' });
    } finally {
      await g.dispose();
    }
    // a copy of the export as an older exporter wrote it: the U-Net without its cross-attention outputs
    const old = join(tmp, 'no-attention');
    cpSync(MODEL, old, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(old, 'manifest.json'), 'utf8'));
    const unet = manifest.files.unet;
    const onnx = readOnnxModel(new Uint8Array(readFileSync(join(old, unet.path))));
    onnx.graph!.output = onnx.graph!.output!.filter((o) => !o.name!.startsWith('cross_attention_'));
    const bytes = encodeOnnxModel(onnx);
    writeFileSync(join(old, unet.path), bytes);
    Object.assign(unet, { sha256: sha256Bytes(bytes), bytes: bytes.byteLength, outputs: unet.outputs.filter((o: { name: string }) => !o.name.startsWith('cross_attention_')) });
    delete unet.variants;
    writeFileSync(join(old, 'manifest.json'), JSON.stringify(manifest));
    const before = await createGenerator({ model: old });
    try {
      await expect(before.textToImage({ prompt: 'sun', attentionMaps: true })).rejects.toThrow(/needs a U-Net exported with its cross-attention outputs/);
    } finally {
      await before.dispose();
    }
  }, 60_000);

  it('webgen sample --attention DIR writes one overlay per prompt word and the JSON', async () => {
    const dir = join(tmp, 'attention');
    const r = await runWebgen(['sample', '--model', MODEL, '--prompt', 'thumbs up sign', '--steps', '2', '--out', join(tmp, 'thumbs.png'), '--attention', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote 3 cross-attention maps to .* \(thumbs \d+%, up \d+%, sign \d+% of the attention on average\)/);
    const j = JSON.parse(readFileSync(join(dir, 'attention.json'), 'utf8'));
    expect(j.tokens).toEqual(['thumbs', 'up', 'sign']);
    for (const m of j.maps) expect(existsSync(m.file)).toBe(true);
    expect(existsSync(join(dir, '00-thumbs.png'))).toBe(true);
    const bad = await runWebgen(['sample', '--model', MODEL, '--batch', '2', '--prompt', 'sun', '--out', join(tmp, 'b') + '/', '--attention', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--attention draws the cross-attention maps of one text-to-image picture/);
  }, 60_000);

  it('a model without an encoder refuses img2img with a typed error naming image; bad latent manifests fail to load', async () => {
    const noEncoder = variant('no-encoder', (m) => {
      delete m.files.encoder;
      delete m.parity.byFile.encoder;
    });
    const g = await createGenerator({ model: noEncoder });
    try {
      const picture = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4) };
      await expect(g.img2img({ image: picture, strength: 0.5 })).rejects.toThrow(InvalidInputError);
      await expect(g.img2img({ image: picture, strength: 0.5 })).rejects.toThrow(/'image'.*ships no encoder/);
      expect((await g.textToImage({ prompt: 'sun', steps: 1 })).width).toBe(64);
    } finally {
      await g.dispose();
    }
    const badMap = variant('bad-map', (m) => m.latentDiffusion.previewMap.pop());
    await expect(createGenerator({ model: badMap })).rejects.toThrow(ManifestError);
    await expect(createGenerator({ model: badMap })).rejects.toThrow(/latentDiffusion\.previewMap/);
    const badShape = variant('bad-shape', (m) => (m.latentDiffusion.latentShape = [4, 8, 8]));
    await expect(createGenerator({ model: badShape })).rejects.toThrow(ModelLoadError);
    await expect(createGenerator({ model: badShape })).rejects.toThrow(/latentShape 4x8x8/);
    const noDecoder = variant('no-decoder', (m) => {
      delete m.files.decoder;
      delete m.parity.byFile.decoder;
    });
    await expect(createGenerator({ model: noDecoder })).rejects.toThrow(/files\.decoder/);
  }, 60_000);

  it('refuses flags that do not fit, in one line', async () => {
    const a = await runCli(['emoji-ldm', '--conditioning', 'class', '--steps', '1', '--out', join(tmp, 'bad1')]);
    expect(a.code).not.toBe(0);
    expect(a.stderr).toMatch(/--text-model conditions on captions: it needs --conditioning text/);
    const b = await runCli(['emoji-ldm', '--autoencoder', 'models/emoji-clip', '--steps', '1', '--out', join(tmp, 'bad2')]);
    expect(b.code).not.toBe(0);
    expect(b.stderr).toMatch(/--autoencoder models\/emoji-clip: latent diffusion needs an autoencoder model folder/);
  }, 60_000);
});

describe('webgen-train distill on a latent text-to-image teacher (smoke)', () => {
  it('distils the exported latent model into a 2-step student with guidance as an input: a latent-diffusion folder the SDK draws at 2 steps only', async () => {
    const student = join(tmp, 'ldm-student');
    const r = await runCli(['distill', '--teacher', MODEL, '--student-steps', '2', '--steps', '1', '--batch-size', '2', '--threads', '1', '--no-fp16', '--out', join(tmp, 'distill-run'), '--export', student]);
    expect(r.code, r.stderr).toBe(0);
    const m = await verifyModelFolder(student);
    expect(m.kind).toBe('latent-diffusion');
    expect(m.sampling).toMatchObject({ supportedSteps: [2], guidanceRange: [1, 3] });
    expect(m.schedule).toMatchObject({ timestepSpacing: 'trailing', clipSample: false });
    expect(m.files.unet!.inputs.map((i) => i.name)).toContain('guidance_scale');
    expect(Object.keys(m.files).sort()).toEqual(['decoder', 'encoder', 'textEncoder', 'unet']);
    expect(m.distillation).toMatchObject({ method: 'progressive', teacherSteps: 4 });
    const g = await createGenerator({ model: student });
    try {
      const im = await g.textToImage({ prompt: 'sun', seed: 2, guidanceScale: 2 });
      expect([im.width, im.height, im.timings.steps]).toEqual([64, 64, 2]);
      await expect(g.textToImage({ prompt: 'sun', steps: 3 })).rejects.toThrow(/steps/);
    } finally {
      await g.dispose();
    }
  }, 240_000);
});

describe('webgen-train emoji-pixel (smoke): the comparison model in pixel space', () => {
  it('trains the same-size U-Net on the 64x64 RGBA pixels with the frozen CLIP text states and exports a diffusion-unet the SDK draws from', async () => {
    const out = join(tmp, 'pixel-model');
    const r = await runCli(['emoji-pixel', '--steps', '1', '--batch-size', '2', '--sample-steps', '1', '--sample-prompts', 'sun, noto style', '--threads', '1', '--no-fp16', '--out', join(tmp, 'pixel-run'), '--export', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/data: emoji, \d+ images 64x64x4/);
    // the latent U-Net's 1,336,868 within 0.01%
    expect(r.stderr).toMatch(/U-Net 'pixel', 1,336,740 parameters \+ frozen text encoder of emoji-clip \(32 tokens × 128\)/);
    const m = await verifyModelFolder(out);
    expect(m.kind).toBe('diffusion-unet');
    expect(Object.keys(m.files).sort()).toEqual(['textEncoder', 'unet']);
    const clip = JSON.parse(readFileSync(join(REPO, 'models', 'emoji-clip', 'manifest.json'), 'utf8'));
    expect(m.files.textEncoder!.sha256).toBe(clip.files.textEncoder.sha256);
    expect(m.conditioning!.tokenizer).toEqual(clip.conditioning.tokenizer);
    expect(m.schedule!.clipSample ?? true).toBe(true);
    const g = await createGenerator({ model: out });
    try {
      const im = await g.textToImage({ prompt: 'sun', steps: 2, seed: 1 });
      expect([im.width, im.height, im.data.length]).toEqual([64, 64, 64 * 64 * 4]);
    } finally {
      await g.dispose();
    }
  }, 180_000);
});

describe('the preview map', () => {
  it('fitPreviewMap recovers an affine latent → pixel map, and the SDK applies it block by block', () => {
    const rng = new Rng(3);
    const [c, h, w] = [4, 4, 4];
    const [C, H, W] = [4, 16, 16];
    const n = 6;
    const truth = Array.from({ length: C }, () => Array.from({ length: c + 1 }, () => rng.normal()));
    const latentsNhwc = rng.normalArray(n * h * w * c);
    const images = new Float32Array(n * H * W * C);
    for (let i = 0; i < n; i++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          for (let o = 0; o < C; o++) {
            const z = latentsNhwc.subarray(((i * h + Math.floor(y / 4)) * w + Math.floor(x / 4)) * c);
            images[((i * H + y) * W + x) * C + o] = truth[o]![c]! + truth[o]!.slice(0, c).reduce((s, k, j) => s + k * z[j]!, 0);
          }
    const fit = fitPreviewMap(latentsNhwc, images, n, [c, h, w], [C, H, W]);
    for (let o = 0; o < C; o++) for (let j = 0; j <= c; j++) expect(fit[o]![j]!).toBeCloseTo(truth[o]![j]!, 4);
    // the SDK's preview of latent 2 (NCHW) is image 2 (NCHW)
    const nchw = new Float32Array(n * c * h * w);
    for (let i = 0; i < n; i++) for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) nchw[(i * c + k) * h * w + p] = latentsNhwc[(i * h * w + p) * c + k]!;
    const shown = previewImage(nchw, 2, { latentShape: [c, h, w], scalingFactor: 1, previewMap: fit }, { channels: C, height: H, width: W });
    for (let o = 0; o < C; o++) for (let p = 0; p < H * W; p += 17) expect(shown[o * H * W + p]!).toBeCloseTo(images[(2 * H * W + p) * C + o]!, 3);
  });
});

describe('GaussianDiffusion with a frozen context', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const L = 3;
  const D = 8;
  const S = 16;
  const B = 2;
  const make = (condDropout: number) => {
    const unet = new UNet({ ...UNET_PRESETS.tiny, imageSize: S, inChannels: 4, contextDim: D }, 0);
    perturbVariables(unet, 4); // the zero-initialised output conv would hide the context
    const nullContext = new Float32Array(L * D).fill(0.5);
    return new GaussianDiffusion(unet, { frozenContext: { length: L, dim: D, nullContext }, condDropout, trainTimesteps: 1000, betaSchedule: 'linear', prediction: 'v' });
  };
  const images = new Rng(9).normalArray(B * S * S * 4).map((v) => Math.tanh(v));
  const context = new Rng(10).normalArray(B * L * D);
  const loss = (d: GaussianDiffusion, ctx?: Float32Array) => tf.tidy(() => d.lossFn({ images, ...(ctx && { context: ctx }) }, new Rng(3))().dataSync()[0]!);

  it('the context changes the loss; dropout at rate 1 trains on the null context (as a batch without captions)', () => {
    const kept = make(0);
    expect(loss(kept, context)).not.toBeCloseTo(loss(kept), 6);
    expect(loss(kept, new Float32Array(B * L * D).fill(0.5))).toBeCloseTo(loss(kept), 6);
    const dropped = make(1);
    expect(loss(dropped, context)).toBeCloseTo(loss(dropped), 6);
  });

  it('a context of the wrong size, or a U-Net of another width, is an error naming the shapes', () => {
    expect(() => loss(make(0), new Float32Array(5))).toThrow(/batch\.context must be \[2, 3, 8\], got 5 values/);
    const unet = new UNet({ ...UNET_PRESETS.tiny, imageSize: S, inChannels: 4, contextDim: 16 }, 0);
    expect(() => new GaussianDiffusion(unet, { frozenContext: { length: L, dim: D, nullContext: new Float32Array(L * D) }, condDropout: 0, trainTimesteps: 1000, betaSchedule: 'linear', prediction: 'v' })).toThrow(/frozenContext \[3, 8\] needs a U-Net with contextDim 8 \(got 16\)/);
  });
});
