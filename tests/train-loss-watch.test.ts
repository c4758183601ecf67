// LossWatch: the divergence rule of the training loops (NaN/±Infinity, or |loss| `factor`× above its lowest running
// average), judged before the weights a loss measured are saved.
import { describe, expect, it } from 'vitest';
import { LOSS_WATCH_DEFAULTS, LossWatch } from '../trainer/train/loss-watch.js';
import { Rng } from '../sdk/random/rng.js';

/** Feeds `losses` through judge-then-observe; the index of the first diverged one, or -1. */
function firstDiverged(watch: LossWatch, losses: number[]): number {
  for (let i = 0; i < losses.length; i++) {
    if (watch.judge(losses[i]!) !== undefined) return i;
    watch.observe(losses[i]!);
  }
  return -1;
}

describe('LossWatch', () => {
  it('NaN and ±Infinity are divergence from the first loss on', () => {
    for (const bad of [NaN, Infinity, -Infinity]) expect(new LossWatch().judge(bad)).toBe(`loss became ${bad}`);
  });

  it('a noisy, falling diffusion-like loss (batch losses over 30× apart) is never flagged', () => {
    const rng = new Rng(1);
    // 2,000 steps decaying from ~1 to ~0.02, each batch loss spread log-uniformly over a factor e^3.5 ≈ 33.
    const losses = Array.from({ length: 2000 }, (_, i) => Math.exp(-i / 500) * Math.exp(3.5 * rng.uniform() - 1.75));
    expect(firstDiverged(new LossWatch(), losses)).toBe(-1);
  });

  it('a jump of more than `factor` above the first loss is caught at once (the --lr 1e9 case: 0.69 then 6.5e17)', () => {
    const watch = new LossWatch();
    expect(firstDiverged(watch, [0.6853, 6.46e17])).toBe(1);
    expect(new LossWatch().judge(0.6853)).toBeUndefined();
    // Just under the limit passes; just over is caught.
    const f = LOSS_WATCH_DEFAULTS.factor;
    expect(firstDiverged(new LossWatch(), [1, f * 0.99])).toBe(-1);
    expect(firstDiverged(new LossWatch(), [1, f * 1.01])).toBe(1);
  });

  it('an explosion that drags its EMA along (10× per step) and a slow creep (1.5× per step) are both caught once 1000× above the best average', () => {
    const explode = [1, 1, 1, ...Array.from({ length: 20 }, (_, i) => 10 ** (i + 1))];
    const i = firstDiverged(new LossWatch(), explode);
    expect(i).toBeGreaterThan(2);
    expect(explode[i]!).toBeGreaterThan(1000);
    expect(explode[i - 1]!).toBeLessThanOrEqual(1000);
    const creep = [1, 1, 1, ...Array.from({ length: 40 }, (_, k) => 1.5 ** (k + 1))];
    const j = firstDiverged(new LossWatch(), creep);
    expect(j).toBeGreaterThan(2);
    expect(creep[j]!).toBeGreaterThan(1000);
    expect(creep[j - 1]!).toBeLessThanOrEqual(1000);
  });

  it('losses that settle near 0 are judged against the floor, not against a tiny average', () => {
    const settled = Array.from({ length: 50 }, () => 1e-6);
    expect(firstDiverged(new LossWatch({ floor: 1e-2 }), [...settled, 5])).toBe(-1);
    expect(firstDiverged(new LossWatch({ floor: 1e-2 }), [...settled, 11])).toBe(50);
  });

  it('its state survives a checkpoint (JSON): a restored watch judges the rest of the run exactly as the straight one', () => {
    const rng = new Rng(7);
    const losses = Array.from({ length: 60 }, (_, i) => (i === 45 ? 3e4 : Math.exp(-i / 20) + 0.05 * rng.uniform()));
    const straight = new LossWatch();
    const verdicts = losses.map((l) => [straight.judge(l), straight.observe(l)][0]);
    const first = new LossWatch();
    for (const l of losses.slice(0, 30)) first.observe(l);
    const restored = new LossWatch({}, JSON.parse(JSON.stringify(first.state())));
    const resumed = losses.slice(30).map((l) => [restored.judge(l), restored.observe(l)][0]);
    expect(resumed).toEqual(verdicts.slice(30));
    expect(resumed.filter(Boolean).length).toBe(1);
  });
});
