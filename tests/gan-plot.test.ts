// losses.png: the curves are drawn in their colours on shared axes, NaN points are skipped, and a
// run's metrics.jsonl becomes a PNG.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { LOSS_COLORS, renderLossCurves, writeLossCurves } from '../trainer/gan/plot-losses.js';

const count = (img: { data: Uint8Array }, [r, g, b]: readonly number[]) => {
  let n = 0;
  for (let i = 0; i < img.data.length; i += 3) if (img.data[i] === r && img.data[i + 1] === g && img.data[i + 2] === b) n++;
  return n;
};

describe('loss curves', () => {
  it('draws each series in its colour, the rising one ending above where it started, NaN skipped', () => {
    const up: [number, number][] = [[0, 0], [10, 1], [20, NaN], [30, 2]];
    const flat: [number, number][] = [[0, 1], [30, 1]];
    const img = renderLossCurves([
      { name: 'up', color: [255, 0, 0], points: up },
      { name: 'flat', color: [0, 0, 255], points: flat },
    ], { width: 200, height: 100 });
    expect(img.data.length).toBe(200 * 100 * 3);
    expect(count(img, [255, 0, 0])).toBeGreaterThan(150); // a line across ~184 columns + the legend square
    expect(count(img, [0, 0, 255])).toBeGreaterThan(150);
    const rowOf = (x: number, color: number[]) => {
      for (let y = 0; y < 100; y++) {
        const i = 3 * (y * 200 + x);
        if (img.data[i] === color[0] && img.data[i + 1] === color[1] && img.data[i + 2] === color[2]) return y;
      }
      return -1;
    };
    expect(rowOf(190, [255, 0, 0])).toBeLessThan(rowOf(30, [255, 0, 0])); // higher value = nearer the top
    expect(renderLossCurves([]).data.every((v) => v === 255)).toBe(true);
  });

  it('writes losses.png from metrics.jsonl: D red, G blue, the gradient penalty green only when non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webgen-gan-plot-'));
    const lines = [1, 2, 3, 4].map((step) => JSON.stringify({ step, dLoss: 1 / step, gLoss: step, gp: step === 2 ? 0.5 : 0 }));
    writeFileSync(join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n`);
    await writeLossCurves(join(dir, 'metrics.jsonl'), join(dir, 'losses.png'), { width: 120, height: 60 });
    const png = PNG.sync.read(readFileSync(join(dir, 'losses.png')));
    expect([png.width, png.height]).toEqual([120, 60]);
    const rgb = { data: Uint8Array.from({ length: 120 * 60 * 3 }, (_, i) => png.data[4 * Math.floor(i / 3) + (i % 3)]!) };
    expect(count(rgb, LOSS_COLORS.dLoss)).toBeGreaterThan(50);
    expect(count(rgb, LOSS_COLORS.gLoss)).toBeGreaterThan(50);
    expect(count(rgb, LOSS_COLORS.gp)).toBeGreaterThan(0);
  });
});
