/**
 * CycleGAN's learning-rate line (trainer/train/lr-schedule.ts linearDecayRate): constant for the first
 * decayStart·steps steps, then falling by the same amount each step, reaching 0 one step after the last.
 */
import { describe, expect, it } from 'vitest';
import { linearDecayRate } from '../trainer/train/lr-schedule.js';

describe('linearDecayRate', () => {
  const cfg = { lr: 2e-4, steps: 200, decayStart: 0.5 };

  it('keeps lr for the first half, as the paper\'s 100 constant epochs', () => {
    for (const s of [0, 50, 99]) expect(linearDecayRate(s, cfg)).toBe(2e-4);
  });

  it('then falls by equal steps, still above 0 at the last trained step', () => {
    const rates = Array.from({ length: 100 }, (_, i) => linearDecayRate(100 + i, cfg));
    expect(rates[0]).toBeCloseTo(2e-4 * (1 - 1 / 101), 12);
    const drops = rates.slice(1).map((r, i) => rates[i]! - r);
    for (const d of drops) expect(d).toBeCloseTo(2e-4 / 101, 12);
    expect(rates[99]).toBeGreaterThan(0);
    expect(linearDecayRate(200, cfg)).toBe(0);
    expect(linearDecayRate(500, cfg)).toBe(0);
  });

  it('decayStart 1 is a constant rate; 0 decays from the first step', () => {
    expect(linearDecayRate(199, { ...cfg, decayStart: 1 })).toBe(2e-4);
    expect(linearDecayRate(0, { ...cfg, decayStart: 0 })).toBeLessThan(2e-4);
  });
});
