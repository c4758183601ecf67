import { describe, expect, it } from 'vitest';
import {
  CAPTION_WORDS,
  COLOUR_RGB,
  COLOURS,
  NUM_COMBOS,
  POSITION_PHRASES,
  POSITIONS,
  SHAPES,
  SIZES,
  comboName,
  createShapesDataset,
  type ColourName,
  type PositionName,
} from '../trainer/data/shapes.js';
import { UsageError } from '../trainer/errors/usage-error.js';

const W = 32;
const pixel = (img: Float32Array, x: number, y: number): number[] => [...img.subarray(3 * (y * W + x), 3 * (y * W + x) + 3)];
/** Centre of grid cell `position` in pixels. */
const cellCentre = (position: number): [number, number] => [
  Math.floor((((position % 3) * 2 + 1) / 6) * W),
  Math.floor(((Math.floor(position / 3) * 2 + 1) / 6) * W),
];

describe('shapes data set', () => {
  const ds = createShapesDataset({ size: 400, seed: 5 });

  it('has the declared geometry and values in [-1, 1]', () => {
    expect([ds.width, ds.height, ds.channels, ds.size, ds.numClasses]).toEqual([32, 32, 3, 400, SHAPES.length]);
    expect(ds.classNames).toEqual([...SHAPES]);
    for (let i = 0; i < 20; i++) {
      const { image } = ds.get(i);
      expect(image.length).toBe(32 * 32 * 3);
      expect(Math.min(...image)).toBeGreaterThanOrEqual(-1);
      expect(Math.max(...image)).toBeLessThanOrEqual(1);
    }
  });

  it('makes example i a pure function of (seed, i)', () => {
    const other = createShapesDataset({ size: 1000, seed: 5 });
    const a = ds.get(17);
    ds.get(3); // access order must not matter
    expect(other.get(17)).toEqual(a);
    expect(ds.get(17)).toEqual(a);
    const reseeded = createShapesDataset({ size: 400, seed: 6 });
    const differs = [0, 1, 2, 3, 4].some((i) => reseeded.get(i).caption !== ds.get(i).caption);
    expect(differs).toBe(true);
  });

  it('writes captions that say exactly what the attributes say', () => {
    for (let i = 0; i < 200; i++) {
      const { caption, attributes: a, label } = ds.get(i);
      const parts: string[] = [];
      for (let k = 0; k < (a!.count as number); k++) {
        const s = k === 0 ? '' : String(k + 1);
        parts.push(`a ${a![`size${s}`]} ${a![`colour${s}`]} ${a![`shape${s}`]} ${POSITION_PHRASES[a![`position${s}`] as PositionName]}`);
        expect(a![`shapeClass${s}`]).toBe(SHAPES.indexOf(a![`shape${s}`] as never));
        expect(comboName(a![`comboClass${s}`] as number)).toBe(`${a![`colour${s}`]} ${a![`shape${s}`]}`);
      }
      expect(caption).toBe(parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);
      expect(label).toBe(a!.shapeClass);
      for (const w of caption!.split(' ')) expect(CAPTION_WORDS).toContain(w);
    }
  });

  it('uses one or two shapes in distinct cells, covering every shape, colour, size and position', () => {
    const seen = { shape: new Set(), colour: new Set(), size: new Set(), position: new Set(), count: new Set() };
    for (let i = 0; i < 400; i++) {
      const a = ds.attributesOf(i).attributes;
      for (const key of Object.keys(seen) as (keyof typeof seen)[]) seen[key].add(a[key]);
      if (a.count === 2) expect(a.position2).not.toBe(a.position);
    }
    expect(seen.shape.size).toBe(SHAPES.length);
    expect(seen.colour.size).toBe(COLOURS.length);
    expect(seen.size.size).toBe(SIZES.length);
    expect(seen.position.size).toBe(POSITIONS.length);
    expect([...seen.count].sort()).toEqual([1, 2]);
  });

  it('paints the named colour at the named position and background elsewhere', () => {
    let checked = 0;
    for (let i = 0; i < 400 && checked < 15; i++) {
      const { image, attributes: a } = ds.get(i);
      if (a!.count !== 1 || a!.size !== 'large' || !['circle', 'square'].includes(a!.shape as string)) continue;
      const position = POSITIONS.indexOf(a!.position as PositionName);
      const [cx, cy] = cellCentre(position);
      const rgb = COLOUR_RGB[a!.colour as ColourName].map((v) => v * 2 - 1);
      pixel(image, cx, cy).forEach((v, c) => expect(v).toBeCloseTo(rgb[c]!, 4));
      // Every other cell's centre is background (dark: 0.1 → -0.8).
      for (let p = 0; p < 9; p++) {
        if (p === position) continue;
        const [x, y] = cellCentre(p);
        pixel(image, x, y).forEach((v) => expect(v).toBeCloseTo(-0.8, 5));
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('anti-aliases edges: some pixels are blends of shape and background', () => {
    const { image, attributes: a } = ds.get(0);
    const rgb = COLOUR_RGB[a!.colour as ColourName].map((v) => v * 2 - 1);
    let blends = 0;
    for (let p = 0; p < W * W; p++) {
      const v = pixel(image, p % W, Math.floor(p / W));
      const isBg = v.every((x) => Math.abs(x + 0.8) < 1e-5);
      const isFg = v.every((x, c) => Math.abs(x - rgb[c]!) < 1e-5);
      if (!isBg && !isFg) blends++;
    }
    expect(blends).toBeGreaterThan(4);
  });

  it('never draws held-out combinations, and draws only them with heldOutOnly', () => {
    const holdOutCombos = ['red circle', 'blue square'];
    const train = createShapesDataset({ size: 300, seed: 1, holdOutCombos });
    const held = createShapesDataset({ size: 50, seed: 1, holdOutCombos, heldOutOnly: true });
    for (let i = 0; i < 300; i++) {
      const a = train.attributesOf(i).attributes;
      expect(holdOutCombos).not.toContain(`${a.colour} ${a.shape}`);
      if (a.count === 2) expect(holdOutCombos).not.toContain(`${a.colour2} ${a.shape2}`);
    }
    for (let i = 0; i < 50; i++) expect(holdOutCombos).toContain(`${held.get(i).attributes!.colour} ${held.get(i).attributes!.shape}`);
    expect(train.describe()).toMatchObject({ holdOutCombos: ['red circle', 'blue square'] });
  });

  it('names the background in captions when it is mixed, and paints it', () => {
    const mixed = createShapesDataset({ size: 40, seed: 2, background: 'mixed', maxShapes: 1 });
    const bgs = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const ex = mixed.get(i);
      const bg = ex.attributes!.background as string;
      bgs.add(bg);
      expect(ex.caption!.endsWith(`on a ${bg} background`)).toBe(true);
      // The corner pixel is background: a shape never reaches the image border.
      expect(ex.image[0]).toBeCloseTo(bg === 'light' ? 0.8 : -0.8, 5);
    }
    expect([...bgs].sort()).toEqual(['dark', 'light']);
  });

  it('supports other sizes and up to maxShapes shapes', () => {
    const big = createShapesDataset({ size: 50, width: 48, height: 40, maxShapes: 4, seed: 3 });
    const ex = big.get(9);
    expect(ex.image.length).toBe(48 * 40 * 3);
    const counts = new Set(Array.from({ length: 50 }, (_, i) => big.attributesOf(i).attributes.count));
    expect(Math.max(...(counts as Set<number>))).toBe(4);
    expect(big.attributesOf(9).caption).toBe(ex.caption);
  });

  it('rejects bad options with a UsageError naming the option', () => {
    expect(() => createShapesDataset({ size: 0 })).toThrow(/'size'/);
    expect(() => createShapesDataset({ maxShapes: 10 })).toThrow(/'maxShapes'/);
    expect(() => createShapesDataset({ holdOutCombos: ['red blob'] })).toThrow(UsageError);
    expect(() => createShapesDataset({ heldOutOnly: true })).toThrow(/heldOutOnly/);
    expect(() => createShapesDataset({ holdOutCombos: Array.from({ length: NUM_COMBOS }, (_, k) => comboName(k)) })).toThrow(/all/);
    expect(() => ds.get(400)).toThrow(UsageError);
  });
});
