/**
 * A shipped autoencoder (manifest kind 'autoencoder', e.g. models/emoji-vae), frozen, as latent diffusion trains and
 * samples in its latent space (Rombach et al. 2022): images [B, H, W, C] in [-1, 1] → latents [B, h, w, c] NHWC
 * multiplied by the manifest's scaling factor (unit variance, as the U-Net's noise), and back. Runs the exported
 * encoder.onnx / decoder.onnx on onnxruntime-node, the very files the SDK runs, after verifyModelFolder checked them.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as OrtNode from 'onnxruntime-node';
import type { Manifest } from '../../sdk/manifest/types.js';
import * as ortNode from 'onnxruntime-node';
import { nchwToNhwc, nhwcToNchw } from '../../sdk/image/pixels.js';
import { UsageError } from '../errors/usage-error.js';
import { verifyModelFolder } from '../export/model-folder.js';

export class FrozenAutoencoder {
  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    private readonly ort: typeof OrtNode,
    private readonly encoder: OrtNode.InferenceSession,
    private readonly decoder: OrtNode.InferenceSession,
  ) {}

  /** Opens the model folder `dir` (the value of `flag`, for errors): a KL autoencoder with encoder and decoder. */
  static async open(dir: string, flag = '--autoencoder'): Promise<FrozenAutoencoder> {
    const abs = resolve(dir);
    const manifest = await verifyModelFolder(abs);
    if (manifest.kind !== 'autoencoder' || !manifest.autoencoder) {
      throw new UsageError(`${flag} ${dir}: latent diffusion needs an autoencoder model folder (manifest kind 'autoencoder'), got kind '${manifest.kind}'`);
    }
    if (manifest.autoencoder.quantization === 'vq') {
      throw new UsageError(`${flag} ${dir}: a VQ autoencoder's latents are codebook entries; latent diffusion here denoises a KL autoencoder's continuous latents (e.g. models/emoji-vae)`);
    }
    if (!manifest.files.encoder || !manifest.files.decoder) throw new UsageError(`${flag} ${dir}: the manifest must list both files.encoder and files.decoder`);
    const ort = ortNode;
    const session = async (role: 'encoder' | 'decoder') =>
      ort.InferenceSession.create(await readFile(join(abs, manifest.files[role]!.path)), { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
    return new FrozenAutoencoder(abs, manifest, ort, await session('encoder'), await session('decoder'));
  }

  /** The latent's [channels, height, width]. */
  get latentShape(): [number, number, number] {
    return this.manifest.autoencoder!.latentShape as [number, number, number];
  }

  /** 1 / std of the training latents: latents are multiplied by it before diffusion and divided after. */
  get scalingFactor(): number {
    return this.manifest.autoencoder!.scalingFactor;
  }

  /** Images [B, H, W, C] NHWC in [-1, 1] → scaled latents [B, h, w, c] NHWC (the posterior mean). */
  async encode(images: Float32Array, batch: number): Promise<Float32Array> {
    const { width: W, height: H, channels: C } = this.manifest.image;
    const input = new this.ort.Tensor('float32', nhwcToNchw(images, batch, H, W, C), [batch, C, H, W]);
    const out = await this.encoder.run({ [this.encoder.inputNames[0]!]: input });
    const [c, h, w] = this.latentShape;
    const z = nchwToNhwc(out[this.encoder.outputNames[0]!]!.data as Float32Array, batch, c, h, w);
    for (let i = 0; i < z.length; i++) z[i]! *= this.scalingFactor;
    return z;
  }

  /** Scaled latents [B, h, w, c] NHWC → images [B, H, W, C] NHWC in [-1, 1]. */
  async decode(latents: Float32Array, batch: number): Promise<Float32Array> {
    const [c, h, w] = this.latentShape;
    const z = nhwcToNchw(latents, batch, h, w, c);
    for (let i = 0; i < z.length; i++) z[i]! /= this.scalingFactor;
    const out = await this.decoder.run({ [this.decoder.inputNames[0]!]: new this.ort.Tensor('float32', z, [batch, c, h, w]) });
    const { width: W, height: H, channels: C } = this.manifest.image;
    return nchwToNhwc(out[this.decoder.outputNames[0]!]!.data as Float32Array, batch, C, H, W);
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}

