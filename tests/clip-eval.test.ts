import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeClipCard } from '../trainer/clip/clip-card.js';
import { subcategoryLabel } from '../trainer/clip/evaluate-clip.js';
import { exportSmokeClip } from './helpers/clip-smoke.js';
import { runCli } from './helpers/run-cli.js';

describe('webgen-train clip eval', () => {
  it('measures retrieval and zero-shot on the held-out emoji through the SDK and writes the card', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'webgen-clip-eval-')), 'smoke-clip');
    await exportSmokeClip(dir);
    const { result } = await writeClipCard(dir, { command: 'webgen-train clip eval smoke-clip --limit 12', judgeDir: '', limit: 12 });
    expect(result.sets.map((s) => s.name)).toEqual(['held-out-concept', 'held-out-style', 'held-out (both)']);
    for (const s of result.sets) {
      expect(s.images).toBe(s.name === 'held-out (both)' ? 24 : 12);
      for (const r of [s.textToImage, s.imageToText, s.nameToImage]) {
        expect(r.queries).toBeGreaterThan(0);
        for (const k of [1, 5]) {
          expect(r.recall[k]).toBeGreaterThanOrEqual(0);
          expect(r.recall[k]).toBeLessThanOrEqual(1);
          expect(r.chance[k]).toBeGreaterThan(0);
        }
        expect(r.recall[5]).toBeGreaterThanOrEqual(r.recall[1]!);
      }
      // captions are distinct within a set (style and skin tone are in them): chance of R@k is k / images
      expect(s.textToImage.chance[5]).toBeCloseTo(5 / s.images, 6);
      expect(s.zeroShotSubcategory.labels).toBeGreaterThan(90);
      expect(s.zeroShotSubcategory.chance).toBeCloseTo(1 / s.zeroShotSubcategory.labels, 9);
    }
    const card = readFileSync(join(dir, 'card.md'), 'utf8');
    expect(card).toContain('| held-out-concept | 12 |');
    expect(card).toMatch(/Target: caption → image R@5 on held-out concepts ≥ 5× chance: \*\*(met|missed)\*\*/);
    expect(card).toContain('Numbers from: `webgen-train clip eval smoke-clip --limit 12`');
    const json = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'));
    expect(json.sets[0].textToImage.recall['5']).toBe(result.sets[0]!.textToImage.recall[5]);
  }, 180_000);

  it('reads subcategory ids as words, and refuses a folder that is not a model', async () => {
    expect(subcategoryLabel('face-smiling')).toBe('face smiling');
    expect(subcategoryLabel('person-activity')).toBe('person activity');
    const r = await runCli(['clip', 'eval', join(tmpdir(), 'no-such-clip-model')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no-such-clip-model/);
    const usage = await runCli(['clip', 'eval']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/clip eval takes one model folder/);
  }, 120_000);
});
