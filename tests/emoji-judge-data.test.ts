import { describe, expect, it } from 'vitest';
import { EMOJI_JUDGE_STYLES, openEmojiJudgeData } from '../trainer/classifier/emoji-judge-data.js';
import { pairAccuracy } from '../trainer/classifier/pair-accuracy.js';
import { STYLE_WORD } from '../trainer/data/emoji/packages.js';
import { UsageError } from '../trainer/errors/usage-error.js';

describe('openEmojiJudgeData', () => {
  it('labels each image subcategory·2 + style, trains on the train part and holds out both held-out parts', async () => {
    const d = await openEmojiJudgeData(16);
    expect(d.classNames.length).toBe(2 * d.subcategories.length);
    expect(d.subcategories.length).toBeGreaterThan(90);
    expect(d.train.width).toBe(16);
    expect(d.train.channels).toBe(3);
    const groups = d.heldOutGroups;
    expect(groups['held-out-concept'].length + groups['held-out-style'].length).toBe(d.heldOut.size);
    const check = (ds: typeof d.train, i: number) => {
      const ex = ds.get(i);
      const a = ex.attributes!;
      expect(d.subcategories[Math.floor(ex.label! / 2)]).toBe(a.subcategory);
      expect(EMOJI_JUDGE_STYLES[ex.label! % 2]).toBe(a.style);
      expect(d.classNames[ex.label!]).toBe(`${a.subcategory} (${STYLE_WORD[a.style as 'google']})`);
      return a;
    };
    const trainConcepts = new Set<string>();
    for (let i = 0; i < d.train.size; i += 37) trainConcepts.add(String(check(d.train, i).concept));
    for (const i of groups['held-out-concept']) expect(trainConcepts.has(String(check(d.heldOut, i).concept))).toBe(false);
    for (const i of groups['held-out-style'].slice(0, 20)) check(d.heldOut, i);
    expect(() => d.heldOut.get(d.heldOut.size)).toThrow(UsageError);
  });
});

describe('pairAccuracy', () => {
  it('scores the outer and inner parts of pair labels apart', () => {
    // inner count 2: expected (3, 0) = 6 and (1, 1) = 3; predicted (3, 1) = 7 and (1, 1) = 3
    expect(pairAccuracy([7, 3], [6, 3], 2)).toEqual({ inner: 0.5, outer: 1, both: 0.5 });
    expect(() => pairAccuracy([1], [1, 2], 2)).toThrow(UsageError);
    expect(() => pairAccuracy([1], [1], 0)).toThrow(/innerCount/);
  });
});
