import { describe, expect, it } from 'vitest';
import { recallAtK, rowArgmax, transposed } from '../trainer/clip/retrieval.js';
import { UsageError } from '../trainer/errors/usage-error.js';

const m = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), shape: [rows.length, rows[0]!.length] });

describe('recallAtK', () => {
  it('counts a query as found at k when a correct candidate ranks among the top k', () => {
    // query 0: correct c0 ranks first; query 1: correct c1 ranks third; query 2: correct c2 ranks second
    const sim = m([
      [0.9, 0.1, 0.2, 0.0],
      [0.8, 0.3, 0.7, 0.1],
      [0.1, 0.2, 0.5, 0.6],
    ]);
    const r = recallAtK(sim, (q, c) => q === c, [1, 2, 3]);
    expect(r.recall[1]).toBeCloseTo(1 / 3);
    expect(r.recall[2]).toBeCloseTo(2 / 3);
    expect(r.recall[3]).toBeCloseTo(1);
    expect(r.chance[1]).toBeCloseTo(1 / 4);
    expect(r.chance[2]).toBeCloseTo(2 / 4);
    expect(r.queries).toBe(3);
    expect(r.candidates).toBe(4);
  });

  it('takes the best of several correct candidates, and chance grows with them', () => {
    const sim = m([[0.1, 0.9, 0.5, 0.4]]);
    const r = recallAtK(sim, (_q, c) => c === 0 || c === 2, [1, 2]);
    expect(r.recall[1]).toBe(0);
    expect(r.recall[2]).toBe(1); // c2 ranks second
    expect(r.chance[1]).toBeCloseTo(0.5);
    expect(r.chance[2]).toBeCloseTo(1 - (2 / 4) * (1 / 3));
  });

  it('counts ties against the query', () => {
    const r = recallAtK(m([[0.5, 0.5]]), (_q, c) => c === 0, [1]);
    expect(r.recall[1]).toBe(0);
  });

  it('rejects a query without a correct candidate and a malformed matrix', () => {
    expect(() => recallAtK(m([[1, 2]]), () => false)).toThrow(UsageError);
    expect(() => recallAtK({ data: new Float32Array(3), shape: [2, 2] }, () => true)).toThrow(/\[rows, cols\]/);
  });
});

describe('rowArgmax and transposed', () => {
  it('finds each row\'s largest value and swaps rows with columns', () => {
    const sim = m([
      [0.1, 0.9, 0.3],
      [0.7, 0.2, 0.1],
    ]);
    expect([...rowArgmax(sim)]).toEqual([1, 0]);
    const t = transposed(sim);
    expect(t.shape).toEqual([3, 2]);
    expect([...rowArgmax(t)]).toEqual([1, 0, 0]);
  });
});
