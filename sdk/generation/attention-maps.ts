/**
 * Cross-attention maps of text-to-image generation (the DAAM / prompt-to-prompt picture: Tang et al. 2023, Hertz et
 * al. 2022): for each prompt token, where the U-Net's cross-attention queries looked, averaged over heads, over every
 * cross-attention layer (each upsampled, bilinear, from its own h×w to the image) and over the denoising steps of
 * the conditional half of the batch. A query's attention over all the prompt's token slots sums to 1, so a pixel's
 * values over the tokens returned (padding left out) sum to at most 1.
 */
import { resizePixels } from '../image/resize.js';
import type { AttentionMaps } from '../types.js';

export class AttentionAccumulator {
  private readonly sum: Float64Array;
  private count = 0;

  /** Maps of the first `tokens` token slots at width × height. */
  constructor(
    private readonly tokens: number,
    private readonly width: number,
    private readonly height: number,
  ) {
    this.sum = new Float64Array(tokens * width * height);
  }

  /** One layer's probabilities `probs` [b, heads, q·q, L] at one step; `row` picks the image (the conditional row). */
  add(probs: Float32Array, dims: readonly number[], row: number): void {
    const [b, heads, Q, L] = dims as [number, number, number, number];
    const q = Math.round(Math.sqrt(Q));
    if (dims.length !== 4 || q * q !== Q || row >= b || L < this.tokens || probs.length !== b * heads * Q * L) {
      throw new RangeError(`AttentionAccumulator: attention [${dims.join(', ')}] is not [batch > ${row}, heads, h·w (square), ≥ ${this.tokens} tokens]`);
    }
    const small = new Float32Array(Q * this.tokens); // [q, q, tokens], mean over heads
    for (let h = 0; h < heads; h++) {
      const base = (row * heads + h) * Q * L;
      for (let p = 0; p < Q; p++) for (let t = 0; t < this.tokens; t++) small[p * this.tokens + t]! += probs[base + p * L + t]! / heads;
    }
    const big = resizePixels(small, q, q, this.tokens, this.width, this.height); // [H, W, tokens]
    const P = this.width * this.height;
    for (let p = 0; p < P; p++) for (let t = 0; t < this.tokens; t++) this.sum[t * P + p]! += big[p * this.tokens + t]!;
    this.count++;
  }

  /** The mean maps, named by `words` (one per token slot). */
  result(words: readonly string[]): AttentionMaps {
    const maps = new Float32Array(this.sum.length);
    for (let i = 0; i < maps.length; i++) maps[i] = this.count ? this.sum[i]! / this.count : 0;
    return { tokens: words.slice(0, this.tokens), width: this.width, height: this.height, maps };
  }
}
