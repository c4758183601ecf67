/**
 * Streaming feature statistics: mean and covariance of N feature vectors accumulated batch by batch in
 * float64 inside the wasm module, in constant memory (d² doubles), as pytorch-fid's np.mean / np.cov
 * compute them at once.
 *
 * Notation: K = shift (the first batch's mean), s = Σ (x − K), G = Σ (x − K)(x − K)ᵀ over n samples;
 * μ = K + s/n, Σ = (G − s sᵀ/n) / (n − 1). Shifting by K ≈ μ keeps G − s sᵀ/n free of cancellation.
 *
 * Two threads where an entry has set a helper (sdk/node.ts and the SDK worker's fid/worker-scorer.ts set
 * gram-helper.ts's; this core file starts no worker itself): rows are gathered into blocks of 1024, and each
 * block's lower triangle of G is split at row r ≈ d/√2 between this thread (rows < r) and the helper (rows ≥ r,
 * kept in a shared band), half the multiply-adds each. Still float64 throughout: only who computes which entry changes.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { roundUp, StatsArena } from './wasm.js';

/** Mean and covariance of a set of feature vectors: what FID compares. */
export interface FeatureStats {
  /** Samples the statistics come from. */
  count: number;
  /** Feature dimension d. */
  dim: number;
  /** [d] mean. */
  mean: Float64Array;
  /** [d, d] covariance, row-major and symmetric; unbiased (divides by count − 1) like np.cov. */
  cov: Float64Array;
}

/** One block for the helper thread: rows xs [rows, d] (float64); it adds rows r…dp−1 of Σ yyᵀ (y = x − shift) into band [dp − r, dp]. */
export interface GramJob {
  xs: SharedArrayBuffer;
  rows: number;
  d: number;
  dp: number;
  r: number;
  shift: Float64Array;
  band: SharedArrayBuffer;
}

/** A started helper thread: `run` posts the job, runs `mine` (the caller's share) meanwhile, and returns when both are done. */
export interface GramHelper {
  run(job: GramJob, mine: () => void): void;
}

let helperFactory: (() => Promise<GramHelper | undefined>) | undefined;

/** Where the second thread comes from (the entries set gram-helper.ts's `gramHelper`); undefined: one thread. */
export function setGramHelper(factory: (() => Promise<GramHelper | undefined>) | undefined): void {
  helperFactory = factory;
}

/** Options of {@link FeatureAccumulator.create}. */
export interface FeatureAccumulatorOptions {
  /**
   * 2: split the covariance work with a helper thread when dim ≥ 256 and the environment allows it (the Node entry,
   * or the SDK's browser worker under cross-origin isolation; otherwise one thread); 1: this thread only. Two threads
   * hold about 0.6·d² + 1,500·d more doubles (the shared band and block, the helper's copies). Default 2.
   */
  threads?: 1 | 2;
}

/** Rows per wasm batch: the transposed batch [d, 256] of float64 stays in L2 for d ≤ 512 and streams well above. */
const BATCH = 256;
/** Rows per two-thread block: one message and one wait per 1024 rows keep the hand-over cost near 1%. */
const BLOCK = 1024;
/** Below this (padded) dimension a block is too little work to be worth a second thread. */
const MIN_THREADED_DIM = 256;

/** The second thread's share: its helper, the block being gathered [BLOCK, d] and the band [dp − r, dp] it accumulates. */
interface Split {
  helper: GramHelper;
  /** First row of G the helper owns (a multiple of 4, ≈ dp/√2: equal halves of the triangle). */
  r: number;
  xs: SharedArrayBuffer;
  rows: number;
  band: SharedArrayBuffer;
}

/** Accumulates feature vectors into {@link FeatureStats}; `add` any number of times, then `stats()`. */
export class FeatureAccumulator {
  private n = 0;
  private readonly dp: number;
  private readonly shift: number;
  private readonly sum: number;
  private readonly gram: number;
  private readonly xt: number;
  private readonly src: number;

  private readonly split: Split | undefined;

