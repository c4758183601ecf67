/**
 * Measures an exported autoencoder the way its card reports it, through the SDK's Node createAutoencoder (the code
 * users run): the held-out images of its training data (emoji: the concepts held out in every style, and those held
 * out in one style; other data: the run's --hold-out split) reconstructed, and per image PSNR and SSIM (RGBA models:
 * RGB composited over white, alpha separately; grey models: the grey values), beside the real-data floor of the same
 * size: a thumbnail with as many pixels as the latent has positions, scaled back up (bilinear). With a judge (emoji:
 * models/emoji-judge, colour; else models/mnist-classifier, grey models only) also the reconstruction FID in its
 * features, beside the FID of as many real training images (the floor).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FidScorer } from '../../sdk/fid/scorer.js';
import { convertChannels } from '../../sdk/image/pixels.js';
import { resizePixels, resizeRgba } from '../../sdk/image/resize.js';
import { psnr, ssim } from '../../sdk/metrics/image-quality.js';
import { createAutoencoder } from '../../sdk/node.js';
import type { Autoencoder, RgbaImage } from '../../sdk/node.js';
import { judgeSamples } from '../classifier/judge.js';
import { splitDataset, type Dataset } from '../data/dataset.js';
import { openDataset } from '../data/open-dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { verifyModelFolder } from '../export/model-folder.js';
import type { AutoencoderConfig } from './autoencoder-config.js';

/** Quality of one set of reconstructions (means over its images). */
export interface ReconstructionQuality {
  /** dB: RGB over white (RGBA models) or grey. */
  psnr: number;
  ssim: number;
  /** dB, RGBA models: the alpha channel alone. */
  alphaPsnr?: number;
}

export interface HeldOutResult {
  /** 'emoji:held-out-concept', 'mnist held-out 1000 (seed 0)'. */
  name: string;
  images: number;
  model: ReconstructionQuality;
  /** The thumbnail floor (spatial latents only): the same image through an h×w thumbnail. */
  thumbnail?: ReconstructionQuality & { size: string };
  /** Grey models: FID of the reconstructions vs the originals in the classifier's features, and of real training images vs the originals (the floor). */
  fid?: { reconstructions: number; realFloor: number; classifier: string };
}

export interface AutoencoderEvalResult {
  model: string;
  quantization: 'kl' | 'vq';
  latentShape: number[];
  sets: HeldOutResult[];
  /** Numbers per image in the latent, and the image's bytes. */
  latentNumbers: number;
  imageBytes: number;
  /** Bits to store one image's latent: 16 per number (float16) for KL, h·w·log2(K) for VQ. */
  latentBits: number;
  /** VQ: codes used on the held-out images (of K) and the perplexity of their use. */
  codebook?: { codes: number; used: number; perplexity: number };
}

export interface EvaluateAutoencoderOptions {
  modelDir: string;
  /** The judge whose features the FID uses. Default models/emoji-judge for emoji, else models/mnist-classifier; '' = none; skipped when absent. */
  classifierDir?: string;
  /** At most this many images per held-out set. Default all. */
  limit?: number;
}

/** Images per SDK call (its largest batch). */
const BATCH = 64;

/** One data set example ([H, W, C] in [-1, 1], C = 1 or 4) as RGBA bytes. */
export function exampleToRgba(x: Float32Array, width: number, height: number, channels: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round((x[p * channels + (channels === 1 ? 0 : c)]! + 1) * 127.5);
    data[p * 4 + 3] = channels === 4 ? Math.round((x[p * 4 + 3]! + 1) * 127.5) : 255;
  }
  return { width, height, data };
}

/** RGBA bytes → values in [0, 1]: RGB over white (3 per pixel), the grey channel (1), or alpha alone. */
function plane(d: ArrayLike<number>, mode: 'rgb' | 'grey' | 'alpha'): Float32Array {
  const n = d.length / 4;
  const out = new Float32Array(mode === 'rgb' ? 3 * n : n);
  for (let p = 0; p < n; p++) {
    const a = d[p * 4 + 3]! / 255;
    if (mode === 'alpha') out[p] = a;
    else if (mode === 'grey') out[p] = d[p * 4]! / 255;
    else for (let c = 0; c < 3; c++) out[p * 3 + c] = (d[p * 4 + c]! * a + 255 * (1 - a)) / 255;
  }
  return out;
}

