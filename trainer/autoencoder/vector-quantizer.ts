/**
 * Vector quantisation (van den Oord et al. 2017, VQ-VAE): a codebook of K vectors of length D; each encoder vector is
 * replaced by its nearest code (Euclidean). The decoder's gradient passes straight through to the encoder
 * (z_q = z_e + sg(e − z_e)); the commitment loss β·‖z_e − sg(e)‖² keeps the encoder near its codes (β = 0.25, the
 * paper's). The codebook itself is learnt by exponential moving averages of the vectors assigned to each code
 * (the paper's appendix A.1, decay γ = 0.99, Laplace-smoothed counts) instead of the codebook loss, and a code no
 * vector has chosen for a while (its average count below `deadBelow`) restarts at a random encoder vector of the
 * batch, so the codebook does not collapse to a few codes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../sdk/random/rng.js';

export interface VectorQuantizerOptions {
  /** Codes. */
  codes: number;
  /** Length of each code (the encoder's latent channels). */
  dim: number;
  /** EMA decay γ. Default 0.99. */
  decay?: number;
  /** A code whose average count per batch falls below this restarts. Default 0.01. */
  deadBelow?: number;
}

/** What one quantisation of a batch measured. */
export interface QuantizeStats {
  /** Codes chosen at least once in the batch, as a fraction of K. */
  usage: number;
  /** exp(entropy) of the batch's code histogram (K when all codes are used equally). */
  perplexity: number;
}

export class VectorQuantizer {
  /** [K, D] the codes. */
  readonly codebook: tf.Variable;
  /** [K] EMA of how many vectors chose each code. */
  readonly clusterSize: tf.Variable;
  /** [K, D] EMA of the sum of the vectors that chose each code. */
  readonly embedSum: tf.Variable;
  readonly codes: number;
  readonly dim: number;
  readonly decay: number;
  readonly deadBelow: number;

  constructor(opts: VectorQuantizerOptions, rng: Rng) {
    this.codes = opts.codes;
    this.dim = opts.dim;
    this.decay = opts.decay ?? 0.99;
    this.deadBelow = opts.deadBelow ?? 0.01;
    // Small random codes; every count starts at 0, so the first batch restarts them all at encoder vectors.
    const init = Float32Array.from(rng.normalArray(this.codes * this.dim), (v) => v * 0.01);
    this.codebook = tf.variable(tf.tensor2d(init, [this.codes, this.dim]), false, 'vq.codebook');
    this.clusterSize = tf.variable(tf.zeros([this.codes]), false, 'vq.cluster_size');
    this.embedSum = tf.variable(tf.tensor2d(init, [this.codes, this.dim]), false, 'vq.embed_sum');
  }

  /** The tensors a checkpoint holds. */
  buffers(): Map<string, tf.Variable> {
    return new Map([['codebook', this.codebook], ['cluster_size', this.clusterSize], ['embed_sum', this.embedSum]]);
  }

  /** Index of the nearest code of each row of `flat` [N, D]. */
  nearest(flat: tf.Tensor2D): Int32Array {
    return tf.tidy(() => {
      // ‖z − e‖² = ‖z‖² − 2 z·e + ‖e‖²; ‖z‖² is the same for every code.
      const dots = tf.matMul(flat, this.codebook, false, true); // [N, K]
      const e2 = tf.sum(tf.square(this.codebook), 1); // [K]
      return tf.argMin(tf.sub(e2, tf.mul(dots, 2)), 1).dataSync() as Int32Array;
    });
  }

  /** The codes of `indices`, shaped [..., D] by `shape` (the leading axes). */
  lookup(indices: Int32Array, shape: number[]): tf.Tensor {
    return tf.tidy(() => tf.gather(this.codebook, tf.tensor1d(indices, 'int32')).reshape([...shape, this.dim]));
  }

  /**
   * Straight-through quantisation of `ze` [..., D] (called inside the gradient tape): returns the tensor the decoder
   * sees (values of the codes, gradient of ze), the commitment term ‖z_e − sg(e)‖² (mean), the chosen indices and the
   * encoder vectors as plain values (for {@link update}).
   */
  quantize(ze: tf.Tensor): { zq: tf.Tensor; commitment: tf.Scalar; indices: Int32Array; flat: Float32Array } {
    const flat = Float32Array.from(ze.dataSync() as Float32Array);
    const indices = tf.tidy(() => this.nearest(tf.tensor2d(flat, [flat.length / this.dim, this.dim])));
    const codes = this.lookup(indices, ze.shape.slice(0, -1)); // a constant: no gradient reaches the codebook
    const zeConst = tf.tensor(flat, ze.shape);
    const zq = tf.add(ze, tf.sub(codes, zeConst));
    const commitment = tf.mean(tf.square(tf.sub(ze, codes))) as tf.Scalar;
    zeConst.dispose();
    codes.dispose();
    return { zq, commitment, indices, flat };
  }

  /** EMA update of the codebook from one batch's assignments, then dead-code restarts. Returns the batch's stats. */
  update(indices: Int32Array, flat: Float32Array, rng: Rng): QuantizeStats {
    const K = this.codes;
    const D = this.dim;
    const counts = new Float32Array(K);
    const sums = new Float32Array(K * D);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]!;
      counts[k]! += 1;
      for (let d = 0; d < D; d++) sums[k * D + d]! += flat[i * D + d]!;
    }
    const g = this.decay;
    const size = Float32Array.from(this.clusterSize.dataSync() as Float32Array, (v, k) => g * v + (1 - g) * counts[k]!);
    const sum = Float32Array.from(this.embedSum.dataSync() as Float32Array, (v, j) => g * v + (1 - g) * sums[j]!);
    // Laplace smoothing of the counts (as the reference implementation), so an unused code never divides by 0.
    const n = size.reduce((a, b) => a + b, 0);
    const eps = 1e-5;
    const book = new Float32Array(K * D);
    for (let k = 0; k < K; k++) {
      const smoothed = ((size[k]! + eps) / (n + K * eps)) * n;
      for (let d = 0; d < D; d++) book[k * D + d] = sum[k * D + d]! / smoothed;
    }
    // Dead codes restart at a random encoder vector of this batch, with a count that keeps them alive a while.
    const N = indices.length;
    for (let k = 0; k < K; k++) {
      if (size[k]! >= this.deadBelow) continue;
      const i = rng.int(N);
      for (let d = 0; d < D; d++) {
        book[k * D + d] = flat[i * D + d]!;
        sum[k * D + d] = flat[i * D + d]!;
      }
      size[k] = 1;
    }
    tf.tidy(() => {
      this.codebook.assign(tf.tensor2d(book, [K, D]));
      this.clusterSize.assign(tf.tensor1d(size));
      this.embedSum.assign(tf.tensor2d(sum, [K, D]));
    });
    return codeStats(counts);
  }
}

/** Usage and perplexity of a histogram of code choices. */
export function codeStats(counts: Float32Array | number[]): QuantizeStats {
  let total = 0;
  for (const c of counts) total += c;
  let used = 0;
  let entropy = 0;
  for (const c of counts) {
    if (c <= 0) continue;
    used++;
    const p = c / total;
    entropy -= p * Math.log(p);
  }
  return { usage: used / counts.length, perplexity: Math.exp(entropy) };
}
