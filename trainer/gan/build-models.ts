/** Builds the generator and discriminator a GanConfig describes. */
import { UsageError } from '../errors/usage-error.js';
import { ConvDiscriminator, ConvGenerator } from '../models/gan-dcgan.js';
import type { GanDiscriminator, GanGenerator } from '../models/gan-model.js';
import { saganDiscriminator, saganGenerator } from '../models/gan-sagan.js';
import { StyleGenerator } from '../models/gan-stylegan.js';
import { VitDiscriminator, VitGenerator } from '../models/gan-vitgan.js';
import type { GanConfig } from './gan-config.js';

export interface ImageSpec {
  imageSize: number;
  channels: number;
  /** Classes, for conditional models. */
  numClasses?: number;
}

/** G from `seed`, D from a seed derived from it (so the two never share initial draws). */
export function buildGan(cfg: GanConfig, image: ImageSpec): { G: GanGenerator; D: GanDiscriminator } {
  const { imageSize, channels, numClasses } = image;
  const cond = cfg.conditional ? { numClasses } : {};
  if (cfg.conditional && numClasses === undefined) throw new UsageError(`--conditional needs a data set with class labels; --data '${cfg.data}' has none (use --no-conditional)`);
  const dSeed = (cfg.seed ^ 0x0d15c) >>> 0;
  if (cfg.arch !== 'vitgan' && cfg.attentionAt !== 0) {
    const ok = Number.isInteger(Math.log2(cfg.attentionAt)) && cfg.attentionAt >= 8 && cfg.attentionAt <= imageSize / 2;
    if (!ok) throw new UsageError(`--attention-at must be 0 (none) or a feature-map size that both networks have: a power of two from 8 to ${imageSize / 2}, got ${cfg.attentionAt}`);
  }
  switch (cfg.arch) {
    case 'dcgan':
      if (cfg.gSpectralNorm === 'isn') throw new UsageError(`--g-spectral-norm isn is for vitgan's discriminator; use none or sn`);
      return {
        G: new ConvGenerator({ imageSize, channels, width: cfg.gWidth, zDim: cfg.zDim, spectralNorm: cfg.gSpectralNorm, attentionAt: cfg.attentionAt, ...cond }, cfg.seed),
        D: new ConvDiscriminator({ imageSize, channels, width: cfg.dWidth, spectralNorm: cfg.dSpectralNorm, attentionAt: cfg.attentionAt, ...cond }, dSeed),
      };
    case 'sagan':
      if (cfg.gSpectralNorm !== 'sn' || cfg.dSpectralNorm !== 'sn') {
        throw new UsageError(`--arch sagan has spectral norm in G and D; for other choices use --arch dcgan --attention-at ${cfg.attentionAt || 16}`);
      }
      return {
        G: saganGenerator({ imageSize, channels, width: cfg.gWidth, zDim: cfg.zDim, attentionAt: cfg.attentionAt || imageSize / 2, ...cond }, cfg.seed),
        D: saganDiscriminator({ imageSize, channels, width: cfg.dWidth, attentionAt: cfg.attentionAt || imageSize / 2, ...cond }, dSeed),
      };
    case 'stylegan':
      if (cfg.gSpectralNorm !== 'none') throw new UsageError(`--arch stylegan has no spectral norm in G (its convolutions are demodulated); use --g-spectral-norm none`);
      if (cfg.dSpectralNorm === 'isn') throw new UsageError(`--arch stylegan uses the DCGAN discriminator: --d-spectral-norm none or sn`);
      if (cfg.gWidth >> Math.log2(imageSize / 4) < 16) throw new UsageError(`--arch stylegan halves --g-width at each doubling from 4x4 to ${imageSize}x${imageSize} and needs 16 channels at the end: --g-width at least ${16 << Math.log2(imageSize / 4)}, got ${cfg.gWidth}`);
      return {
        G: new StyleGenerator({ imageSize, channels, zDim: cfg.zDim, width: cfg.gWidth, mappingLayers: cfg.gDepth, ...cond }, cfg.seed),
        D: new ConvDiscriminator({ imageSize, channels, width: cfg.dWidth, spectralNorm: cfg.dSpectralNorm, attentionAt: cfg.attentionAt, ...cond }, dSeed),
      };
    case 'vitgan':
      if (cfg.gSpectralNorm !== 'none') throw new UsageError(`--arch vitgan has no spectral norm in G; use --g-spectral-norm none`);
      if (imageSize % cfg.patch !== 0) throw new UsageError(`--patch ${cfg.patch} must divide the image size ${imageSize}`);
      for (const [flag, w] of [['g-width', cfg.gWidth], ['d-width', cfg.dWidth]] as const) {
        if (w % cfg.heads !== 0) throw new UsageError(`--heads ${cfg.heads} must divide --${flag} ${w}`);
      }
      const G = new VitGenerator({
        imageSize, channels, zDim: cfg.zDim, dim: cfg.gWidth, depth: cfg.gDepth, heads: cfg.heads, patch: cfg.patch, mlpRatio: 4,
        selfModulation: cfg.selfModulation, latentTokens: cfg.latentTokens, latentNorm: cfg.latentNorm, fourierFeatures: 32, decoderHidden: 64, ...cond,
      }, cfg.seed);
      if (cfg.dArch === 'conv') {
        if (cfg.dSpectralNorm === 'isn') throw new UsageError(`--d-arch conv takes --d-spectral-norm none or sn (isn is the ViT discriminator's)`);
        if (cfg.dMinibatchStd) throw new UsageError(`--d-minibatch-std is the ViT discriminator's; use --no-d-minibatch-std with --d-arch conv`);
        return { G, D: new ConvDiscriminator({ imageSize, channels, width: cfg.dWidth, spectralNorm: cfg.dSpectralNorm, attentionAt: 0, ...cond }, dSeed) };
      }
      return {
        G,
        D: new VitDiscriminator({
          imageSize, channels, dim: cfg.dWidth, depth: cfg.dDepth, heads: cfg.heads, patch: cfg.patch, overlap: cfg.overlap, mlpRatio: 2,
          spectralNorm: cfg.dSpectralNorm, attention: cfg.dAttention, minibatchStd: cfg.dMinibatchStd, ...cond,
        }, dSeed),
      };
  }
}
