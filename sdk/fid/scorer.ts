/**
 * FidScorer: streams real and generated images through a feature extractor into two constant-memory
 * accumulators, and scores FID (and KID on a uniform reservoir sample of the features).
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkInteger } from '../options/check-values.js';
import { Rng } from '../random/rng.js';
import type { FeatureExtractor, ImageBatch } from './extractor.js';
import { frechetDistance, type FrechetOptions, type FrechetResult } from './frechet.js';
import { inceptionScore, type InceptionScore } from './inception-score.js';
import { kernelDistance, type KidOptions, type KidResult } from './kid.js';
import { MAX_KID_SAMPLES } from './kid-limits.js';
import { decodeStats, encodeStats, type SavedStats } from './stats-file.js';
import { FeatureAccumulator, type FeatureStats } from './stats.js';

/** Which side of the comparison. */
export type Side = 'real' | 'fake';

/** Options of {@link FidScorer.create}. */
export interface FidScorerOptions {
  /** Turns images into features (e.g. createOnnxExtractor over the shipped classifier). */
  extractor: FeatureExtractor;
  /** Saved statistics of the real images (`.fidstats` bytes or decoded); then addReal is not needed. */
  reference?: Uint8Array | SavedStats;
  /**
   * Features kept per side for KID (a uniform reservoir sample; memory rows × dim × 4 bytes, growing with the rows
   * added). 0 turns KID off; at most 1,000,000. Default 10,000.
   */
  kidSamples?: number;
  /** Seed of the reservoir, an integer in [0, 2³² − 1]. Default 0. */
  seed?: number;
  /**
   * Threads of the features' mean and covariance ({@link FeatureAccumulator.create}'s `threads`): 2 lets a helper
   * thread share the covariance where the environment allows it; 1 keeps it on this thread. Default 2.
   */
  threads?: 1 | 2;
}

class SideState {
  acc?: FeatureAccumulator;
  loaded?: SavedStats;
  reservoir?: Float32Array;
  kept = 0;
  seen = 0;
  /** Class logits of every image added, in order (an extractor with logits only): the Inception Score's input. */
  logits: Float32Array[] = [];
  classes = 0;
  constructor(readonly rng: Rng) {}
}

/** Real-vs-generated FID/KID over a feature extractor, fed in batches. */
export class FidScorer {
  private readonly sides: Record<Side, SideState>;
  private readonly seed: number;
  private dim?: number;

  private constructor(
    private readonly extractor: FeatureExtractor,
    private readonly kidSamples: number,
    seed: number,
    private readonly threads: 1 | 2,
  ) {
    this.seed = seed;
    this.sides = { real: new SideState(new Rng(seed)), fake: new SideState(new Rng(seed + 1)) };
    this.dim = extractor.dim;
  }

  static async create(opts: FidScorerOptions): Promise<FidScorer> {
    if (!opts || typeof opts.extractor?.extract !== 'function') throw new InvalidInputError('extractor', 'must be a FeatureExtractor { name, extract(images) } (see createOnnxExtractor)', opts?.extractor);
    const kidSamples = checkInteger('kidSamples', opts.kidSamples ?? 10_000, 0, MAX_KID_SAMPLES, ' (0 turns KID off)');
    const seed = checkInteger('seed', opts.seed ?? 0, 0, 2 ** 32 - 1);
    const threads = opts.threads ?? 2;
    if (threads !== 1 && threads !== 2) throw new InvalidInputError('threads', 'must be 1 or 2 (threads of the mean and covariance)', threads);
    const s = new FidScorer(opts.extractor, kidSamples, seed, threads);
    if (opts.reference !== undefined) s.loadStats(opts.reference, 'real');
    return s;
  }

  /** Adds real images; returns how many real samples there are now. */
  async addReal(images: ImageBatch): Promise<number> {
    return this.addImages(images, 'real');
  }

  /** Adds generated images; returns how many generated samples there are now. */
  async addFake(images: ImageBatch): Promise<number> {
    return this.addImages(images, 'fake');
  }