/** Mean PSNR/SSIM of `b` against `a`, image by image. */
function quality(a: RgbaImage[], b: ArrayLike<number>[], channels: number): ReconstructionQuality {
  const mode = channels === 1 ? 'grey' : 'rgb';
  const C = mode === 'rgb' ? 3 : 1;
  let p = 0;
  let s = 0;
  let pa = 0;
  a.forEach((img, i) => {
    const x = plane(img.data, mode);
    const y = plane(b[i]!, mode);
    p += Math.min(psnr(x, y), 100);
    s += ssim(x, y, img.width, img.height, C);
    if (channels === 4) pa += Math.min(psnr(plane(img.data, 'alpha'), plane(b[i]!, 'alpha')), 100);
  });
  const n = a.length;
  return { psnr: p / n, ssim: s / n, ...(channels === 4 && { alphaPsnr: pa / n }) };
}

/** The held-out sets of the model's training data. */
async function heldOutSets(modelDir: string, cfg: Partial<AutoencoderConfig>): Promise<{ name: string; data: Dataset }[]> {
  const spec = cfg.data;
  if (typeof spec !== 'string') throw new UsageError(`${modelDir}: training.config has no data, so there are no held-out images to measure on`);
  if (spec === 'emoji' || spec.startsWith('emoji:')) {
    return Promise.all(['held-out-concept', 'held-out-style'].map(async (part) => ({ name: `emoji:${part}`, data: await openDataset(`emoji:${part}`) })));
  }
  if (!(Number(cfg.holdOut) > 0)) throw new UsageError(`${modelDir}: trained on all of '${spec}' (holdOut 0), so there are no held-out images to measure on`);
  const source = await openDataset(spec, { seed: cfg.seed ?? 0 });
  const held = splitDataset(source, cfg.holdOut!, cfg.seed ?? 0).heldOut;
  return [{ name: `${spec} held-out ${held.size} (seed ${cfg.seed ?? 0})`, data: held }];
}

/** The first `n` examples of a data set as RGBA. */
export function datasetRgba(data: Dataset, n = data.size): RgbaImage[] {
  return Array.from({ length: Math.min(n, data.size) }, (_, i) => exampleToRgba(data.get(i).image, data.width, data.height, data.channels));
}

/** Reconstructions of `images` through the SDK, batch by batch; also returns their latents, concatenated. */
export async function reconstructAll(ae: Autoencoder, images: RgbaImage[]): Promise<{ pixels: Uint8ClampedArray[]; values: Float32Array[]; latents: Float32Array }> {
  const pixels: Uint8ClampedArray[] = [];
  const values: Float32Array[] = [];
  const per = ae.latentShape.reduce((a, b) => a * b, 1);
  const latents = new Float32Array(images.length * per);
  for (let s = 0; s < images.length; s += BATCH) {
    const z = await ae.encode(images.slice(s, s + BATCH));
    latents.set(z.data, s * per);
    for (const r of await ae.decode(z)) {
      pixels.push(r.data);
      values.push(r.values!);
    }
  }
  return { pixels, values, latents };
}

/** Distinct latent vectors (codebook entries) of VQ latents [n, D, h, w], and the perplexity of their use. */
function codeUse(latents: Float32Array, shape: number[]): { used: number; perplexity: number } {
  const [D, h, w] = shape as [number, number, number];
  const hw = h * w;
  const n = latents.length / (D * hw);
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < hw; p++) {
      const key = Array.from({ length: D }, (_, d) => latents[i * D * hw + d * hw + p]!.toFixed(4)).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const total = n * hw;
  let entropy = 0;
  for (const c of counts.values()) entropy -= (c / total) * Math.log(c / total);
  return { used: counts.size, perplexity: Math.exp(entropy) };
}

/** Classifier features FID between two stacks of images in the classifier's input (NHWC [-1, 1]). */
async function classifierFid(classifierDir: string, a: Float32Array, b: Float32Array, shape: [number, number, number]): Promise<number> {
  const na = a.length / (shape[0] * shape[1] * shape[2]);
  const nb = b.length / (shape[0] * shape[1] * shape[2]);
  const fa = (await judgeSamples(classifierDir, { data: a, shape: [na, ...shape] }, undefined, { features: true })).features!;
  const fb = (await judgeSamples(classifierDir, { data: b, shape: [nb, ...shape] }, undefined, { features: true })).features!;
  const F = fa.length / na;
  const scorer = await FidScorer.create({ extractor: { name: `classifier:${classifierDir}`, dim: F, extract: () => Promise.reject(new Error('features are added directly')) } });
  await scorer.addFeatures(fa, 'real', F);
  await scorer.addFeatures(fb, 'fake', F);
  return (await scorer.fid()).fid;
}

/**
 * RGBA images → the classifier's input, NHWC [-1, 1], made as the trainer makes its data (and the SDK its model
 * input, sdk/image/model-input.ts): alpha over white (grey by luma) at the image's size, then resized to the judge's.
 */