  private constructor(
    private readonly arena: StatsArena,
    /** Feature dimension. */
    readonly dim: number,
    helper: GramHelper | undefined,
  ) {
    const dp = roundUp(dim, 4);
    this.dp = dp;
    this.shift = arena.alloc(dp * 8);
    this.sum = arena.alloc(dp * 8);
    this.gram = arena.alloc(dp * dp * 8);
    this.xt = arena.alloc(dp * BATCH * 8);
    this.src = arena.alloc(BATCH * dim * 8);
    arena.f64(this.sum, dp).fill(0);
    arena.f64(this.gram, dp * dp).fill(0);
    if (helper) {
      const r = Math.floor(dp / Math.SQRT2 / 4) * 4;
      this.split = { helper, r, xs: new SharedArrayBuffer(BLOCK * dim * 8), rows: 0, band: new SharedArrayBuffer((dp - r) * dp * 8) };
    }
  }

  /** A new accumulator for `dim`-dimensional features. */
  static async create(dim: number, opts: FeatureAccumulatorOptions = {}): Promise<FeatureAccumulator> {
    if (!Number.isInteger(dim) || dim < 1) throw new InvalidInputError('dim', 'must be a positive integer (the feature dimension)', dim);
    const threads = opts.threads ?? 2;
    if (threads !== 1 && threads !== 2) throw new InvalidInputError('threads', 'must be 1 or 2', threads);
    const helper = threads === 2 && roundUp(dim, 4) >= MIN_THREADED_DIM ? await helperFactory?.() : undefined;
    return new FeatureAccumulator(await StatsArena.create(), dim, helper);
  }

  /** Whether a helper thread shares the work (threads: 2, dim ≥ 256, and the environment allows it). */
  get threaded(): boolean {
    return this.split !== undefined;
  }

  /** Samples added so far. */
  get count(): number {
    return this.n;
  }

