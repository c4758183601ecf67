/**
 * Loss curves as a PNG, drawn pixel by pixel: a legend of coloured squares top-left, in the order
 * of the series; grey grid lines at every "nice" value of the y axis (0 darker), each labelled with
 * its value in a 3×5 pixel digit font; the x axis spans the logged steps (first and last labelled).
 */
import { readFile } from 'node:fs/promises';
import { encodePng } from '../image/encode-png.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export interface LossSeries {
  name: string;
  /** RGB 0..255. */
  color: [number, number, number];
  /** (step, value) pairs in step order. */
  points: [number, number][];
}

export interface PlotOptions {
  width?: number;
  height?: number;
}

/** RGB pixels [height, width, 3] of the series on shared axes (y clipped to the 1st–99th percentile). */
export function renderLossCurves(series: LossSeries[], opts: PlotOptions = {}): { width: number; height: number; data: Uint8Array } {
  const W = opts.width ?? 640;
  const H = opts.height ?? 320;
  const data = new Uint8Array(W * H * 3).fill(255);
  const set = (x: number, y: number, [r, g, b]: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const i = 3 * (y * W + x);
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  };
  const all = series.flatMap((s) => s.points).filter(([, v]) => Number.isFinite(v));
  if (all.length === 0) return { width: W, height: H, data };
  const values = all.map(([, v]) => v).sort((a, b) => a - b);
  let lo = values[Math.floor(0.01 * (values.length - 1))]!;
  let hi = values[Math.ceil(0.99 * (values.length - 1))]!;
  if (hi - lo < 1e-6) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = 0.05 * (hi - lo);
  lo -= pad;
  hi += pad;
  const x0 = Math.min(...all.map(([s]) => s));
  const x1 = Math.max(x0 + 1, ...all.map(([s]) => s));
  const margin = 8;
  const px = (s: number) => Math.round(margin + ((s - x0) / (x1 - x0)) * (W - 2 * margin - 1));
  const py = (v: number) => Math.round(H - margin - 1 - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (H - 2 * margin - 1));
  // Grid: a line at each multiple of a 1-2-5 step giving 4–10 lines; 0 darker.
  const raw = (hi - lo) / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => (hi - lo) / s <= 10)!;
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
    const y = py(v);
    const shade: [number, number, number] = Math.abs(v) < step / 2 ? [120, 120, 120] : [225, 225, 225];
    for (let x = margin; x < W - margin; x++) set(x, y, shade);
  }
  for (const s of series) {
    let prev: [number, number] | null = null;
    for (const [step, v] of s.points) {
      if (!Number.isFinite(v)) continue;
      const p: [number, number] = [px(step), py(v)];
      if (prev) drawLine(prev, p, (x, y) => set(x, y, s.color));
      prev = p;
    }
  }
  const label = (text: string, x: number, y: number) => drawText(text, x, y, (px, py) => set(px, py, [90, 90, 90]));
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) label(formatTick(v, step), W - margin - 4 * formatTick(v, step).length * 2, py(v) - 11);
  label(String(x0), margin, H - margin + 1 - 12);
  label(String(x1), W - margin - 4 * String(x1).length * 2, H - margin + 1 - 12);
  series.forEach((s, i) => {
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) set(margin + 2 + i * 12 + x, margin + 2 + y, s.color);
  });
  return { width: W, height: H, data };
}

/** 3×5 glyphs of the characters tick labels use, rows top to bottom, 3 bits each (MSB left). */
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2], '-': [0, 0, 7, 0, 0], 'e': [0, 7, 7, 4, 7],
};

/** Draws `text` at 2× scale (6×10 pixels per glyph, 8 apart) with its top-left at (x, y). */
function drawText(text: string, x: number, y: number, plot: (x: number, y: number) => void): void {
  [...text].forEach((ch, i) => {
    const rows = GLYPHS[ch];
    if (!rows) return;
    rows.forEach((bits, r) => {
      for (let c = 0; c < 3; c++) {
        if (!(bits & (4 >> c))) continue;
        for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) plot(x + 8 * i + 2 * c + dx, y + 2 * r + dy);
      }
    });
  });
}

/** A tick value with as many decimals as the grid step needs. */
function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const text = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

function drawLine([xa, ya]: [number, number], [xb, yb]: [number, number], plot: (x: number, y: number) => void): void {
  // Bresenham.
  const dx = Math.abs(xb - xa);
  const dy = -Math.abs(yb - ya);
  const sx = xa < xb ? 1 : -1;
  const sy = ya < yb ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    plot(xa, ya);
    if (xa === xb && ya === yb) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      xa += sx;
    }
    if (e2 <= dx) {
      err += dx;
      ya += sy;
    }
  }
}

/** The colours of losses.png, in legend order. */
export const LOSS_COLORS = { dLoss: [214, 39, 40], gLoss: [31, 119, 180], gp: [44, 160, 44] } as const satisfies Record<string, [number, number, number]>;

/** Reads a GAN run's metrics.jsonl and writes losses.png: D loss (red), G loss (blue), and GP (green) when present. */
export async function writeLossCurves(metricsPath: string, pngPath: string, opts: PlotOptions = {}): Promise<void> {
  const lines = (await readFile(metricsPath, 'utf8')).split('\n').filter((l) => l.trim());
  const rows = lines.map((l) => JSON.parse(l) as Record<string, number>);
  const series: LossSeries[] = (['dLoss', 'gLoss', 'gp'] as const)
    .filter((k) => rows.some((r) => r[k] !== undefined && (k !== 'gp' || r[k] !== 0)))
    .map((k) => ({ name: k, color: [...LOSS_COLORS[k]] as [number, number, number], points: rows.map((r) => [r.step!, r[k]!] as [number, number]) }));
  const img = renderLossCurves(series, opts);
  await writeFileAtomic(pngPath, encodePng(img.data, img.width, img.height));
}
