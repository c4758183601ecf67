/**
 * Mean attention distance (Dosovitskiy et al. 2020, Figure 7; Raghu et al. 2021): how far, in pixels, a head looks.
 * For each query patch q, the attention-weighted mean of the distance between q's and each key patch's centres,
 * Σ_k a_qk ‖p_q − p_k‖ · patchSize, averaged over the query patches (and over a batch of images). Class or other
 * prefix tokens are not patches: their rows and columns are left out and each patch row is renormalised over the
 * patches, so a head that attends to the class token says nothing about distance. A head that keeps to each patch
 * itself scores 0, one spread over the 4-neighbours exactly one patch size, one uniform over the image the grid's
 * mean pairwise distance.
 */

/** The token layout of a ViT's attention: `prefix` non-patch tokens, then a rows × cols grid of patches, row-major. */
export interface PatchGrid {
  rows: number;
  cols: number;
  /** Pixels per patch side (distances are in pixels). */
  patchSize: number;
  /** Tokens before the patches (a class token: 1). */
  prefix: number;
}

/**
 * The grid of an N-token attention over a square image of `imageSize` pixels: N = g² (no class token) or 1 + g²
 * (a class token first). Undefined if N is neither.
 */
export function squarePatchGrid(tokens: number, imageSize: number): PatchGrid | undefined {
  for (const prefix of [0, 1]) {
    const g = Math.round(Math.sqrt(tokens - prefix));
    if (g > 0 && g * g === tokens - prefix) return { rows: g, cols: g, patchSize: imageSize / g, prefix };
  }
  return undefined;
}

/**
 * Mean attention distance of each head: `weights` is [B, heads, N, N] (row-major, rows summing to 1) over the tokens of
 * `grid`; returns `heads` distances in pixels, averaged over the B images and the patch queries.
 */
export function meanAttentionDistance(weights: Float32Array, dims: readonly [number, number, number, number], grid: PatchGrid): Float64Array {
  const [B, H, N, M] = dims;
  const P = grid.rows * grid.cols;
  if (N !== M || N !== grid.prefix + P) throw new RangeError(`meanAttentionDistance: attention [${dims.join(', ')}] does not fit ${grid.prefix} + ${grid.rows}x${grid.cols} tokens`);
  if (weights.length !== B * H * N * N) throw new RangeError(`meanAttentionDistance: ${weights.length} weights for [${dims.join(', ')}]`);
  // Distances between patch centres, in pixels.
  const dist = new Float64Array(P * P);
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) {
      const dy = Math.floor(a / grid.cols) - Math.floor(b / grid.cols);
      const dx = (a % grid.cols) - (b % grid.cols);
      dist[a * P + b] = Math.hypot(dx, dy) * grid.patchSize;
    }
  }
  const out = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const base = (b * H + h) * N * N;
      let sum = 0;
      for (let q = 0; q < P; q++) {
        const row = base + (grid.prefix + q) * N + grid.prefix;
        let mass = 0;
        let d = 0;
        for (let k = 0; k < P; k++) {
          const w = weights[row + k]!;
          mass += w;
          d += w * dist[q * P + k]!;
        }
        sum += mass > 0 ? d / mass : 0;
      }
      out[h]! += sum / P / B;
    }
  }
  return out;
}

/** The distance of a head spread uniformly over the patches (the grid's mean pairwise distance, self included): the ceiling to read the others against. */
export function uniformAttentionDistance(grid: PatchGrid): number {
  const P = grid.rows * grid.cols;
  let sum = 0;
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) sum += Math.hypot(Math.floor(a / grid.cols) - Math.floor(b / grid.cols), (a % grid.cols) - (b % grid.cols));
  return (sum / (P * P)) * grid.patchSize;
}
