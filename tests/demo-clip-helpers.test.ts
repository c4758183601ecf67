// The arithmetic of the demo's CLIP pages (demo/src/clip-helpers.ts): its softmax and top-k equal the SDK's zero-shot
// math (sdk/clip/clip-math.ts) on the same cosines, at the logit scales a CLIP learns (up to 100, no overflow); the
// visitor's labels are split, folded and deduplicated as the tokenizer reads them; two manifests match on the data
// set the trainer's --data spec named, not on its size or part.
import { describe, expect, it } from 'vitest';
import { parseLabels, sameTrainingData, softmax, topK, trainingData, wordCount } from '../demo/src/clip-helpers.js';
import type { Manifest } from '../sdk/manifest/types.js';
import { softmax as sdkSoftmax } from '../sdk/clip/clip-math.js';
import { Rng } from '../sdk/random/rng.js';

const withData = (data: unknown): Manifest => ({ training: { recipe: 'r', data: 'free text', steps: 0, wallTimeSeconds: 0, parameters: 0, config: data === undefined ? {} : { data } } }) as unknown as Manifest;

describe('demo CLIP helpers: softmax and top k', () => {
  it("softmax equals the SDK's zero-shot softmax and sums to 1, at scale 1, 1/0.07 and 100", () => {
    const rng = new Rng(5);
    const cos = Float32Array.from({ length: 1910 }, () => rng.uniform() * 2 - 1);
    for (const s of [1, 1 / 0.07, 100]) {
      const p = softmax(cos, s);
      const ref = sdkSoftmax(cos, s);
      expect(Math.max(...Array.from(p, (v, i) => Math.abs(v - ref[i]!)))).toBeLessThan(1e-15);
      expect(p.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      expect(p.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
  });

  it('topK: the k most probable, sorted, probabilities over all the labels (they sum to at most 1)', () => {
    const labels = ['cat face', 'pizza', 'rocket', 'red apple', 'star', 'grinning face', 'dog face'];
    const cos = [0.1, 0.9, -0.2, 0.5, 0.3, 0.7, 0.0];
    const top = topK(labels, cos, 10, 5);
    expect(top.map((r) => r.label)).toEqual(['pizza', 'grinning face', 'red apple', 'star', 'cat face']);
    expect(top.map((r) => r.similarity)).toEqual([0.9, 0.7, 0.5, 0.3, 0.1]);
    const all = softmax(cos, 10);
    expect(top[0]!.probability).toBe(all[1]);
    const sum = top.reduce((a, r) => a + r.probability, 0);
    expect(sum).toBeLessThan(1);
    expect(sum).toBeGreaterThan(0.99);
    for (let i = 1; i < top.length; i++) expect(top[i]!.probability).toBeLessThanOrEqual(top[i - 1]!.probability);
  });

  it('topK: ties keep the labels\' order; k beyond the labels gives them all; mismatched lengths throw', () => {
    expect(topK(['a', 'b', 'c'], [0.2, 0.5, 0.2], 3, 10).map((r) => r.label)).toEqual(['b', 'a', 'c']);
    expect(topK(['a', 'b'], [0.2, 0.5], 3, 0)).toEqual([]);
    expect(() => topK(['a', 'b'], [0.2], 3, 1)).toThrow(/2 labels but 1 similarities/);
  });
});

describe("demo CLIP helpers: the visitor's labels", () => {
  it('splits on commas, trims, folds white space, drops empty and wordless ones and repeats (ignoring case)', () => {
    expect(parseLabels(' cat face,  pizza ,,  red   apple, Pizza, ?!, cat face ')).toEqual(['cat face', 'pizza', 'red apple']);
    expect(parseLabels('')).toEqual([]);
    expect(parseLabels(' , ,')).toEqual([]);
  });

  it("counts words as the SDK's tokenizer splits them (runs of letters or digits)", () => {
    expect(wordCount('zipper-mouth face')).toBe(3);
    expect(wordCount('côte d’ivoire flag')).toBe(4);
    expect(wordCount('keycap: 10')).toBe(2);
    expect(wordCount('!?')).toBe(0);
  });
});

describe('demo CLIP helpers: same training data', () => {
  it("reads the trainer's --data spec: the built-in data sets by name, anything else whole", () => {
    expect(trainingData(withData('shapes:50000'))).toBe('shapes');
    expect(trainingData(withData('emoji'))).toBe('emoji');
    expect(trainingData(withData('emoji:train'))).toBe('emoji');
    expect(trainingData(withData('mnist:../data'))).toBe('mnist');
    expect(trainingData(withData('idx:a.idx'))).toBe('idx:a.idx');
    expect(trainingData(withData('photos/cats'))).toBe('photos/cats');
    expect(trainingData(withData(undefined))).toBeNull();
    expect(trainingData(withData(42))).toBeNull();
    expect(trainingData({} as Manifest)).toBeNull();
  });

  it('the shipped shapes-t2i and an emoji CLIP do not match; emoji and emoji:train do; unknown never matches', () => {
    expect(sameTrainingData(withData('emoji'), withData('shapes:50000'))).toBe(false);
    expect(sameTrainingData(withData('emoji'), withData('emoji:train'))).toBe(true);
    expect(sameTrainingData(withData(undefined), withData(undefined))).toBe(false);
    expect(sameTrainingData(withData('photos/a'), withData('photos/b'))).toBe(false);
  });
});
