// A checkpoint written before --conditioning (with classConditional) resumes with the same meaning,
// and fields added since take their defaults.
import { describe, expect, it } from 'vitest';
import { BASE_CONFIG } from '../trainer/recipes/base.js';
import { upgradeConfig } from '../trainer/recipes/upgrade-config.js';

const legacy = (extra: Record<string, unknown>) => {
  const { conditioning: _c, textDim: _d, holdOutCombos: _h, samplePrompts: _p, ...old } = BASE_CONFIG;
  return { ...old, steps: 4000, data: 'mnist', ...extra };
};

describe('upgradeConfig', () => {
  it("classConditional true/false becomes conditioning 'class'/'none' and disappears", () => {
    const on = upgradeConfig(legacy({ classConditional: true }));
    expect(on.conditioning).toBe('class');
    expect('classConditional' in on).toBe(false);
    expect(upgradeConfig(legacy({ classConditional: false })).conditioning).toBe('none');
  });

  it('keeps the saved values and fills new fields from the defaults', () => {
    const c = upgradeConfig(legacy({ classConditional: true }));
    expect(c.steps).toBe(4000);
    expect(c.data).toBe('mnist');
    expect(c.textDim).toBe(BASE_CONFIG.textDim);
    expect(c.holdOutCombos).toBe('');
  });

  it('a current config passes through unchanged', () => {
    const current = { ...BASE_CONFIG, conditioning: 'text' as const, textDim: 32 };
    expect(upgradeConfig({ ...current })).toEqual(current);
  });
});
