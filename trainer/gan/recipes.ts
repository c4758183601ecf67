/** Every GAN recipe `webgen-train gan <recipe>` knows, by name. */
import { UsageError } from '../errors/usage-error.js';
import { GAN_BASE_CONFIG, type GanConfig } from './gan-config.js';
import type { GanLossName } from './losses/index.js';

export interface GanRecipe {
  name: string;
  /** One line for `--help`. */
  summary: string;
  defaults: GanConfig;
}

const recipe = (name: string, summary: string, overrides: Partial<GanConfig>): GanRecipe => ({
  name,
  summary,
  defaults: { ...GAN_BASE_CONFIG, out: `runs/${name}`, ...overrides },
});

/**
 * The DCGAN loss ablation: one architecture (no spectral norm, so the loss is the only Lipschitz
 * device), one budget (steps, batch, k = 1, same learning rates), four objectives.
 */
const ablation = (loss: GanLossName, extra: Partial<GanConfig> = {}): GanRecipe =>
  recipe(`mnist-dcgan-${loss}`, `ablation: conditional DCGAN, D without spectral norm, ${loss} loss (same budget as the other mnist-dcgan-* variants)`, {
    loss,
    dSpectralNorm: 'none',
    // 2,000 G-steps (128,000 fake images): ~20 min each on 2 cores, long enough to separate the
    // objectives (docs/gans.md); mnist-dcgan itself trains 10,000.
    steps: 2000,
    sampleEvery: 500,
    ...extra,
  });

export const GAN_RECIPES: Record<string, GanRecipe> = {
  'mnist-dcgan': recipe('mnist-dcgan', 'conditional DCGAN on MNIST: resize-conv G with GroupNorm, spectrally normalised projection D, non-saturating loss', {}),
  'mnist-sagan': recipe('mnist-sagan', 'conditional SAGAN-style GAN on MNIST: self-attention at 8x8 and spectral norm in G and D, hinge loss, TTUR (1e-4 / 4e-4, Adam beta 0, 0.9)', {
    arch: 'sagan',
    loss: 'hinge',
    gSpectralNorm: 'sn',
    dSpectralNorm: 'sn',
    // 8x8 (a quarter of the image side, SAGAN's feat32 of 128 px): at 16x16 the step costs 2.2x (docs/gans.md).
    attentionAt: 8,
    lrG: 1e-4,
    lrD: 4e-4,
    beta1: 0,
    beta2: 0.9,
  }),
  'mnist-stylegan': recipe('mnist-stylegan', 'conditional StyleGAN on MNIST: 4-layer mapping network (1/100 learning rate), learned constant, modulated/demodulated convs with noise, style mixing regularisation, w_avg for truncation; the DCGAN projection D; non-saturating loss', {
    arch: 'stylegan',
    gWidth: 128,
    gDepth: 4,
    gSpectralNorm: 'none',
    dSpectralNorm: 'sn',
    // StyleGAN2's Adam (β1 0, β2 0.99) at the DCGAN recipe's learning rate
    beta1: 0,
    beta2: 0.99,
  }),
  'mnist-vitgan': recipe('mnist-vitgan', 'conditional ViTGAN on MNIST: transformer G with self-modulated LayerNorm and a SIREN patch decoder; ViT D with L2 attention and ISN', {
    arch: 'vitgan',
    // Conditional (w + class embedding in G, projection in D): unconditional, every try drew one shape for every z;
    // with classes, G at least draws ten (docs/gans.md).
    conditional: true,
    // Token width 64: a G block's forward + backward is 0.2 s at 64 against 0.5 s at 96 (docs/gans.md).
    gWidth: 64,
    dWidth: 64,
    gDepth: 4,
    dDepth: 3,
    heads: 4,
    patch: 4,
    overlap: 2,
    dSpectralNorm: 'isn',
    // WGAN-GP, not the paper's non-saturating loss: with non-saturating, D won from step ~40 (D loss ~0.03) and G drew
    // one pattern for every z in four 200–650-step tries (docs/gans.md); WGAN-GP drew a digit-sized shape by step 100,
    // and it was the only loss that kept the DCGAN's samples varied (gan-ablation.md).
    loss: 'wgan-gp',
    // w also added to the input tokens: with SLN alone, the WGAN-GP run drew one shape for every z up to step 420.
    latentTokens: true,
    // And D sees the batch's spread (PGGAN's minibatch std): with latent tokens alone it was still one shape at step 230.
    dMinibatchStd: true,
    // w at unit RMS: with w ~0.2 across z against tokens of RMS 1, G learned to ignore it (all of the above collapsed).
    latentNorm: true,
    lrG: 2e-4,
    lrD: 2e-4,
    beta1: 0,
    beta2: 0.99,
  }),
  'mnist-dcgan-minimax': ablation('minimax'),
  'mnist-dcgan-non-saturating': ablation('non-saturating'),
  // Gulrajani et al.'s Adam settings for the critic; k = 1 keeps the budget equal to the others.
  'mnist-dcgan-wgan-gp': ablation('wgan-gp', { beta1: 0, beta2: 0.9 }),
  'mnist-dcgan-hinge': ablation('hinge'),
  'mnist-dcgan-wgan-clip': ablation('wgan-clip'),
};
// The ViTGAN ablation: the same model and budget without its stabilisers.
GAN_RECIPES['mnist-vitgan-plain'] = {
  name: 'mnist-vitgan-plain',
  summary: 'ablation: mnist-vitgan without its stabilisers (LayerNorm instead of SLN, dot-product attention, SN instead of ISN)',
  defaults: { ...GAN_RECIPES['mnist-vitgan']!.defaults, selfModulation: false, dAttention: 'dot', dSpectralNorm: 'sn', out: 'runs/mnist-vitgan-plain' },
};
// The same generator against the DCGAN discriminator (the ViTGAN paper's Table 4 also pairs its G with a CNN D), with
// MSGAN's mode-seeking term: against the ViT D and against this one without the term, G drew one image per class.
GAN_RECIPES['mnist-vitgan-conv-d'] = {
  name: 'mnist-vitgan-conv-d',
  summary: 'the mnist-vitgan generator against the DCGAN discriminator (32 channels, no spectral norm, WGAN-GP), plus mode seeking (MSGAN, λ 1)',
  defaults: { ...GAN_RECIPES['mnist-vitgan']!.defaults, dArch: 'conv', dWidth: 32, dSpectralNorm: 'none', dMinibatchStd: false, modeSeeking: 1, out: 'runs/mnist-vitgan-conv-d' },
};

