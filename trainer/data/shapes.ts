/**
 * The embedded default data set: procedural captioned shapes, nothing to download.
 *
 * Each example is one to `maxShapes` shapes (circle, square, …) in a colour, a size and a cell of a
 * 3×3 grid, drawn anti-aliased (4×4 supersampling per pixel) on a plain background, with a caption
 * such as "a small red circle at the top left" and attributes naming each shape's parts.
 * Example i is a pure function of (seed, i): it is rendered when asked for and never stored.
 */
import { UsageError } from '../errors/usage-error.js';
import { checkIndex, type Dataset, type Example } from './dataset.js';
import { Rng } from '../../sdk/random/rng.js';
import { hashInts } from './rng.js';

/** Shape names, in class-index order (the `label` of an example is its first shape's index here). */
export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'star', 'cross'] as const;
/** Colour names, in index order. */
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
/** Size names, in index order. */
export const SIZES = ['small', 'large'] as const;
/** Positions on the 3×3 grid, row by row from the top left. */
export const POSITIONS = [
  'top left', 'top', 'top right',
  'left', 'center', 'right',
  'bottom left', 'bottom', 'bottom right',
] as const;
/** Backgrounds; 'mixed' picks dark or light per example and says which in the caption. */
export const BACKGROUNDS = ['dark', 'light', 'mixed'] as const;

export type ShapeName = (typeof SHAPES)[number];
export type ColourName = (typeof COLOURS)[number];
export type SizeName = (typeof SIZES)[number];
export type PositionName = (typeof POSITIONS)[number];
export type BackgroundName = (typeof BACKGROUNDS)[number];

/** How each position is said in a caption ("a red circle at the top left", "… on the left"). */
export const POSITION_PHRASES: Record<PositionName, string> = {
  'top left': 'at the top left',
  top: 'at the top',
  'top right': 'at the top right',
  left: 'on the left',
  center: 'in the center',
  right: 'on the right',
  'bottom left': 'at the bottom left',
  bottom: 'at the bottom',
  'bottom right': 'at the bottom right',
};

/** Every word a caption can contain, sorted: the vocabulary a tokenizer for this data set needs. */
export const CAPTION_WORDS: readonly string[] = [
  ...new Set(
    [
      'a', 'and', 'on', 'background', 'dark', 'light',
      ...SHAPES, ...COLOURS, ...SIZES,
      ...Object.values(POSITION_PHRASES).flatMap((p) => p.split(' ')),
    ],
  ),
].sort();

/** Number of colour–shape combinations; combo class = colourIndex · SHAPES.length + shapeIndex. */
export const NUM_COMBOS = COLOURS.length * SHAPES.length;

/** The name of combo class k, e.g. "red circle". */
export function comboName(k: number): string {
  return `${COLOURS[Math.floor(k / SHAPES.length)]} ${SHAPES[k % SHAPES.length]}`;
}

/** Linear RGB in [0, 1] of each colour; distinct in hue and in luma so gray versions differ too. */
export const COLOUR_RGB: Record<ColourName, readonly [number, number, number]> = {
  red: [0.9, 0.12, 0.12],
  green: [0.12, 0.72, 0.2],
  blue: [0.15, 0.35, 0.95],
  yellow: [0.98, 0.88, 0.12],
  purple: [0.62, 0.22, 0.82],
  orange: [1.0, 0.55, 0.08],
};
const BACKGROUND_LEVEL = { dark: 0.1, light: 0.9 } as const;

/** Options of createShapesDataset. */
export interface ShapesOptions {
  /** Number of examples. Default 10000. */
  size?: number;
  /** Seed; example i depends only on (seed, i). Default 0. */
  seed?: number;
  /** Image width in pixels. Default 32. */
  width?: number;
  /** Image height in pixels. Default 32. */
  height?: number;
  /** Most shapes in one image (1..9); each example has 1..maxShapes, uniformly. Default 2. */
  maxShapes?: number;
  /** Background: 'dark', 'light', or 'mixed' (per example, named in the caption). Default 'dark'. */
  background?: BackgroundName;
  /** Amplitude of uniform per-pixel background noise, in [0, 1] units; 0 = plain. Default 0. */
  noise?: number;
  /**
   * Colour–shape combinations, e.g. ["red circle"], that never appear in the data set — for testing
   * whether a model composes attributes it saw separately. Default none.
   */
  holdOutCombos?: string[];
  /** Instead, make every example's first shape one of `holdOutCombos` (the evaluation set). Default false. */
  heldOutOnly?: boolean;
}

/** One shape of a scene. */
interface Placed {
  shape: number;
  colour: number;
  size: number;
  position: number;
  /** Centre in pixels. */
  cx: number;
  cy: number;
  /** Radius in pixels: every shape fits in the circle of this radius. */
  r: number;
}

