/**
 * `webgen explain cross-attention`: per-word cross-attention over many drawings, on the shipped shapes-t2i (its
 * cross-attention outputs added by webgen-train reexport): the words' figures and groups in the JSON, the grid PNG;
 * a model without the outputs and an empty prompt list are one-line errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runWebgen } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-xattn-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('webgen explain cross-attention', () => {
  it('measures each word of each prompt and draws the overlays', async () => {
    const json = join(tmp, 'x.json');
    const out = join(tmp, 'x.png');
    const r = await runWebgen(['explain', 'cross-attention', '--model', 'models/shapes-t2i', '--prompts', 'a large red circle; a small blue square', '--seeds', '2', '--json', json, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/shapes-t2i: cross-attention of 2 prompts × 2 seeds/);
    const j = JSON.parse(readFileSync(json, 'utf8'));
    expect(j.words.map((w: { word: string }) => w.word).sort()).toEqual(['a', 'blue', 'circle', 'large', 'red', 'small', 'square'].sort());
    const a = j.words.find((w: { word: string }) => w.word === 'a');
    expect(a.drawings).toBe(4); // both prompts, two seeds each
    for (const w of j.words) {
      expect(w.onObject).toBeGreaterThan(0);
      expect(w.onObject).toBeLessThan(1);
      expect(w.area).toBeGreaterThan(0);
      expect(w.contrast).toBeGreaterThan(0);
    }
    expect(j.groups.map((g: { group: string }) => g.group)).toEqual(['name']);
    const png = PNG.sync.read(readFileSync(out));
    // two rows (one per prompt) of the drawing and 4 word overlays, 32 px at scale 2, 2 px apart
    expect([png.width, png.height]).toEqual([5 * 64 + 6 * 2, 2 * 64 + 3 * 2]);
  }, 120_000);

  it('refuses a model without cross-attention outputs and an empty prompt list, in one line', async () => {
    const none = await runWebgen(['explain', 'cross-attention', '--model', 'models/mnist-ddim']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/has no cross-attention outputs; add them with webgen-train reexport --model models\/mnist-ddim/);
    const empty = await runWebgen(['explain', 'cross-attention', '--model', 'models/shapes-t2i', '--prompts', ' ; ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--prompts must name at least one prompt/);
  }, 60_000);
});
