/**
 * SAGAN-style models (Zhang et al. 2019): the DCGAN skeleton of gan-dcgan.ts with spectral norm in
 * both networks and a self-attention block in both, at 16×16 for 32×32 images (SAGAN puts it at
 * the middle-to-high resolutions, where long-range structure is drawn); trained with the hinge loss
 * and two time-scale learning rates (see the mnist-sagan recipe).
 */
import { ConvDiscriminator, ConvGenerator, type ConvGanConfig } from './gan-dcgan.js';

export type SaganConfig = Omit<ConvGanConfig, 'spectralNorm' | 'attentionAt'> & { attentionAt?: number };

export function saganGenerator(config: SaganConfig, seed: number): ConvGenerator {
  return new ConvGenerator({ ...config, spectralNorm: 'sn', attentionAt: config.attentionAt ?? config.imageSize / 2 }, seed);
}

export function saganDiscriminator(config: Omit<SaganConfig, 'zDim' | 'classDim'>, seed: number): ConvDiscriminator {
  return new ConvDiscriminator({ ...config, spectralNorm: 'sn', attentionAt: config.attentionAt ?? config.imageSize / 2 }, seed);
}
