import { describe, expect, it } from 'vitest';
import { batchIterator, splitDataset, type Dataset } from '../trainer/data/dataset.js';
import { UsageError } from '../trainer/errors/usage-error.js';

/** A 2x1x1 data set whose pixels encode the example index, so batches can be read back. */
function indexDataset(size: number, withCaptions = true): Dataset {
  return {
    name: 'index',
    size,
    width: 1,
    height: 2,
    channels: 1,
    numClasses: 7,
    get: (i) => ({
      image: Float32Array.of(i / size, -i / size),
      label: i % 7,
      ...(withCaptions && { caption: `example ${i}` }),
    }),
    describe: () => ({ source: 'test', count: size }),
  };
}

function take(it: { next(): { indices: Int32Array } }, n: number): number[][] {
  return Array.from({ length: n }, () => [...it.next().indices]);
}

describe('batchIterator', () => {
  it('stacks images, labels and captions of the chosen indices', () => {
    const ds = indexDataset(10);
    const b = batchIterator(ds, 4, 1).next();
    expect(b.images.length).toBe(4 * 2);
    for (let k = 0; k < 4; k++) {
      const i = b.indices[k]!;
      expect(b.images[2 * k]).toBeCloseTo(i / 10, 6);
      expect(b.images[2 * k + 1]).toBeCloseTo(-i / 10, 6);
      expect(b.labels![k]).toBe(i % 7);
      expect(b.captions![k]).toBe(`example ${i}`);
    }
  });

  it('omits captions when the data set has none', () => {
    const b = batchIterator(indexDataset(5, false), 2, 0).next();
    expect(b.captions).toBeUndefined();
    expect(b.labels).toBeInstanceOf(Int32Array);
  });

  it('visits every example exactly once per epoch, in a new order each epoch', () => {
    const n = 12;
    const it = batchIterator(indexDataset(n), 4, 7);
    const epoch1 = take(it, 3).flat();
    const epoch2 = take(it, 3).flat();
    expect([...epoch1].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect([...epoch2].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(epoch1).not.toEqual(epoch2);
    expect(epoch1).not.toEqual([...Array(n).keys()]); // actually shuffled
  });

  it('is deterministic given the seed and differs across seeds', () => {
    const ds = indexDataset(50);
    expect(take(batchIterator(ds, 8, 3), 5)).toEqual(take(batchIterator(ds, 8, 3), 5));
    expect(take(batchIterator(ds, 8, 3), 5)).not.toEqual(take(batchIterator(ds, 8, 4), 5));
  });

  it('resumes at startStep with exactly the batches an uninterrupted run produces', () => {
    // Batch size that does not divide the size, so batches straddle epoch boundaries.
    const ds = indexDataset(23);
    const full = take(batchIterator(ds, 5, 11), 20);
    for (const start of [0, 1, 4, 5, 13]) {
      const resumed = batchIterator(ds, 5, 11, start);
      expect(resumed.step).toBe(start);
      expect(take(resumed, 20 - start)).toEqual(full.slice(start));
      expect(resumed.step).toBe(20);
    }
  });

  it('handles batches larger than the data set', () => {
    const b = batchIterator(indexDataset(3), 7, 0).next();
    const counts = [0, 0, 0];
    for (const i of b.indices) counts[i]!++;
    expect(counts.reduce((a, c) => a + c)).toBe(7);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad batch sizes and start steps', () => {
    expect(() => batchIterator(indexDataset(3), 0, 0)).toThrow(UsageError);
    expect(() => batchIterator(indexDataset(3), 2, 0, -1)).toThrow(/start step/);
  });
});

describe('splitDataset', () => {
  it('holds out a fraction, disjoint and complete, deterministic in the seed', () => {
    const ds = indexDataset(100);
    const { train, heldOut } = splitDataset(ds, 0.1);
    expect(heldOut.size).toBe(10);
    expect(train.size).toBe(90);
    const idx = (d: Dataset) => Array.from({ length: d.size }, (_, i) => Math.round(d.get(i).image[0]! * 100));
    const all = [...idx(train), ...idx(heldOut)].sort((a, b) => a - b);
    expect(all).toEqual([...Array(100).keys()]);
    expect(idx(splitDataset(ds, 0.1).heldOut)).toEqual(idx(heldOut));
    expect(idx(splitDataset(ds, 0.1, 1).heldOut)).not.toEqual(idx(heldOut));
    // Kept in parent order, and not simply the last examples.
    expect(idx(heldOut)).toEqual([...idx(heldOut)].sort((a, b) => a - b));
    expect(idx(heldOut)).not.toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
  });

  it('holds out a count, or what a predicate picks', () => {
    const ds = indexDataset(20);
    expect(splitDataset(ds, 3).heldOut.size).toBe(3);
    const { train, heldOut } = splitDataset(ds, (ex) => ex.label === 0);
    expect(heldOut.size).toBe(3); // 0, 7, 14
    expect(heldOut.get(1).label).toBe(0);
    expect(train.size).toBe(17);
    expect(train.numClasses).toBe(7);
    expect(heldOut.describe()).toMatchObject({ source: 'test', count: 3, split: 'held-out' });
    expect(() => heldOut.get(3)).toThrow(UsageError);
  });

  it('rejects an impossible hold-out', () => {
    expect(() => splitDataset(indexDataset(5), 6)).toThrow(/hold-out/);
    expect(() => splitDataset(indexDataset(5), 1.5)).toThrow(UsageError);
  });
});