/** Shape outlines as polygons in unit coordinates (radius 1, y down), built once. */
const POLYGONS: Partial<Record<ShapeName, Float64Array>> = (() => {
  const poly = (pts: number[][]): Float64Array => Float64Array.from(pts.flat());
  // Equilateral, apex up; shifted down 0.25 so its bounding box is centred in the cell.
  const tri = [-90, 30, 150].map((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180) + 0.25]);
  const star: number[][] = [];
  for (let k = 0; k < 10; k++) {
    const a = ((-90 + 36 * k) * Math.PI) / 180;
    const rad = k % 2 === 0 ? 1 : 0.45;
    star.push([rad * Math.cos(a), rad * Math.sin(a) + 0.05]);
  }
  return {
    triangle: poly(tri),
    diamond: poly([[0, -1], [0.8, 0], [0, 1], [-0.8, 0]]),
    star: poly(star),
  };
})();

/** Even–odd point-in-polygon test. */
function inPolygon(p: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = p.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = p[2 * i]!, yi = p[2 * i + 1]!, xj = p[2 * j]!, yj = p[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether unit-coordinate point (x, y) lies inside `shape` of radius 1 centred at 0. */
function insideShape(shape: ShapeName, x: number, y: number): boolean {
  switch (shape) {
    case 'circle':
      return x * x + y * y <= 0.9;
    case 'square':
      return Math.abs(x) <= 0.8 && Math.abs(y) <= 0.8;
    case 'cross':
      return (Math.abs(x) <= 0.3 && Math.abs(y) <= 0.95) || (Math.abs(y) <= 0.3 && Math.abs(x) <= 0.95);
    default:
      return inPolygon(POLYGONS[shape]!, x, y);
  }
}

/** Samples per pixel along each axis; 4×4 = 16 gives 17 coverage levels, smooth enough at 32×32. */
const SUPERSAMPLE = 4;

/**
 * A procedural captioned shapes data set (see the module comment). Options are checked here and
 * throw UsageError naming the option.
 */
export function createShapesDataset(opts: ShapesOptions = {}): Dataset & {
  /** The scene of example i without rendering it: cheap, for filters and statistics. */
  attributesOf(index: number): { caption: string; label: number; attributes: Record<string, string | number> };
} {
  const size = opts.size ?? 10000;
  const seed = opts.seed ?? 0;
  const width = opts.width ?? 32;
  const height = opts.height ?? 32;
  const maxShapes = opts.maxShapes ?? 2;
  const background = opts.background ?? 'dark';
  const noise = opts.noise ?? 0;
  const heldOutOnly = opts.heldOutOnly ?? false;
  const positive = (name: string, v: number, min: number, max = Infinity): void => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new UsageError(`shapes: '${name}' must be an integer in [${min}, ${max}], got ${v}`);
    }
  };
  positive('size', size, 1);
  positive('seed', seed, 0, Number.MAX_SAFE_INTEGER);
  positive('width', width, 8, 4096);
  positive('height', height, 8, 4096);
  positive('maxShapes', maxShapes, 1, POSITIONS.length);
  if (!BACKGROUNDS.includes(background)) {
    throw new UsageError(`shapes: 'background' must be one of ${BACKGROUNDS.join(', ')}, got '${background}'`);
  }
  if (!(noise >= 0 && noise <= 1)) throw new UsageError(`shapes: 'noise' must be in [0, 1], got ${noise}`);
  const heldCombos = new Set<number>();
  for (const name of opts.holdOutCombos ?? []) {
    const [colour, shape, extra] = name.trim().split(/\s+/);
    const c = COLOURS.indexOf(colour as ColourName);
    const s = SHAPES.indexOf(shape as ShapeName);
    if (c < 0 || s < 0 || extra !== undefined) {
      throw new UsageError(
        `shapes: 'holdOutCombos' entry '${name}' is not "<colour> <shape>" with colour in ${COLOURS.join('|')} and shape in ${SHAPES.join('|')}`,
      );
    }
    heldCombos.add(c * SHAPES.length + s);
  }
  if (heldCombos.size === NUM_COMBOS && !heldOutOnly) {
    throw new UsageError(`shapes: 'holdOutCombos' holds out all ${NUM_COMBOS} combinations; nothing is left to draw`);
  }
  if (heldOutOnly && heldCombos.size === 0) {
    throw new UsageError(`shapes: 'heldOutOnly' needs at least one entry in 'holdOutCombos'`);
  }
  const allowed = [...Array(NUM_COMBOS).keys()].filter((k) => !heldCombos.has(k));
  const held = [...heldCombos].sort((a, b) => a - b);
  const minSide = Math.min(width, height);
  const radius = [0.08 * minSide, 0.14 * minSide]; // by size index; large fits a grid cell with jitter
  const jitter = 0.02 * minSide;

  /** The scene of example i: a pure function of (seed, i). */
  const scene = (index: number): { shapes: Placed[]; bg: 'dark' | 'light'; rng: Rng } => {
    const rng = new Rng(hashInts(seed, index));
    const count = 1 + rng.int(maxShapes);
    // Distinct cells (partial Fisher–Yates), so shapes never overlap.
    const cells = [...POSITIONS.keys()];
    const shapes: Placed[] = [];
    for (let k = 0; k < count; k++) {
      const j = k + rng.int(cells.length - k);
      [cells[k], cells[j]] = [cells[j]!, cells[k]!];
      const position = cells[k]!;
      const combo = k === 0 && heldOutOnly ? rng.pick(held) : rng.pick(allowed);
      const sizeIdx = rng.int(SIZES.length);
      shapes.push({
        shape: combo % SHAPES.length,
        colour: Math.floor(combo / SHAPES.length),
        size: sizeIdx,
        position,
        cx: (((position % 3) * 2 + 1) / 6) * width + rng.range(-jitter, jitter),
        cy: ((Math.floor(position / 3) * 2 + 1) / 6) * height + rng.range(-jitter, jitter),
        r: radius[sizeIdx]!,
      });
    }
    const bg = background === 'mixed' ? (rng.uniform() < 0.5 ? 'dark' : 'light') : background;
    return { shapes, bg, rng };
  };

  const describeScene = (shapes: Placed[], bg: 'dark' | 'light') => {
    const phrases = shapes.map(
      (p) => `a ${SIZES[p.size]} ${COLOURS[p.colour]} ${SHAPES[p.shape]} ${POSITION_PHRASES[POSITIONS[p.position]!]}`,
    );
    let caption =
      phrases.length === 1 ? phrases[0]! : `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}`;
    if (background === 'mixed') caption += ` on a ${bg} background`;
    const attributes: Record<string, string | number> = { count: shapes.length, background: bg };
    shapes.forEach((p, k) => {
      // First shape plain (shape, colour…), later ones numbered (shape2, colour2…).
      const sfx = k === 0 ? '' : String(k + 1);
      attributes[`shape${sfx}`] = SHAPES[p.shape]!;
      attributes[`colour${sfx}`] = COLOURS[p.colour]!;
      attributes[`size${sfx}`] = SIZES[p.size]!;
      attributes[`position${sfx}`] = POSITIONS[p.position]!;
      attributes[`shapeClass${sfx}`] = p.shape;
      attributes[`comboClass${sfx}`] = p.colour * SHAPES.length + p.shape;
    });
    return { caption, label: shapes[0]!.shape, attributes };
  };

  const render = (shapes: Placed[], bg: 'dark' | 'light', rng: Rng): Float32Array => {
    const img = new Float32Array(height * width * 3); // [H, W, 3] in [0, 1] until the end
    const level = BACKGROUND_LEVEL[bg];
    for (let i = 0; i < width * height; i++) {
      const v = noise > 0 ? Math.min(1, Math.max(0, level + rng.range(-noise, noise))) : level;
      img[3 * i] = img[3 * i + 1] = img[3 * i + 2] = v;
    }
    const step = 1 / SUPERSAMPLE;
    for (const p of shapes) {
      const name = SHAPES[p.shape]!;
      const rgb = COLOUR_RGB[COLOURS[p.colour]!];
      const x0 = Math.max(0, Math.floor(p.cx - p.r - 1));
      const x1 = Math.min(width - 1, Math.ceil(p.cx + p.r + 1));
      const y0 = Math.max(0, Math.floor(p.cy - p.r - 1));
      const y1 = Math.min(height - 1, Math.ceil(p.cy + p.r + 1));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          let hits = 0;
          for (let sy = 0; sy < SUPERSAMPLE; sy++) {
            const uy = (y + (sy + 0.5) * step - p.cy) / p.r;
            for (let sx = 0; sx < SUPERSAMPLE; sx++) {
              if (insideShape(name, (x + (sx + 0.5) * step - p.cx) / p.r, uy)) hits++;
            }
          }
          if (hits === 0) continue;
          const a = hits / (SUPERSAMPLE * SUPERSAMPLE);
          const o = 3 * (y * width + x);
          for (let c = 0; c < 3; c++) img[o + c] = img[o + c]! * (1 - a) + rgb[c]! * a;
        }
      }
    }
    for (let i = 0; i < img.length; i++) img[i] = img[i]! * 2 - 1;
    return img;
  };

  const ds = {
    name: 'shapes',
    size,
    width,
    height,
    channels: 3,
    numClasses: SHAPES.length,
    classNames: [...SHAPES],
    attributesOf(index: number) {
      checkIndex(ds, index);
      const { shapes, bg } = scene(index);
      return describeScene(shapes, bg);
    },
    get(index: number): Example {
      checkIndex(ds, index);
      const { shapes, bg, rng } = scene(index);
      return { image: render(shapes, bg, rng), ...describeScene(shapes, bg) };
    },
    describe: () => ({
      source: 'shapes',
      count: size,
      seed,
      width,
      height,
      maxShapes,
      background,
      noise,
      ...(held.length > 0 && { holdOutCombos: held.map(comboName), heldOutOnly }),
    }),
  };
  return ds;
}
