/**
 * Judges each training loss before the weights it measures are saved: a run has diverged when its loss is NaN or
 * ±Infinity, or, once `warmup` losses have been seen, when |loss| is more than `factor` times its running average
 * (an EMA of |loss| with `decay`) at the lowest that average has been since warm-up, floored at `floor`.
 *
 * Why the lowest average rather than the current one: an exploding loss drags an EMA up behind it (a loss growing 10×
 * per step stays within ~100× of an EMA with decay 0.9 for ever), and one creeping up by 1.5× per step never jumps at
 * all; measured against the best the run has done, both are caught once they are `factor` above it. Why a floor: a
 * loss that has settled near 0 (a classifier at 1e-4) may move by orders of magnitude in absolute terms that mean
 * nothing; the floor is the size of loss below which ratios are not evidence (each loop sets its own).
 *
 * A loop calls `judge(loss)` first, writes any checkpoint of the weights that loss measured only when it passes,
 * then `observe(loss)`. `state()` goes into the checkpoint so that a resumed run judges exactly as the straight one.
 */
export interface LossWatchOptions {
  /** How far above the reference a loss must be to count as diverged. Default 1e3. */
  factor?: number;
  /**
   * Losses seen before the ratio test starts (NaN and ±Infinity always count). Default 1: one loss of a fresh network
   * is reference enough at 1000×, and --lr 1e9 takes the diffusion loss from 0.69 to 6e17 in a single step, so any
   * longer warm-up would let that state be saved.
   */
  warmup?: number;
  /** EMA decay of the running average of |loss| (0.9: about the last 10 steps). Default 0.9. */
  decay?: number;
  /** Smallest reference the ratio is taken against. Default 1e-2. */
  floor?: number;
}

/** What a checkpoint keeps of the watch. */
export interface LossWatchState {
  ema: number;
  /** Lowest `ema` since warm-up (Infinity before). */
  best: number;
  seen: number;
}

export const LOSS_WATCH_DEFAULTS: Required<LossWatchOptions> = { factor: 1e3, warmup: 1, decay: 0.9, floor: 1e-2 };

export class LossWatch {
  readonly opts: Required<LossWatchOptions>;
  private ema = NaN;
  private best = Infinity;
  private seen = 0;

  constructor(opts: LossWatchOptions = {}, state?: LossWatchState) {
    this.opts = { ...LOSS_WATCH_DEFAULTS, ...opts };
    if (state && Number.isFinite(state.ema) && Number.isInteger(state.seen)) {
      this.ema = state.ema;
      this.best = state.best ?? Infinity;
      this.seen = state.seen;
    }
  }

  /** Why `loss` means the run diverged ("loss became NaN", "loss 6.1e+17 is 3.1e+17× …"), or undefined when it did not. */
  judge(loss: number, what = 'loss'): string | undefined {
    if (!Number.isFinite(loss)) return `${what} became ${loss}`;
    if (this.seen < this.opts.warmup) return undefined;
    const reference = Math.max(this.opts.floor, this.best);
    if (Math.abs(loss) > this.opts.factor * reference) {
      return `${what} ${formatLoss(loss)} is ${formatLoss(Math.abs(loss) / reference)}× its running average (${formatLoss(reference)} at its lowest; the limit is ${this.opts.factor}×)`;
    }
    return undefined;
  }

  /** Folds a loss that passed `judge` into the running average. */
  observe(loss: number): void {
    const a = Math.abs(loss);
    this.ema = this.seen === 0 ? a : this.opts.decay * this.ema + (1 - this.opts.decay) * a;
    this.seen++;
    if (this.seen >= this.opts.warmup) this.best = Math.min(this.best, this.ema);
  }

  state(): LossWatchState {
    return { ema: this.ema, best: this.best, seen: this.seen };
  }
}

/** 6.1e+17, 0.0123, 1.5: three significant digits, exponent form outside [1e-3, 1e4). */
function formatLoss(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}
