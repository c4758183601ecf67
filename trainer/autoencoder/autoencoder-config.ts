/**
 * Everything an autoencoder training run needs, with its default, and the recipes (named sets of these). Any field
 * can be overridden from the command line as `--kebab-case-name value`.
 */
import type { RunConfig } from '../run/training-run.js';

export interface AutoencoderConfig extends RunConfig {
  /** Data set spec, as `webgen-train --data` (emoji: its training part holds out whole concepts). */
  data: string;
  /** Examples kept out of training (a fraction or a count, seeded by `seed`); emoji splits by concept instead: 0. */
  holdOut: number;
  /** 'kl' (VAE, β-VAE) or 'vq' (VQ-VAE). */
  kind: 'kl' | 'vq';
  /** Channels per level, comma-separated ('32,64,64': 3 levels, latents 4× smaller per side). */
  widths: string;
  /** GroupNorm groups. */
  groups: number;
  /** Spatial latents: channels per position (KL) or code length D (VQ). */
  latentChannels: number;
  /** A flat latent of this length instead of a spatial one (KL only; the β-VAE's). 0 = spatial. */
  latentDim: number;
  /** KL weight β (1: the VAE; > 1: β-VAE). */
  beta: number;
  /** σ of the Gaussian likelihood in model units: reconstruction weighs 1/(2σ²) per value. */
  reconSigma: number;
  /** VQ: codebook size K. */
  codes: number;
  /** VQ: commitment β (0.25 in van den Oord et al.). */
  commitment: number;
  /** VQ: EMA decay of the codebook (0.99). */
  vqDecay: number;
  batchSize: number;
  /** Peak AdamW learning rate (linear warm-up, cosine decay to 10%). */
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  /** Gradient clipping by global norm (0 = off). */
  gradClip: number;
  /** Also write float16-weight variants of the encoder and decoder. */
  fp16: boolean;
}

export const AUTOENCODER_BASE_CONFIG: AutoencoderConfig = {
  data: 'emoji',
  holdOut: 0,
  kind: 'kl',
  widths: '16,32,64',
  groups: 8,
  latentChannels: 4,
  latentDim: 0,
  beta: 1,
  reconSigma: 0.05,
  codes: 512,
  commitment: 0.25,
  vqDecay: 0.99,
  batchSize: 16,
  lr: 1e-3,
  warmupSteps: 100,
  weightDecay: 0,
  gradClip: 1,
  fp16: true,
  steps: 3000,
  seed: 0,
  logEvery: 50,
  sampleEvery: 500,
  checkpointEvery: 200,
  out: 'runs/autoencoder',
  export: '',
  resume: false,
  backend: 'auto',
  threads: 0,
};

/** Named recipes: the shipped models' settings. */
export const AUTOENCODER_RECIPES: Record<string, { description: string; config: Partial<AutoencoderConfig> }> = {
  'emoji-vae': {
    description: 'KL autoencoder on emoji 64x64 RGBA, latents 16x16x4 (f = 4), for latent diffusion',
    config: { kind: 'kl', out: 'runs/emoji-vae' },
  },
  'emoji-vqvae': {
    description: 'VQ-VAE on emoji 64x64 RGBA, 16x16 codes of a 512-entry codebook (D = 4), EMA updates',
    config: { kind: 'vq', out: 'runs/emoji-vqvae' },
  },
  'mnist-betavae': {
    description: 'β-VAE (β = 4) on MNIST (32x32, padded) with a 10-dim latent, for traversals',
    config: {
      data: 'mnist', holdOut: 1000, kind: 'kl', widths: '16,32,32', latentDim: 10, beta: 4, reconSigma: 0.3,
      batchSize: 32, steps: 2000, out: 'runs/mnist-betavae',
    },
  },
  'autoencoder-smoke': {
    description: 'a few steps of a tiny KL autoencoder on shapes (tests, CI)',
    config: { data: 'shapes:64', widths: '8,8', groups: 4, latentChannels: 2, batchSize: 4, steps: 3, warmupSteps: 1, logEvery: 1, sampleEvery: 0, checkpointEvery: 2, fp16: false, out: 'runs/autoencoder-smoke' },
  },
};

/** A widths flag (`--widths`, CLIP's `--cnn-widths`) as numbers; a UsageError-worthy message naming `flag` when malformed. */
export function parseWidths(spec: string, flag = '--widths'): number[] {
  const w = spec.split(',').map((s) => Number(s.trim()));
  if (w.length < 1 || w.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${flag} must be positive integers separated by commas, e.g. 32,64,64; got '${spec}'`);
  return w;
}