// The ViTGAN paper's discriminator regularisers (Lee et al. 2021 train their ViT D with bCR; DiffAugment is the other
// data-efficient GAN device): the recipe's ViT D with neither, each and both, to retry what collapsed without them
// (docs/gans.md). All four keep the shipped conv-D model's mode seeking (λ 1), the one change that made this G vary
// within a class, so that the discriminator and its regularisers are the only difference from the shipped model.
const vitganWith = (name: string, summary: string, extra: Partial<GanConfig>): void => {
  GAN_RECIPES[name] = { name, summary, defaults: { ...GAN_RECIPES['mnist-vitgan']!.defaults, modeSeeking: 1, ...extra, out: `runs/${name}` } };
};
vitganWith('mnist-vitgan-ms', 'mnist-vitgan (ViT D) with mode seeking (λ 1) as the shipped conv-D model: the control of the bCR / DiffAugment retries', {});
vitganWith('mnist-vitgan-bcr', 'mnist-vitgan-ms with balanced consistency regularisation (bCR, λ 10, translations)', { bcrWeight: 10 });
vitganWith('mnist-vitgan-diffaug', 'mnist-vitgan-ms with DiffAugment (translation, cutout) on every image D sees', { diffAugment: 'translation,cutout' });
vitganWith('mnist-vitgan-bcr-diffaug', 'mnist-vitgan-ms with bCR (λ 10) and DiffAugment (translation, cutout)', { bcrWeight: 10, diffAugment: 'translation,cutout' });

export function getGanRecipe(name: string): GanRecipe {
  const r = GAN_RECIPES[name];
  if (!r) throw new UsageError(`unknown GAN recipe '${name}'. Known: ${Object.keys(GAN_RECIPES).join(', ')} (see webgen-train gan --help)`);
  return r;
}
