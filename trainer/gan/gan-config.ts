/**
 * Everything a GAN training run needs, with its default. A recipe (recipes.ts) is a named set of
 * these; any field can be overridden from the command line as `--kebab-case-name value`.
 */
import type { SpectralNormMode } from '../nn/spectral-norm.js';
import type { GanLossName } from './losses/index.js';

export type GanArch = 'dcgan' | 'sagan' | 'vitgan' | 'stylegan';
export const GAN_ARCHS: readonly GanArch[] = ['dcgan', 'sagan', 'vitgan', 'stylegan'];

export interface GanConfig {
  /** Data set spec, as `webgen-train --data`: `mnist[:DIR]`, `shapes[:N]`, `idx:…` or a folder. */
  data: string;
  /** Examples kept out of training (a fraction or a count), seeded by `seed` (mnist: 1000, as mnist-small, for FID/KID). */
  holdOut: number;
  /**
   * 'dcgan' (conv G/D), 'sagan' (conv + self-attention + SN in both), 'vitgan' (transformers) or 'stylegan' (mapping
   * network + modulated convolutions in G, the DCGAN discriminator).
   */
  arch: GanArch;
  /** Condition G and D on the data set's class labels (embedding in G, projection in D). */
  conditional: boolean;
  /** Latent length; z ~ N(0, I). */
  zDim: number;
  /** G width: channels at 4×4 (dcgan/sagan) or token width D (vitgan). */
  gWidth: number;
  /** D width: channels of the first conv (dcgan/sagan) or token width D (vitgan). */
  dWidth: number;
  /** vitgan: transformer blocks in G; stylegan: layers of the mapping network. */
  gDepth: number;
  /** vitgan: transformer blocks in D. */
  dDepth: number;
  /** vitgan: attention heads (G and D). */
  heads: number;
  /** vitgan: patch side P (G's patches; D's, with `overlap` more on each side). */
  patch: number;
  /** vitgan: pixels D's patches overlap their neighbours by. */
  overlap: number;
  /** Objective: minimax, non-saturating, wgan-gp, wgan-clip (original WGAN) or hinge. */
  loss: GanLossName;
  /** λ of the gradient penalty (wgan-gp). Gulrajani et al.: 10. */
  gpWeight: number;
  /** c of weight clipping (wgan-clip). Arjovsky et al.: 0.01. */
  clipValue: number;
  /** Discriminator updates per generator update (k of Goodfellow et al. Algorithm 1). */
  dSteps: number;
  /** G's Adam learning rate. */
  lrG: number;
  /** D's Adam learning rate (TTUR, Heusel et al. 2017: lrD > lrG, e.g. 4e-4 vs 1e-4). */
  lrD: number;
  /** Adam β1 (DCGAN 0.5; SAGAN/WGAN-GP 0). */
  beta1: number;
  /** Adam β2 (0.999; SAGAN/WGAN-GP 0.9). */
  beta2: number;
  /** One-sided label smoothing: real target 1 − s (minimax / non-saturating only). */
  labelSmoothing: number;
  /**
   * λ of MSGAN's mode-seeking term in G's loss (Mao et al. 2019; 0 = off, their code uses 1): pairs of images with
   * the same class and different z are pushed apart, against a generator that ignores z. Needs an even batch.
   */
  modeSeeking: number;
  /**
   * DiffAugment (Zhao et al. 2020): the ops applied to every image D sees, real and generated, in both updates:
   * a comma-separated subset of color, translation, cutout ('' = off; the paper's choice: all three).
   */
  diffAugment: string;
  /**
   * λ of balanced consistency regularisation (bCR, Zhao et al. 2021; ViTGAN trains its ViT D with it): D's output on
   * a translated copy of each real and generated image must match its output on the image (0 = off; the papers: 10).
   */
  bcrWeight: number;
  /** D's weight normalisation: none, sn (Miyato et al.) or isn (ViTGAN). */
  dSpectralNorm: SpectralNormMode;
  /** G's weight normalisation: none or sn (SAGAN). */
  gSpectralNorm: SpectralNormMode;
  /** dcgan/sagan: feature-map size of the self-attention block in G and D (0 = none). */
  attentionAt: number;
  /** vitgan: self-modulated LayerNorm in G (off: LayerNorm, w added to the input tokens). */
  selfModulation: boolean;
  /** vitgan: add w to G's input tokens as well as modulating by it (the paper's tokens are z-free position embeddings). */
  latentTokens: boolean;
  /** vitgan: scale w = MLP(z) to unit RMS per image, so it modulates as strongly as StyleGAN's mapping output. */
  latentNorm: boolean;
  /** vitgan: minibatch standard deviation in D (PGGAN): D sees how varied the batch is. */
  dMinibatchStd: boolean;
  /** vitgan: D's attention, 'l2' (tied W_q = W_k) or 'dot'. */
  dAttention: 'l2' | 'dot';
  /**
   * vitgan: the discriminator, 'vit' (the paper's ViT D) or 'conv' (the DCGAN D, `dWidth` channels; the paper's Table 4
   * also pairs the ViTGAN generator with a CNN discriminator).
   */
  dArch: 'vit' | 'conv';
  /** Generator updates to train for (a resumed run continues up to this count). */
  steps: number;
  /** Images per update, real and fake alike. */
  batchSize: number;
  /** Decay of the moving average of G's weights used for samples and export (0 = none). */
  emaDecay: number;
  /** Write a sample grid every this many steps (0 = only at the end). */
  sampleEvery: number;
  /** Write a checkpoint every this many steps (and always at the end). */
  checkpointEvery: number;
  /** Write a metrics line every this many steps. */
  logEvery: number;
  /** Seed of weights, data order and latents. */
  seed: number;
  /** Run folder: checkpoint, metrics.jsonl, sample grids, losses.png. */
  out: string;
  /** Model folder to export the generator to at the end ('' = none). */
  export: string;
  /** Store exported weights as float16. */
  fp16: boolean;
  /** Continue from the checkpoint in `out`. */
  resume: boolean;
  /** tfjs backend: auto | tensorflow-gpu | tensorflow | wasm | cpu. */
  backend: string;
  /** wasm threads (0 = one per core). */
  threads: number;
}

/** Defaults every GAN recipe starts from: a conditional DCGAN on MNIST with the non-saturating loss. */
export const GAN_BASE_CONFIG: GanConfig = {
  data: 'mnist',
  holdOut: 1000,
  arch: 'dcgan',
  conditional: true,
  zDim: 64,
  gWidth: 128,
  dWidth: 32,
  gDepth: 4,
  dDepth: 3,
  heads: 4,
  patch: 4,
  overlap: 2,
  loss: 'non-saturating',
  gpWeight: 10,
  clipValue: 0.01,
  dSteps: 1,
  lrG: 2e-4,
  lrD: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  labelSmoothing: 0,
  modeSeeking: 0,
  diffAugment: '',
  bcrWeight: 0,
  dSpectralNorm: 'sn',
  gSpectralNorm: 'none',
  attentionAt: 0,
  selfModulation: true,
  latentTokens: false,
  latentNorm: false,
  dMinibatchStd: false,
  dAttention: 'l2',
  dArch: 'vit',
  steps: 10000,
  batchSize: 64,
  emaDecay: 0.999,
  sampleEvery: 1000,
  checkpointEvery: 200,
  logEvery: 20,
  seed: 0,
  out: 'runs/gan',
  export: '',
  fp16: false,
  resume: false,
  backend: 'auto',
  threads: 0,
};
