// The classifiers' data: shapes images carry one shape and a colour+shape label (36 classes);
// the colour/shape reading of combo predictions; the translation augmentation; unknown data names.
import { describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { randomShift } from '../trainer/classifier/augment.js';
import { openClassifierData } from '../trainer/classifier/classifier-data.js';
import { shapeColourAccuracy } from '../trainer/classifier/shapes-verdict.js';
import { COLOURS, SHAPES } from '../trainer/data/shapes.js';
import { UsageError } from '../trainer/errors/usage-error.js';

describe('openClassifierData', () => {
  it('shapes: single-shape RGB images labelled colour·6 + shape, split into train and held-out', async () => {
    const { train, heldOut, classNames } = await openClassifierData('shapes', { shapesCount: 60, holdOut: 12 });
    expect(train.size).toBe(48);
    expect(heldOut.size).toBe(12);
    expect(classNames.length).toBe(36);
    expect(classNames[0]).toBe('red circle');
    for (let i = 0; i < heldOut.size; i++) {
      const ex = heldOut.get(i);
      expect(ex.image.length).toBe(32 * 32 * 3);
      expect(ex.attributes!.count).toBe(1);
      const colour = COLOURS.indexOf(ex.attributes!.colour as (typeof COLOURS)[number]);
      const shape = SHAPES.indexOf(ex.attributes!.shape as (typeof SHAPES)[number]);
      expect(ex.label).toBe(colour * 6 + shape);
      expect(classNames[ex.label!]).toBe(`${ex.attributes!.colour} ${ex.attributes!.shape}`);
    }
  });

  it('rejects an unknown data name and an impossible hold-out', async () => {
    await expect(openClassifierData('cifar')).rejects.toThrow(UsageError);
    await expect(openClassifierData('cifar')).rejects.toThrow(/unknown classifier data 'cifar'; use one of mnist, shapes/);
    await expect(openClassifierData('shapes', { shapesCount: 10, holdOut: 10 })).rejects.toThrow(/leaves 0 training/);
  });
});

describe('shapeColourAccuracy', () => {
  it('scores shape and colour of combo classes separately', () => {
    // expected: red circle (0), green square (7); predicted: red square (1), green square (7)
    expect(shapeColourAccuracy([1, 7], [0, 7])).toEqual({ shape: 0.5, colour: 1, both: 0.5 });
    expect(() => shapeColourAccuracy([1], [0, 7])).toThrow(UsageError);
  });
});

describe('randomShift', () => {
  it('moves an image by at most maxShift pixels, filling from the edges', () => {
    const H = 9, W = 9, B = 20;
    const images = new Float32Array(B * H * W).fill(-1);
    for (let b = 0; b < B; b++) images[b * H * W + 4 * W + 4] = 1; // one bright pixel at the centre
    randomShift(images, B, H, W, 1, 2, new Rng(5));
    const moves = new Set<string>();
    for (let b = 0; b < B; b++) {
      const img = images.subarray(b * H * W, (b + 1) * H * W);
      const bright = [...img.keys()].filter((i) => img[i] === 1);
      expect(bright.length).toBe(1); // background stays background, the pixel survives
      const y = Math.floor(bright[0]! / W), x = bright[0]! % W;
      expect(Math.abs(y - 4)).toBeLessThanOrEqual(2);
      expect(Math.abs(x - 4)).toBeLessThanOrEqual(2);
      moves.add(`${y},${x}`);
    }
    expect(moves.size).toBeGreaterThan(3); // the shifts vary
  });
});
