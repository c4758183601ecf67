/**
 * A small PNG line chart (no dependencies): FID against sampling steps on a log axis, one line per η,
 * with tick labels drawn from a 3x5 pixel font. Enough to see the DDIM paper's Table 1 as a picture.
 */
import { encodePng } from '../image/encode-png.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/** One line of the chart. */
export interface ChartSeries {
  label: string;
  points: { x: number; y: number }[];
}

// 3x5 glyphs, rows top to bottom, 3 bits each (4 = left pixel)
const FONT: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2], '=': [0, 7, 0, 7, 0], '-': [0, 0, 7, 0, 0], ' ': [0, 0, 0, 0, 0],
  e: [0, 7, 7, 4, 7], t: [2, 7, 2, 2, 3], a: [0, 6, 3, 5, 7], F: [7, 4, 6, 4, 4], I: [7, 2, 2, 2, 7], D: [6, 5, 5, 5, 6],
  s: [0, 3, 6, 1, 6], p: [0, 7, 5, 7, 4],
};
const COLOURS: [number, number, number][] = [[31, 119, 180], [214, 39, 40], [44, 160, 44], [148, 103, 189], [255, 127, 14], [23, 190, 207]];

/** Writes the chart to `path` (PNG, width x height pixels). */
export async function writeLineChart(path: string, series: ChartSeries[], opts: { title: string; logX?: boolean; width?: number; height?: number }): Promise<void> {
  const W = opts.width ?? 480;
  const H = opts.height ?? 320;
  const px = new Uint8Array(W * H * 4).fill(255);
  const set = (x: number, y: number, [r, g, b]: [number, number, number]) => {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const o = (y * W + x) * 4;
    px[o] = r;
    px[o + 1] = g;
    px[o + 2] = b;
  };
  const text = (s: string, x: number, y: number, c: [number, number, number] = [0, 0, 0], scale = 2) => {
    for (const [k, ch] of [...s].entries()) {
      const g = FONT[ch] ?? FONT[' ']!;
      for (let r = 0; r < 5; r++) for (let b = 0; b < 3; b++) if (g[r]! & (4 >> b)) for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) set(x + k * 4 * scale + b * scale + dx, y + r * scale + dy, c);
    }
  };
  const line = (x0: number, y0: number, x1: number, y1: number, c: [number, number, number], thick = 1) => {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let i = 0; i <= n; i++) for (let t = -Math.floor(thick / 2); t <= Math.floor(thick / 2); t++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      set(x + (Math.abs(y1 - y0) > Math.abs(x1 - x0) ? t : 0), y + (Math.abs(y1 - y0) > Math.abs(x1 - x0) ? 0 : t), c);
    }
  };
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const fx = (x: number) => (opts.logX ? Math.log10(x) : x);
  const xs = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
  const [x0, x1] = [fx(xs[0] ?? 1), fx(xs[xs.length - 1] ?? 10)];
  const yMax = Math.max(...pts.map((p) => p.y), 1e-9) * 1.1;
  const left = 60, right = W - 20, top = 36, bottom = H - 40;
  const sx = (x: number) => left + ((fx(x) - x0) / (x1 - x0 || 1)) * (right - left);
  const sy = (y: number) => bottom - (y / yMax) * (bottom - top);
  const grey: [number, number, number] = [160, 160, 160];
  line(left, bottom, right, bottom, [0, 0, 0]);
  line(left, top, left, bottom, [0, 0, 0]);
  for (const x of xs) {
    line(sx(x), bottom, sx(x), bottom + 4, [0, 0, 0]);
    text(String(x), sx(x) - String(x).length * 4, bottom + 8);
  }
  for (let i = 0; i <= 4; i++) {
    const y = (yMax / 1.1) * (i / 4);
    line(left - 4, sy(y), left, sy(y), [0, 0, 0]);
    for (let x = left + 2; x < right; x += 4) set(x, sy(y), grey);
    const label = y >= 100 ? y.toFixed(0) : y >= 10 ? y.toFixed(1) : y.toFixed(2);
    text(label, left - 8 - label.length * 8, sy(y) - 5);
  }
  text(opts.title, left, 8);
  text('steps', right - 40, bottom + 24);
  for (const [k, s] of series.entries()) {
    const c = COLOURS[k % COLOURS.length]!;
    const p = s.points.filter((q) => Number.isFinite(q.y));
    for (let i = 1; i < p.length; i++) line(sx(p[i - 1]!.x), sy(p[i - 1]!.y), sx(p[i]!.x), sy(p[i]!.y), c, 2);
    for (const q of p) for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) set(sx(q.x) + dx, sy(q.y) + dy, c);
    // legend in the top margin, left to right after the title
    const lx = left + 60 + k * 100;
    line(lx, 13, lx + 18, 13, c, 3);
    text(s.label, lx + 24, 8, c);
  }
  await writeFileAtomic(path, encodePng(px, W, H));
}
