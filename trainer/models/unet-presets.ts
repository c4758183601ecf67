import type { UNetConfig } from './unet-config.js';

/**
 * Ready-made U-Net sizes for 32×32 RGB (override inChannels/imageSize/numClasses/contextDim as needed).
 * Parameter counts are for the unconditional model; tests/models-unet-presets.test.ts pins them.
 */
export const UNET_PRESETS = {
  /** 280,371 parameters: CI smoke tests and the quickstart. */
  tiny: { imageSize: 32, inChannels: 3, baseChannels: 16, channelMults: [1, 2, 2], numResBlocks: 1, attentionResolutions: [8], numHeads: 2, groups: 8 },
  /** 1,113,187 parameters. */
  small: { imageSize: 32, inChannels: 3, baseChannels: 32, channelMults: [1, 2, 2], numResBlocks: 1, attentionResolutions: [8], numHeads: 4, groups: 8 },
  /**
   * 1,017,267 parameters (1,096,467 with a 64-wide cross-attention context): channels 24/48/72, so
   * the costly 32×32 and 16×16 levels are narrower than small's and the parameters sit at 8×8, where
   * they are cheap. A batch-32 step with cross-attention costs ~0.8× small's (2.6 vs 3.2 CPU-seconds
   * on one wasm thread); the shapes-t2i recipe's U-Net.
   */
  compact: { imageSize: 32, inChannels: 3, baseChannels: 24, channelMults: [1, 2, 3], numResBlocks: 1, attentionResolutions: [8], numHeads: 4, groups: 8 },
  /**
   * ~2.7M parameters: the benchmark model. Four levels (32, 16, 8, 4) with channels 32/64/96/96 and
   * attention at 8×8 keep most parameters at low resolution, where they are cheap: a batch-32
   * training step fits the wasm32 heap (~2.3 GB) and takes ~2.5–3 s on 2 threads. (Attention at
   * 16×16 and 48 base channels, 2.6M parameters, needed twice the time and overflowed the heap.)
   */
  bench: { imageSize: 32, inChannels: 3, baseChannels: 32, channelMults: [1, 2, 3, 3], numResBlocks: 1, attentionResolutions: [8], numHeads: 4, groups: 8 },
  /**
   * 1,336,868 parameters with a 128-wide cross-attention context: the latent U-Net of emoji-ldm, on an autoencoder's
   * 4×16×16 latents. Channels 32/64/64 at 16/8/4 with (cross-)attention at 8×8 and 4×4 (and the middle), sized so the
   * whole pipeline (CLIP text encoder, U-Net, VAE decoder and encoder) stays under 12 MB at float32.
   */
  latent: { imageSize: 16, inChannels: 4, baseChannels: 32, channelMults: [1, 2, 2], numResBlocks: 1, attentionResolutions: [8, 4], numHeads: 4, groups: 8 },
  /**
   * 1,336,740 parameters with a 128-wide cross-attention context (latent's 1,336,868 within 0.01%): the pixel-space
   * twin of `latent` for the latent-diffusion comparison (recipe emoji-pixel), on 4×64×64 RGBA. The same 8×8 and 4×4
   * levels with (cross-)attention, reached through two narrow full-resolution levels (64 and 32, 16 channels) and
   * 16×16 at 32 channels instead of an autoencoder.
   */
  pixel: { imageSize: 64, inChannels: 4, baseChannels: 16, channelMults: [1, 1, 2, 4, 4], numResBlocks: 1, attentionResolutions: [8, 4], numHeads: 4, groups: 8 },
} satisfies Record<string, UNetConfig>;

export type UNetPresetName = keyof typeof UNET_PRESETS;
