/**
 * The mean-attention-distance figure of Dosovitskiy et al. (2020, Figure 7) as SVG: one column per layer (block), one
 * dot per head at its mean distance in pixels, the image size as the ceiling. Plain SVG text: no fonts to ship.
 */

/** `layers[i]` = the heads' distances of block i; `maxPixels` tops the y axis (the image's diagonal is the limit). */
export function distancePlotSvg(title: string, layers: readonly (readonly number[])[], maxPixels: number): string {
  const W = 420;
  const H = 300;
  const left = 50;
  const right = 14;
  const top = 30;
  const bottom = 40;
  const pw = W - left - right;
  const ph = H - top - bottom;
  const x = (i: number) => left + ((i + 0.5) / layers.length) * pw;
  const y = (d: number) => top + ph - (Math.min(d, maxPixels) / maxPixels) * ph;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    `<line x1="${left}" y1="${top + ph}" x2="${left + pw}" y2="${top + ph}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + ph}" stroke="black"/>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const d = (maxPixels * k) / 4;
    parts.push(`<line x1="${left - 4}" y1="${y(d)}" x2="${left + pw}" y2="${y(d)}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${y(d) + 4}" text-anchor="end">${+d.toFixed(1)}</text>`);
  }
  layers.forEach((heads, i) => {
    parts.push(`<text x="${x(i)}" y="${top + ph + 16}" text-anchor="middle">${i}</text>`);
    heads.forEach((d, h) => parts.push(`<circle cx="${x(i) + (h - (heads.length - 1) / 2) * 3}" cy="${y(d)}" r="4" fill="hsl(${(h * 360) / Math.max(1, heads.length)}, 70%, 45%)" fill-opacity="0.8"><title>block ${i} head ${h}: ${d.toFixed(2)} px</title></circle>`));
  });
  parts.push(
    `<text x="${left + pw / 2}" y="${H - 8}" text-anchor="middle">network depth (block)</text>`,
    `<text x="14" y="${top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + ph / 2})">mean attention distance (pixels)</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
