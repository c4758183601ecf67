/**
 * The mean attention distance figure (Dosovitskiy et al. 2020, Fig. 7): one dot per head, x the block, y the distance
 * in pixels, with a dashed line where uniform attention would sit. Drawn from the JSON that `webgen explain
 * attention-distance --json` writes (the same figures as docs/explain.md).
 */
import { svg } from './line-chart.js';

/** What `webgen explain attention-distance --json` writes (the fields this plot reads). */
export interface AttentionDistanceJson {
  model: string;
  inputs: number;
  uniform: number;
  grid: { rows: number; cols: number; patchSize: number };
  layers: { layer: string; heads: number[] }[];
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** Checks the parsed JSON has the fields the plot needs; the message says which is missing. */
export function checkDistanceJson(x: unknown): AttentionDistanceJson {
  const j = x as Partial<AttentionDistanceJson> | null;
  if (!j || typeof j.uniform !== 'number' || !Array.isArray(j.layers) || j.layers.length === 0 || !j.layers.every((l) => Array.isArray(l?.heads) && l.heads.every((v) => typeof v === 'number'))) {
    throw new Error('it is not the JSON of webgen explain attention-distance (uniform, layers[].heads)');
  }
  return j as AttentionDistanceJson;
}

export function distancePlot(j: AttentionDistanceJson): SVGSVGElement {
  const W = 480;
  const H = 260;
  const m = { l: 48, r: 12, t: 24, b: 36 };
  const title = `${j.model}: mean attention distance per head`;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title, 'data-testid': 'distance-plot' });
  root.append(svg('title', {}, title));
  const values = j.layers.flatMap((l) => l.heads);
  const maxPx = Math.max(j.grid.patchSize * Math.hypot(j.grid.rows, j.grid.cols) * 0.75, ...values, j.uniform) * 1.05;
  const L = j.layers.length;
  const sx = (i: number) => m.l + ((i + 0.5) / L) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - (y / maxPx) * (H - m.t - m.b);
  root.append(svg('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, stroke: '#999' }), svg('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, stroke: '#999' }));
  root.append(svg('text', { x: (W + m.l) / 2, y: H - 6, 'text-anchor': 'middle' }, 'block'), svg('text', { x: 12, y: m.t - 8 }, 'distance (px)'));
  for (let i = 0; i <= 4; i++) {
    const y = (maxPx * i) / 4;
    root.append(svg('text', { x: m.l - 6, y: sy(y) + 4, 'text-anchor': 'end' }, y.toFixed(0)), svg('line', { x1: m.l, x2: W - m.r, y1: sy(y), y2: sy(y), stroke: '#eee' }));
  }
  root.append(svg('line', { x1: m.l, x2: W - m.r, y1: sy(j.uniform), y2: sy(j.uniform), stroke: '#555', 'stroke-dasharray': '5 4', 'data-testid': 'uniform-line' }));
  root.append(svg('text', { x: W - m.r - 4, y: sy(j.uniform) - 6, 'text-anchor': 'end', fill: '#555' }, `uniform attention: ${j.uniform.toFixed(1)} px`));
  j.layers.forEach((l, i) => {
    root.append(svg('text', { x: sx(i), y: H - m.b + 14, 'text-anchor': 'middle' }, String(i)));
    l.heads.forEach((d, k) => {
      const dot = svg('circle', { cx: sx(i) + (k - (l.heads.length - 1) / 2) * 7, cy: sy(d), r: 4, fill: COLOURS[k % COLOURS.length]!, 'data-head': k, 'data-distance': d.toFixed(2) });
      dot.append(svg('title', {}, `block ${i}, head ${k}: ${d.toFixed(1)} px`));
      root.append(dot);
    });
  });
  return root;
}