  /** Whether a helper thread shares the statistics of a side so far (threads 2, ≥ 256 dimensions, an environment with one). */
  get statsThreaded(): boolean {
    return Object.values(this.sides).some((s) => s.acc?.threaded === true);
  }

  /** Whether the extractor is also a classifier, so that inceptionScore() can be asked for. */
  get hasLogits(): boolean {
    return typeof this.extractor.extractWithLogits === 'function';
  }

  private async addImages(images: ImageBatch, side: Side): Promise<number> {
    if (!this.extractor.extractWithLogits) return this.addFeatures(await this.extractor.extract(images), side);
    const s = this.side(side);
    if (s.loaded) throw new InvalidInputError('side', `'${side}' holds loaded statistics; create a new scorer to accumulate instead`, side);
    const { features, logits, classes } = await this.extractor.extractWithLogits(images);
    const n = await this.addFeatures(features, side);
    s.logits.push(logits);
    s.classes = classes;
    return n;
  }

  /**
   * The Inception Score (sdk/fid/inception-score.ts: the seeds' `splits` consecutive parts, mean ± std) of one side's
   * images (default the generated ones), from the extractor's class logits. Needs an extractor with logits and images
   * added to that side (saved statistics carry no predictions).
   */
  inceptionScore(side: Side = 'fake', opts: { splits?: number } = {}): InceptionScore {
    const s = this.side(side);
    if (!this.hasLogits) throw new InvalidInputError('extractor', `has no class logits output: the Inception Score needs a classifier (e.g. models/mnist-classifier, output 'logits')`, this.extractor.name);
    const rows = s.logits.reduce((a, l) => a + l.length, 0) / Math.max(1, s.classes);
    if (rows === 0) throw new InvalidInputError(side === 'real' ? 'addReal' : 'addFake', `has not been called: the Inception Score needs ${side} images${s.loaded ? ' (loaded statistics carry no predictions)' : ''}`);
    const all = new Float32Array(rows * s.classes);
    let o = 0;
    for (const l of s.logits) {
      all.set(l, o);
      o += l.length;
    }
    return inceptionScore(all, rows, s.classes, { splits: opts.splits ?? 10 });
  }

  /** Adds precomputed features [N, dim] to a side (`dim` needed only when the extractor does not report one). */
  async addFeatures(features: Float32Array | Float64Array, side: Side, dim?: number): Promise<number> {
    const s = this.side(side);
    if (s.loaded) throw new InvalidInputError('side', `'${side}' holds loaded statistics; create a new scorer to accumulate instead`, side);
    this.dim ??= this.extractor.dim ?? dim;
    if (this.dim === undefined) throw new InvalidInputError('dim', 'must be given: the extractor does not report its feature dimension');
    if (dim !== undefined && dim !== this.dim) {
      throw new InvalidInputError(`${side} features`, `must have ${this.dim} dimensions like the other set (the same extractor for both)`, `${dim} dimensions`);
    }
    const d = this.dim;
    s.acc ??= await FeatureAccumulator.create(d, { threads: this.threads });
    s.acc.add(features, side === 'real' ? 'real features' : 'fake features');
    // reservoir sampling (Algorithm R): every feature row has the same chance to be kept
    if (this.kidSamples > 0) {
      const rows = features.length / d;
      s.reservoir = grown(s.reservoir, Math.min(this.kidSamples, s.seen + rows) * d, this.kidSamples * d);
      for (let i = 0; i < rows; i++, s.seen++) {
        const slot = s.seen < this.kidSamples ? s.seen : s.rng.int(s.seen + 1);
        if (slot < this.kidSamples) s.reservoir.set(features.subarray(i * d, (i + 1) * d), slot * d);
      }
      s.kept = Math.min(s.seen, this.kidSamples);
    } else s.seen += features.length / d;
    return s.seen;
  }

  /** Samples added (or loaded) per side. */
  get counts(): Record<Side, number> {
    return { real: this.count('real'), fake: this.count('fake') };
  }

