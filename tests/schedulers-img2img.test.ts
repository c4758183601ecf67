import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { DDIMScheduler, img2imgTimesteps } from '../sdk/schedulers/index.js';

describe('img2imgTimesteps: initSteps = min(⌊n·strength⌋, n), start at timesteps[n − initSteps]', () => {
  const s = new DDIMScheduler();
  s.setTimesteps(50); // 980, 960, …, 0

  it('strength 0.5 of 50 steps runs the last 25, from t = 480', () => {
    const ts = img2imgTimesteps(s.timesteps, 0.5);
    expect(ts.length).toBe(25);
    expect(ts[0]).toBe(480);
    expect(ts[24]).toBe(0);
    expect(ts).toBeInstanceOf(Int32Array);
  });

  it('floors n·strength: 0.99 → 49 steps from 960; 0.01 → 0 steps', () => {
    expect(Array.from(img2imgTimesteps(s.timesteps, 0.99).subarray(0, 2))).toEqual([960, 940]);
    expect(img2imgTimesteps(s.timesteps, 0.99).length).toBe(49);
    expect(img2imgTimesteps(s.timesteps, 0.01).length).toBe(0);
  });

  it('strength 1 keeps the whole schedule, 0 none; the input array is not changed', () => {
    const before = s.timesteps.slice();
    expect(Array.from(img2imgTimesteps(s.timesteps, 1))).toEqual(Array.from(before));
    expect(img2imgTimesteps(s.timesteps, 0).length).toBe(0);
    expect(s.timesteps).toEqual(before);
  });

  for (const strength of [1.5, -0.1, Number.NaN]) {
    it(`rejects strength ${strength}, naming it and the valid range`, () => {
      expect(() => img2imgTimesteps(s.timesteps, strength)).toThrow(InvalidInputError);
      expect(() => img2imgTimesteps(s.timesteps, strength)).toThrow(`'strength' must be in [0, 1], got ${strength}`);
    });
  }
});