  /**
   * Adds the rows of `features` ([N, dim] row-major, float32 or float64). Throws InvalidInputError
   * (parameter `name`) for a length that is not a whole number of rows or a NaN/±Infinity value.
   */
  add(features: Float32Array | Float64Array, name = 'features'): void {
    const d = this.dim;
    if (!(features instanceof Float32Array || features instanceof Float64Array)) {
      throw new InvalidInputError(name, `must be a Float32Array or Float64Array [N, ${d}]`, features);
    }
    if (features.length % d !== 0) {
      throw new InvalidInputError(name, `must hold whole rows of ${d} features (length a multiple of ${d})`, `${features.length} values`);
    }
    checkFinite(features, d, name);
    const rows = features.length / d;
    if (rows === 0) return;
    const k = this.arena.k;
    if (this.n === 0) {
      // K = the first batch's mean: close to μ, so the accumulated moments stay well conditioned
      const shift = this.arena.f64(this.shift, this.dp).fill(0);
      for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) shift[j]! += features[i * d + j]!;
      for (let j = 0; j < d; j++) shift[j]! /= rows;
    }
    this.n += rows;
    if (this.split) {
      this.gather(features, rows);
      return;
    }
    const f64 = features instanceof Float64Array;
    for (let start = 0; start < rows; start += BATCH) {
      const n = Math.min(BATCH, rows - start);
      const chunk = features.subarray(start * d, (start + n) * d);
      if (f64) this.arena.f64(this.src, n * d).set(chunk);
      else this.arena.f32(this.src, n * d).set(chunk);
      (f64 ? k.loadBatchF64 : k.loadBatchF32)(this.src, n, d, this.shift, this.xt, this.dp, BATCH, this.sum);
      // G (lower) += Xᵀ X of this batch, X given transposed as xt [dp, BATCH]
      k.gemmNT(this.xt, BATCH, this.xt, BATCH, this.gram, this.dp, this.dp, this.dp, 0, BATCH, 1);
    }
  }

  /** Copies rows into the shared block, handing each full block to both threads. */
  private gather(features: Float32Array | Float64Array, rows: number): void {
    const sp = this.split!;
    const d = this.dim;
    const xs = new Float64Array(sp.xs);
    for (let start = 0; start < rows; ) {
      const n = Math.min(BLOCK - sp.rows, rows - start);
      xs.set(features.subarray(start * d, (start + n) * d), sp.rows * d);
      sp.rows += n;
      start += n;
      if (sp.rows === BLOCK) this.flush();
    }
  }

  /** G rows [0, r) of the gathered block here, rows [r, dp) in the helper, at the same time. */
  private flush(): void {
    const sp = this.split!;
    const { dim: d, dp } = this;
    const rows = sp.rows;
    if (rows === 0) return;
    const k = this.arena.k;
    const xs = new Float64Array(sp.xs, 0, rows * d);
    const shift = this.arena.f64(this.shift, d).slice();
    sp.helper.run({ xs: sp.xs, rows, d, dp, r: sp.r, shift, band: sp.band }, () => {
      for (let start = 0; start < rows; start += BATCH) {
        const n = Math.min(BATCH, rows - start);
        this.arena.f64(this.src, n * d).set(xs.subarray(start * d, (start + n) * d));
        k.loadBatchF64(this.src, n, d, this.shift, this.xt, dp, BATCH, this.sum);
        k.gemmNT(this.xt, BATCH, this.xt, BATCH, this.gram, dp, sp.r, sp.r, 0, BATCH, 1);
      }
    });
    sp.rows = 0;
  }

  /** The mean and covariance so far. Throws InvalidInputError when fewer than 2 samples were added. */
  stats(name = 'features'): FeatureStats {
    const n = this.n;
    const d = this.dim;
    const dp = this.dp;
    if (n < 2) throw new InvalidInputError(name, `needs at least 2 samples for a covariance (add more images)`, `${n} sample${n === 1 ? '' : 's'}`);
    if (this.split) this.flush();
    const shift = this.arena.f64(this.shift, dp);
    const sum = this.arena.f64(this.sum, dp);
    const g = this.arena.f64(this.gram, dp * dp);
    // rows ≥ r of G live in the helper's band (row i at i − r)
    const r = this.split?.r ?? dp;
    const band = this.split ? new Float64Array(this.split.band) : g;
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = shift[j]! + sum[j]! / n;
    const cov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        const gij = i < r ? g[i * dp + j]! : band[(i - r) * dp + j]!;
        const c = (gij - (sum[i]! * sum[j]!) / n) / (n - 1);
        cov[i * d + j] = c;
        cov[j * d + i] = c;
      }
    }
    return { count: n, dim: d, mean, cov };
  }
}

/** Throws InvalidInputError naming the first NaN or infinite value (row and column). */
export function checkFinite(x: ArrayLike<number>, d: number, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new InvalidInputError(name, `must be finite; row ${Math.floor(i / d)}, feature ${i % d} is ${x[i]} (check the images and the extractor)`);
    }
  }
}

/** Statistics of a whole feature matrix [N, dim] at once. */
export async function featureStats(features: Float32Array | Float64Array, dim: number, name = 'features', opts: FeatureAccumulatorOptions = {}): Promise<FeatureStats> {
  const acc = await FeatureAccumulator.create(dim, opts);
  acc.add(features, name);
  return acc.stats(name);
}

/** Checks a FeatureStats object from outside (loaded or built by hand): sizes, finiteness, count ≥ 2. */
export function checkStats(s: FeatureStats, name: string): void {
  if (!s || !(s.mean instanceof Float64Array) || !(s.cov instanceof Float64Array)) {
    throw new InvalidInputError(name, 'must be FeatureStats { count, dim, mean: Float64Array, cov: Float64Array }', s);
  }
  const d = s.dim;
  if (!Number.isInteger(d) || d < 1 || s.mean.length !== d || s.cov.length !== d * d) {
    throw new InvalidInputError(`${name}.dim`, `must match mean [dim] and cov [dim, dim]`, `dim ${d}, mean ${s.mean.length}, cov ${s.cov.length}`);
  }
  if (!(s.count >= 2)) throw new InvalidInputError(`${name}.count`, 'must be at least 2 (a covariance needs 2 samples)', s.count);
  checkFinite(s.mean, d, `${name}.mean`);
  checkFinite(s.cov, d, `${name}.cov`);
}