  private count(side: Side): number {
    const s = this.sides[side];
    return s.loaded ? s.loaded.count : s.seen;
  }

  /** FID between the real and the generated images so far. */
  async fid(opts?: FrechetOptions): Promise<FrechetResult> {
    return frechetDistance(this.stats('real'), this.stats('fake'), opts);
  }

  /** KID between the kept samples of both sides (defaults as clean-fid: 100 subsets of up to 1,000). */
  async kid(opts?: KidOptions): Promise<KidResult> {
    const a = this.kidFeatures('real');
    const b = this.kidFeatures('fake');
    return kernelDistance(a, b, this.dim!, opts);
  }

  /** Mean and covariance of one side. */
  stats(side: Side): FeatureStats {
    const s = this.side(side);
    if (s.loaded) return s.loaded;
    if (!s.acc) throw new InvalidInputError(side === 'real' ? 'addReal' : 'addFake', `has not been called: FID needs at least 2 ${side} samples`);
    return s.acc.stats(side === 'real' ? 'real images' : 'fake images');
  }

  /** `.fidstats` bytes of one side (default 'real'), with its KID sample: reuse them as `reference` later. */
  saveStats(side: Side = 'real', note?: string): Uint8Array {
    const s = this.side(side);
    const st = this.stats(side);
    const kid = s.loaded ? s.loaded.kidFeatures : s.reservoir?.subarray(0, s.kept * st.dim);
    return encodeStats({ ...st, ...(kid && kid.length && { kidFeatures: kid.slice() }), extractor: this.extractor.name, ...(note && { note }) });
  }

  /** Empties one side: it starts again as in a new scorer (the same KID sampling seed); the other side is kept. */
  clear(side: Side): void {
    this.side(side); // checks the name
    this.sides[side] = new SideState(new Rng(side === 'real' ? this.seed : this.seed + 1));
  }

  /** Replaces one side (default 'real') with saved statistics. Their extractor must match this scorer's. */
  loadStats(stats: Uint8Array | SavedStats, side: Side = 'real'): void {
    const st = stats instanceof Uint8Array ? decodeStats(stats, 'stats') : stats;
    if (st.extractor && st.extractor !== this.extractor.name) {
      throw new InvalidInputError('stats', `were computed with extractor '${st.extractor}', this scorer uses '${this.extractor.name}' (scores from different extractors are not comparable)`);
    }
    if (this.dim !== undefined && st.dim !== this.dim) throw new InvalidInputError('stats', `must have ${this.dim} dimensions like the other set (the same extractor for both)`, `${st.dim} dimensions`);
    this.dim = st.dim;
    const s = this.side(side);
    s.loaded = st;
    s.acc = undefined;
    s.logits = [];
  }

  private side(side: Side): SideState {
    if (side !== 'real' && side !== 'fake') throw new InvalidInputError('side', "must be 'real' or 'fake'", side);
    return this.sides[side];
  }

  private kidFeatures(side: Side): Float32Array {
    const s = this.side(side);
    const f = s.loaded ? s.loaded.kidFeatures : s.reservoir?.subarray(0, s.kept * (this.dim ?? 0));
    if (!f || f.length === 0) {
      throw new InvalidInputError(
        s.loaded ? `${side} statistics` : side === 'real' ? 'addReal' : 'addFake',
        s.loaded ? 'carry no features for KID (save them with kidSamples > 0, or score FID only)' : 'kept no features for KID (kidSamples is 0, or nothing was added)',
      );
    }
    return f;
  }
}

/**
 * `buf` with room for at least `need` values, at most `cap` (doubling, so a side fed batch by batch copies O(n) in
 * all): the reservoir holds what was added, not `kidSamples` rows up front — a large bound costs memory only when
 * that many rows come.
 */
function grown(buf: Float32Array | undefined, need: number, cap: number): Float32Array {
  if (buf && buf.length >= need) return buf;
  const next = new Float32Array(Math.min(cap, Math.max(need, 2 * (buf?.length ?? 0))));
  if (buf) next.set(buf);
  return next;
}
