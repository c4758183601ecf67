import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { inceptionScore } from '../sdk/fid/inception-score.js';

const oneHot = (n: number, k: number, cls: (i: number) => number) => {
  const p = new Float32Array(n * k);
  for (let i = 0; i < n; i++) p[i * k + cls(i)] = 1;
  return p;
};

describe('inceptionScore', () => {
  it('is 1 when every prediction is the same, uniform or not', () => {
    const uniform = new Float32Array(100 * 4).fill(0.25);
    expect(inceptionScore(uniform, 100, 4, { input: 'probabilities' }).mean).toBeCloseTo(1, 12);
    const same = oneHot(100, 4, () => 2);
    const r = inceptionScore(same, 100, 4, { input: 'probabilities' });
    expect(r.mean).toBeCloseTo(1, 12);
    expect(r.std).toBeCloseTo(0, 12);
  });

  it('is k for one-hot predictions spread evenly over k classes (in every split)', () => {
    for (const k of [2, 5, 10]) {
      const r = inceptionScore(oneHot(1000, k, (i) => i % k), 1000, k, { input: 'probabilities' });
      expect(r.mean).toBeCloseTo(k, 10);
      expect(r.splits).toHaveLength(10);
    }
    // 3 of 10 classes used: 3
    expect(inceptionScore(oneHot(600, 10, (i) => (i % 3) * 2), 600, 10, { input: 'probabilities', splits: 5 }).mean).toBeCloseTo(3, 10);
  });

  it('takes logits (softmax first): large one-hot logits give k, equal logits 1', () => {
    const logits = new Float32Array(200 * 4);
    for (let i = 0; i < 200; i++) logits[i * 4 + (i % 4)] = 50;
    expect(inceptionScore(logits, 200, 4).mean).toBeCloseTo(4, 6);
    expect(inceptionScore(new Float32Array(200 * 4).fill(3), 200, 4).mean).toBeCloseTo(1, 12);
  });

  it('matches the seeds\' formula on a random case (exp of the mean KL per split), and the splits\' std', () => {
    const n = 40, k = 3;
    const p = new Float32Array(n * k);
    let s = 1;
    for (let i = 0; i < n; i++) {
      const a = ((s = (s * 16807) % 2147483647) % 1000) + 1, b = ((s = (s * 16807) % 2147483647) % 1000) + 1, c = ((s = (s * 16807) % 2147483647) % 1000) + 1;
      const t = a + b + c;
      p.set([a / t, b / t, c / t], i * k);
    }
    const r = inceptionScore(p, n, k, { input: 'probabilities', splits: 4 });
    const expected: number[] = [];
    for (let sp = 0; sp < 4; sp++) {
      const rows = Array.from({ length: 10 }, (_, i) => Array.from(p.subarray((sp * 10 + i) * k, (sp * 10 + i + 1) * k)));
      const py = [0, 1, 2].map((j) => rows.reduce((acc, r) => acc + r[j]!, 0) / 10);
      const kl = rows.map((r) => r.reduce((acc, q, j) => acc + q * Math.log(q / py[j]!), 0));
      expected.push(Math.exp(kl.reduce((a, b) => a + b, 0) / 10));
    }
    r.splits.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    const m = expected.reduce((a, b) => a + b, 0) / 4;
    expect(r.mean).toBeCloseTo(m, 6);
    expect(r.std).toBeCloseTo(Math.sqrt(expected.reduce((a, b) => a + (b - m) ** 2, 0) / 4), 6);
  });

  it('refuses malformed input, naming the parameter', () => {
    expect(() => inceptionScore(new Float32Array(5), 2, 3)).toThrow(InvalidInputError);
    expect(() => inceptionScore(new Float32Array(6), 2, 3, { splits: 3 })).toThrow(/'splits' must be an integer in \[1, 2\]/);
    expect(() => inceptionScore(new Float32Array(2), 2, 1)).toThrow(/'scores'/);
  });
});
