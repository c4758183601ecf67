import type { UNetConfig } from './unet.js';

/**
 * Ready-made U-Net sizes for 32×32 RGB (override inChannels/imageSize/numClasses/contextDim as needed).
 * Parameter counts are for the unconditional model; tests/models-unet-presets.test.ts pins them.
 */
export const UNET_PRESETS = {
  /** 280,371 parameters: CI smoke tests and the quickstart. */
  tiny: { imageSize: 32, inChannels: 3, baseChannels: 16, channelMults: [1, 2, 2], numResBlocks: 1, attentionResolutions: [8], numHeads: 2, groups: 8 },
  /** 1,113,187 parameters. */
  small: { imageSize: 32, inChannels: 3, baseChannels: 32, channelMults: [1, 2, 2], numResBlocks: 1, attentionResolutions: [8], numHeads: 4, groups: 8 },
  /** 2,609,907 parameters: the benchmark model (attention at 16×16 and 8×8). */
  bench: { imageSize: 32, inChannels: 3, baseChannels: 48, channelMults: [1, 2, 2], numResBlocks: 1, attentionResolutions: [16, 8], numHeads: 4, groups: 8 },
} satisfies Record<string, UNetConfig>;

export type UNetPresetName = keyof typeof UNET_PRESETS;
