/**
 * `webgen-train eval-translator` (issue 23): a translator's held-out figures against the true other-style emoji. The
 * fixture translator (the smoke recipe's generator, 16×16) runs through the command; its L1 is recomputed here from the
 * SDK's own translations of the same held-out pairs, the true-target row is exact (L1 0), the do-nothing row differs,
 * and a wrong --back is refused naming the flag.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../sdk/node.js';
import { loadEmojiPairs } from '../trainer/data/emoji/emoji-pairs.js';
import { defaultEmojiDir } from '../trainer/data/emoji/packages.js';
import { meanL1Bytes, psnrBytes } from '../trainer/eval/eval-translator.js';
import { unitsToBytes } from '../trainer/eval/judge-pixels.js';
import { exportTranslatorFixture } from '../scripts/e2e/translator-fixture.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-eval-translator-'));
let model: string;
beforeAll(async () => {
  model = await exportTranslatorFixture(join(tmp, 'model'));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('translation figures', () => {
  it('L1 in [-1, 1] units and PSNR over [0, 1], capped for identical pictures', () => {
    const a = Uint8ClampedArray.from([0, 255, 100, 100]);
    expect(meanL1Bytes(a, a)).toBe(0);
    expect(psnrBytes(a, a)).toBe(99);
    const b = Uint8ClampedArray.from([255, 255, 100, 100]);
    expect(meanL1Bytes(a, b)).toBeCloseTo(2 / 4, 10); // one value off by the whole range (2 units) of four
    expect(psnrBytes(a, b)).toBeCloseTo(-10 * Math.log10(1 / 4), 10);
  });
});

describe('webgen-train eval-translator', () => {
  it("measures the SDK's translations of the held-out pairs against the true targets", async () => {
    const json = join(tmp, 'eval.json');
    const r = await runCli(['eval-translator', '--model', model, '--limit', '6', '--json', json, '--grid', join(tmp, 'grid.png')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/noto → twemoji, 6 held-out-concept pairs/);
    expect(r.stdout).toMatch(/\| translations \|/);
    const got = JSON.parse(readFileSync(json, 'utf8'));
    expect(got.pairs).toBe(6);
    expect(got.truth.l1).toBe(0);
    expect(got.truth.fid).toBeCloseTo(0, 6);
    expect(got.unchanged.l1).toBeGreaterThan(0.05);

    // the same figure from the SDK's translations here
    const pairs = loadEmojiPairs({ dir: defaultEmojiDir(), part: 'held-out-concept', from: 'google', to: 'twitter', width: 16, seed: 0 });
    const t = await createTranslator({ model });
    let sum = 0;
    for (let i = 0; i < 6; i++) {
      const out = await t.translate({ image: { width: 16, height: 16, data: unitsToBytes(pairs.source.get(i).image) } });
      sum += meanL1Bytes(out.data, unitsToBytes(pairs.target.get(i).image));
    }
    await t.dispose();
    expect(got.translated.l1).toBeCloseTo(sum / 6, 6);
    expect(got.translated.l1).not.toBeCloseTo(got.unchanged.l1, 3);
  }, 120_000);

  it('--card writes card.md, eval.json and the grid into the model folder', async () => {
    const r = await runCli(['eval-translator', '--model', model, '--limit', '4', '--card']);
    expect(r.code, r.stderr).toBe(0);
    const card = readFileSync(join(model, 'card.md'), 'utf8');
    expect(card).toMatch(/^# fixture-translator/);
    expect(card).toMatch(/\| translations \| [\d.]+ \| [\d.]+ \|/);
    expect(card).toMatch(/eval-translator --model .* --limit 4 --card/);
    expect(JSON.parse(readFileSync(join(model, 'eval.json'), 'utf8')).pairs).toBe(4);
    expect(readFileSync(join(model, 'samples.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  it('--compare puts evaluated translators of the same direction in one table, each row from its own eval.json', async () => {
    const other = join(tmp, 'other');
    cpSync(model, other, { recursive: true }); // evaluated by the --card test above
    const manifest = JSON.parse(readFileSync(join(other, 'manifest.json'), 'utf8'));
    writeFileSync(join(other, 'manifest.json'), JSON.stringify({ ...manifest, name: 'other-translator' }));
    const before = JSON.parse(readFileSync(join(other, 'eval.json'), 'utf8'));
    const r = await runCli(['eval-translator', '--model', model, '--limit', '3', '--compare', other, '--card']);
    expect(r.code, r.stderr).toBe(0);
    const card = readFileSync(join(model, 'card.md'), 'utf8');
    expect(card).toMatch(/## Beside other translators of this direction/);
    const now = JSON.parse(readFileSync(join(model, 'eval.json'), 'utf8'));
    expect(card).toContain(`| fixture-translator | \`${manifest.training.recipe}\` |`);
    expect(card).toMatch(new RegExp(`\\| other-translator \\| .* \\| ${before.translated.l1.toFixed(4)} \\|`));
    expect(card).toMatch(new RegExp(`\\| fixture-translator \\| .* \\| ${now.translated.l1.toFixed(4)} \\|`));
    expect(card).toMatch(/--compare .*other --card/);

    rmSync(join(other, 'eval.json'));
    const missing = await runCli(['eval-translator', '--model', model, '--limit', '2', '--compare', other]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--compare .*other: no eval.json yet; run webgen-train eval-translator --model .* --card first/);
  }, 120_000);

  it('refuses a --back that does not translate the other way', async () => {
    const r = await runCli(['eval-translator', '--model', model, '--back', model, '--limit', '2']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--back .* translates noto → twemoji; the cycle needs twemoji → noto/);
  }, 60_000);

  it('asks for --model', async () => {
    const r = await runCli(['eval-translator']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/needs --model/);
  });
});