function judgeStack(images: readonly { width: number; height: number; data: ArrayLike<number> }[], width: number, height: number, channels: number): Float32Array {
  const per = width * height * channels;
  const out = new Float32Array(images.length * per);
  images.forEach((im, i) => {
    const converted = convertChannels(Uint8Array.from(im.data), 4, channels, 255, 255);
    const sized = im.width === width && im.height === height ? converted : resizePixels(converted, im.width, im.height, channels, width, height);
    for (let k = 0; k < per; k++) out[i * per + k] = sized[k]! / 127.5 - 1;
  });
  return out;
}

/** The judge of a data set's images: the emoji judge for emoji, the MNIST classifier otherwise. */
function defaultJudge(data: string | undefined): string {
  return data === 'emoji' || data?.startsWith('emoji:') ? 'models/emoji-judge' : 'models/mnist-classifier';
}

/** The training images a judge's real floor compares with (as many as the held-out set). */
async function trainingImages(cfg: Partial<AutoencoderConfig>, n: number): Promise<RgbaImage[]> {
  const spec = cfg.data!;
  if (spec === 'emoji' || spec.startsWith('emoji:')) {
    const train = await openDataset('emoji:train', { channels: 4 });
    // evenly spread over the training part (it is ordered by concept)
    return Array.from({ length: Math.min(n, train.size) }, (_, i) => exampleToRgba(train.get(Math.floor((i * train.size) / n)).image, train.width, train.height, train.channels));
  }
  return datasetRgba(splitDataset(await openDataset(spec, { seed: cfg.seed ?? 0 }), cfg.holdOut!, cfg.seed ?? 0).train, n);
}

export async function evaluateAutoencoder(opts: EvaluateAutoencoderOptions): Promise<AutoencoderEvalResult> {
  const manifest = await verifyModelFolder(opts.modelDir);
  if (manifest.kind !== 'autoencoder') throw new UsageError(`${opts.modelDir} holds a '${manifest.kind}' model; autoencoder eval needs an 'autoencoder' (export one with webgen-train autoencoder <recipe> --export DIR)`);
  const cfg = manifest.training.config as Partial<AutoencoderConfig>;
  const { width: W, height: H, channels: C } = manifest.image;
  const latent = manifest.autoencoder!;
  const spatial = latent.latentShape.length === 3;
  const ae = await createAutoencoder({ model: opts.modelDir });
  const sets: HeldOutResult[] = [];
  let codebook: AutoencoderEvalResult['codebook'];
  try {
    for (const { name, data } of await heldOutSets(opts.modelDir, cfg)) {
      const images = datasetRgba(data, opts.limit);
      const { pixels, latents } = await reconstructAll(ae, images);
      const result: HeldOutResult = { name, images: images.length, model: quality(images, pixels, C) };
      if (spatial) {
        const [, h, w] = latent.latentShape as [number, number, number];
        const thumbs = images.map((im) => resizeRgba({ width: w, height: h, data: resizeRgba(im, w, h) }, W, H));
        result.thumbnail = { ...quality(images, thumbs, C), size: `${w}x${h}` };
      }
      const classifierDir = opts.classifierDir ?? defaultJudge(cfg.data);
      if (classifierDir !== '' && existsSync(join(classifierDir, 'manifest.json'))) {
        const cm = await verifyModelFolder(classifierDir);
        // a grey judge reads grey images only; a colour judge reads any (alpha over white)
        if (cm.image.channels === 3 || C === cm.image.channels) {
          const { width: jw, height: jh, channels: jc } = cm.image;
          const stack = (list: readonly { width: number; height: number; data: ArrayLike<number> }[]) => judgeStack(list, jw, jh, jc);
          const real = stack(images);
          const recon = stack(pixels.map((data) => ({ width: W, height: H, data })));
          result.fid = {
            reconstructions: await classifierFid(classifierDir, real, recon, [jh, jw, jc]),
            realFloor: await classifierFid(classifierDir, real, stack(await trainingImages(cfg, images.length)), [jh, jw, jc]),
            classifier: classifierDir,
          };
        }
      }
      if (latent.quantization === 'vq' && latent.codebook && sets.length === 0) codebook = { codes: latent.codebook.codes, ...codeUse(latents, latent.latentShape) };
      sets.push(result);
    }
  } finally {
    await ae.dispose();
  }
  const latentNumbers = latent.latentShape.reduce((a, b) => a * b, 1);
  const latentBits = latent.quantization === 'vq' && latent.codebook ? (latentNumbers / latent.codebook.dim) * Math.log2(latent.codebook.codes) : latentNumbers * 16;
  return { model: manifest.name, quantization: latent.quantization, latentShape: latent.latentShape, sets, latentNumbers, imageBytes: W * H * C, latentBits, ...(codebook && { codebook }) };
}
