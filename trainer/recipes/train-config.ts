/**
 * Everything a training run needs, with its default. A recipe is a named set of these values;
 * any field can be overridden from the command line as `--kebab-case-name value`.
 */
export interface TrainConfig {
  /** Data set spec: `shapes[:N]`, `mnist[:DIR]`, `idx:IMAGES[,LABELS]` or a folder of PNG/JPEG. */
  data: string;
  /**
   * Examples kept out of training for evaluation: a fraction in (0, 1) or a count (0 = none).
   * The choice is seeded by `seed`, so eval commands can rebuild the same split.
   */
  holdOut: number;
  /** U-Net size preset (see trainer/models/unet.ts UNET_PRESETS). */
  model: string;
  /**
   * What the model is conditioned on, each with `condDropout` for classifier-free guidance:
   * 'class' (the data set's labels; none = unconditional), 'text' (the captions, through a text
   * encoder trained jointly with the U-Net's cross-attention) or 'none'.
   */
  conditioning: 'class' | 'text' | 'none';
  /**
   * Latent diffusion (Rombach et al. 2022): an autoencoder model folder (kind 'autoencoder', e.g. models/emoji-vae);
   * the images are encoded once and the U-Net denoises the scaled latents. '' = pixel space.
   */
  autoencoder: string;
  /**
   * Text conditioning on a frozen CLIP text encoder's per-token states (a model folder of kind 'clip', e.g.
   * models/emoji-clip) instead of a jointly trained one; --text-dim and friends are then the CLIP's. '' = joint.
   */
  textModel: string;
  /** Text encoder width D (also the U-Net's cross-attention context width); text conditioning only. */
  textDim: number;
  /** Text encoder transformer blocks. */
  textLayers: number;
  /** Text encoder attention heads (must divide textDim). */
  textHeads: number;
  /** Tokens per prompt: longer captions are an error, shorter ones are padded. */
  textMaxLength: number;
  /**
   * Shapes data only: colour–shape combinations never drawn in training, comma-separated
   * (e.g. 'red circle,blue star'), to measure whether the model composes what it saw apart. '' = none.
   */
  holdOutCombos: string;
  /** Shapes data only: most shapes per image (1..9). */
  maxShapes: number;
  /**
   * Text conditioning: the prompts of the sample grids (one row each), separated by ';'.
   * '' = the first distinct captions of the data set.
   */
  samplePrompts: string;
  /** Optimiser steps to train for (a resumed run continues up to this count). */
  steps: number;
  /** Images per optimiser step. */
  batchSize: number;
  /** Images per forward/backward pass; gradients of `batchSize / microBatch` passes are summed (the wasm heap caps near batch 32 for a 2.7M U-Net). 0 = whole batch. */
  microBatch: number;
  /** Peak learning rate of AdamW. */
  lr: number;
  /** Linear warm-up of the learning rate over this many steps. */
  warmupSteps: number;
  /** AdamW decoupled weight decay. */
  weightDecay: number;
  /** Gradient clipping by global norm (0 = off). */
  gradClip: number;
  /** Decay of the exponential moving average of weights used for samples and export. */
  emaDecay: number;
  /** Probability of replacing the condition by the null condition (classifier-free guidance training). */
  condDropout: number;
  /** Diffusion training timesteps T. */
  trainTimesteps: number;
  /** Beta schedule: 'linear' (Ho et al. 2020) or 'cosine' (Nichol & Dhariwal 2021). */
  betaSchedule: 'linear' | 'cosine';
  /**
   * What the U-Net predicts: 'epsilon' (the noise, Ho et al. 2020) or 'v' (v = √ᾱ ε − √(1−ᾱ) x_0,
   * Salimans & Ho 2022), which at high noise asks for the image itself and so learns the data's
   * overall colours far sooner than ε, where that signal is a √ᾱ-sized sliver of the target.
   */
  prediction: 'epsilon' | 'v';
  /** Write a PNG grid of samples every this many steps (0 = only at the end). */
  sampleEvery: number;
  /** DDIM steps used for the sample grids. */
  sampleSteps: number;
  /** Classifier-free guidance scale for the sample grids of conditional models. */
  guidanceScale: number;
  /** Write a checkpoint every this many steps (and always at the end). */
  checkpointEvery: number;
  /** Log a metrics line every this many steps. */
  logEvery: number;
  /** Seed of weights, data order and noise. */
  seed: number;
  /** Run folder: checkpoint, metrics.jsonl, sample grids. */
  out: string;
  /** Model folder to export to at the end (model.onnx + manifest.json); '' = no export. */
  export: string;
  /** Also export model.fp16.onnx, the U-Net with float16 weights (half the download; files.unet.variants.float16, parity.fp16MaxAbsError). */
  fp16: boolean;
  /** Also export model.int8.onnx, the U-Net with per-channel int8 weights (a quarter of the download, float32 kernels once loaded; files.unet.variants.int8, parity.int8MaxAbsError). */
  int8: boolean;
  /** Continue from the checkpoint in `out`. */
  resume: boolean;
  /** tfjs backend: auto | tensorflow-gpu | tensorflow | wasm | cpu. */
  backend: string;
  /** wasm threads (0 = as many as cores). */
  threads: number;
}

export interface Recipe {
  name: string;
  /** One line for `--help`. */
  summary: string;
  defaults: TrainConfig;
}
