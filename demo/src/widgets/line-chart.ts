/** A small SVG line chart (x: steps, y: score), no library. */
const NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (and text). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

export function lineChart(o: { title: string; xLabel: string; yLabel: string; series: Series[]; empty?: string }): SVGSVGElement {
  const W = 480;
  const H = 260;
  const m = { l: 48, r: 12, t: 24, b: 36 };
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': o.title });
  root.append(svg('title', {}, o.title));
  const pts = o.series.flatMap((s) => s.points);
  root.append(svg('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, stroke: '#999' }), svg('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, stroke: '#999' }));
  root.append(svg('text', { x: (W + m.l) / 2, y: H - 6, 'text-anchor': 'middle' }, o.xLabel), svg('text', { x: 12, y: m.t - 8 }, o.yLabel));
  if (pts.length === 0) {
    root.append(svg('text', { x: (W + m.l) / 2, y: H / 2, 'text-anchor': 'middle' }, o.empty ?? 'no data yet'));
    return root;
  }
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [0, Math.max(...ys) * 1.1 || 1];
  // Steps are spread on a log axis (5, 10, 20, 50, 100 evenly).
  const lx = (x: number) => Math.log(Math.max(x, 1e-9));
  const sx = (x: number) => (x1 === x0 ? (m.l + W - m.r) / 2 : m.l + ((lx(x) - lx(x0)) / (lx(x1) - lx(x0))) * (W - m.l - m.r));
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  for (const x of [...new Set(xs)]) root.append(svg('text', { x: sx(x), y: H - m.b + 14, 'text-anchor': 'middle' }, String(x)));
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    root.append(svg('text', { x: m.l - 6, y: sy(y) + 4, 'text-anchor': 'end' }, y.toFixed(y1 < 10 ? 2 : 0)), svg('line', { x1: m.l, x2: W - m.r, y1: sy(y), y2: sy(y), stroke: '#eee' }));
  }
  o.series.forEach((s, i) => {
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    root.append(svg('polyline', { points: sorted.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2 }));
    for (const p of sorted) root.append(svg('circle', { cx: sx(p.x), cy: sy(p.y), r: 3.5, fill: s.color }));
    root.append(svg('text', { x: W - m.r - 4, y: m.t + 14 * i, 'text-anchor': 'end', fill: s.color }, s.name));
  });
  return root;
}
