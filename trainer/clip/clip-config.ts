/**
 * Everything a CLIP training run needs, with its default, and the recipes (named sets of these). Any field can be
 * overridden from the command line as `--kebab-case-name value`.
 */
import type { RunConfig } from '../run/training-run.js';

export interface ClipConfig extends RunConfig {
  /** Data set spec, as `webgen-train --data`; it must have captions (emoji: the training part, held-out concepts out). */
  data: string;
  /**
   * Side of the square images the image encoder sees (the data is resized to it). 48 with 8×8 patches: 37 tokens; at
   * 64 (65 tokens) a batch of 128 pushed the wasm heap to its 4 GiB and stalled, while 48 trains at batch 128.
   */
  imageSize: number;
  /** 'vit' (patch embedding, class token, pre-norm transformer blocks) or 'cnn' (residual blocks, mean pool). */
  imageEncoder: 'vit' | 'cnn';
  /** ViT: patch side P (imageSize / P patches per side). */
  patch: number;
  /** ViT: token width. */
  vitDim: number;
  /** ViT: transformer blocks. */
  vitDepth: number;
  /** ViT: attention heads (must divide vitDim). */
  vitHeads: number;
  /** CNN: channels per level after a 4×4 stride-4 stem, comma-separated (each level but the last halves the side). */
  cnnWidths: string;
  /** CNN: GroupNorm groups (must divide every width). */
  cnnGroups: number;
  /** Text encoder width. */
  textDim: number;
  /** Text encoder transformer blocks. */
  textLayers: number;
  /** Text encoder attention heads (must divide textDim). */
  textHeads: number;
  /** Words per caption: longer captions keep their first textMaxLength words (the name and short names come first). */
  textMaxLength: number;
  /** Width d_e of the joint embedding (the projections W_i, W_t map to it). */
  embedDim: number;
  /** Augmentation: largest shift, as a fraction of the image side (uniform in ±, per axis). */
  augShift: number;
  /** Augmentation: largest relative zoom in or out (scale uniform in [1 − s, 1 + s]). No colour jitter: colour words matter. */
  augScale: number;
  /** Image–caption pairs per step: every other pair of the batch is a negative. */
  batchSize: number;
  /** Peak AdamW learning rate (linear warm-up, cosine decay to 10%). */
  lr: number;
  warmupSteps: number;
  /** AdamW decoupled weight decay on kernels and embedding tables (not on gains, biases or the temperature). */
  weightDecay: number;
  /** Gradient clipping by global norm (0 = off). */
  gradClip: number;
  /** Also write float16-weight variants of both encoders. */
  fp16: boolean;
}

export const CLIP_BASE_CONFIG: ClipConfig = {
  data: 'emoji',
  imageSize: 48,
  imageEncoder: 'vit',
  patch: 8,
  vitDim: 128,
  vitDepth: 4,
  vitHeads: 4,
  cnnWidths: '64,128,160',
  cnnGroups: 8,
  textDim: 128,
  textLayers: 3,
  textHeads: 4,
  textMaxLength: 32,
  embedDim: 128,
  augShift: 0.06,
  augScale: 0.1,
  batchSize: 128,
  lr: 5e-4,
  warmupSteps: 200,
  weightDecay: 0.1,
  gradClip: 1,
  fp16: true,
  steps: 6000,
  seed: 0,
  logEvery: 20,
  sampleEvery: 0,
  checkpointEvery: 200,
  out: 'runs/clip',
  export: '',
  resume: false,
  backend: 'auto',
  threads: 0,
};

/** Named recipes: the shipped models' settings. */
export const CLIP_RECIPES: Record<string, { description: string; config: Partial<ClipConfig> }> = {
  'emoji-clip': {
    description: 'ViT-image / transformer-text CLIP on emoji 48x48 (RGB over white), batch 128, d_e 128',
    config: { out: 'runs/emoji-clip' },
  },
  'emoji-clip-cnn': {
    description: 'emoji-clip with the CNN image encoder at a similar parameter count (the ViT vs CNN comparison)',
    config: { imageEncoder: 'cnn', out: 'runs/emoji-clip-cnn' },
  },
  'clip-smoke': {
    description: 'a few steps of a tiny CLIP on the emoji data (tests, CI)',
    config: {
      imageSize: 16, patch: 4, vitDim: 16, vitDepth: 1, vitHeads: 2, cnnWidths: '8,16', cnnGroups: 4, textDim: 16, textLayers: 1, textHeads: 2,
      textMaxLength: 12, embedDim: 8, batchSize: 6, steps: 3, warmupSteps: 1, logEvery: 1, checkpointEvery: 2, fp16: false, out: 'runs/clip-smoke',
    },
  },
};
