/** The U-Net's architecture (trainer/models/unet.ts builds it; unet-presets.ts names a few). Its own file: both import it, and neither imports the other. */
export interface UNetConfig {
  /** Height = width of the images, in pixels; must divide by 2^(levels-1). */
  imageSize: number;
  /** Image channels (1 grey, 3 RGB). */
  inChannels: number;
  /** Channels of the first level; level i has baseChannels · channelMults[i]. */
  baseChannels: number;
  /** Channel multiplier per resolution level, e.g. [1, 2, 2]. */
  channelMults: number[];
  /** Residual blocks per level on the way down (the way up has one more). */
  numResBlocks: number;
  /** Feature-map sizes (e.g. [8] = the 8×8 level at 32×32 input) that get attention blocks. The middle always has one. */
  attentionResolutions: number[];
  /** Attention heads (must divide every level's channels). */
  numHeads: number;
  /** GroupNorm groups (must divide every level's channels). */
  groups: number;
  /** Adds a class embedding with numClasses + 1 rows; label numClasses means "no class" (classifier-free guidance). */
  numClasses?: number;
  /** Adds cross-attention to a [B, L, contextDim] context at the attention resolutions and in the middle. */
  contextDim?: number;
  /**
   * Adds a guidance-scale input w (Meng et al. 2023, guidance distillation): sinusoidal(w · 100) → MLP, added to the
   * time embedding; the MLP's last layer starts at zero, so a student built from a teacher starts as the teacher.
   */
  guidanceInput?: boolean;
}
