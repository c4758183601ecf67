/**
 * CLIP in the trainer (issue 19): `webgen-train clip` trains the smoke recipe on the real-emoji fixture
 * (tests/fixtures/emoji, through $WEBGEN_EMOJI_DIR), logs loss, temperature and in-batch accuracy, resumes to the
 * same weights as a straight run, exports a valid kind 'clip' folder, and refuses bad flags with one line.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { loadCheckpoint, saveCheckpoint } from '../trainer/train/checkpoint.js';
import { runCli } from './helpers/run-cli.js';
import { useEmojiFixture } from './helpers/emoji-fixture-env.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-clip-'));
useEmojiFixture();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SMOKE = ['clip', 'clip-smoke', '--backend', 'cpu', '--threads', '1'];
const metrics = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('webgen-train clip', () => {
  it('trains the smoke recipe, logs loss, temperature and accuracy both ways, and exports a kind clip folder', async () => {
    const r = await runCli([...SMOKE, '--out', join(tmp, 'vit'), '--export', join(tmp, 'vit-model')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/data: emoji, 38 image–caption pairs 16x16x3; vocabulary \d+ tokens/);
    const lines = metrics(join(tmp, 'vit'));
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3]);
    for (const l of lines) {
      expect(Number.isFinite(l.loss) && l.loss > 0).toBe(true);
      expect(l.loss).toBeCloseTo((l.imageToText + l.textToImage) / 2, 5);
      expect(l.logitScale).toBeGreaterThan(1);
      expect(l.logitScale).toBeLessThanOrEqual(100);
      for (const a of [l.accImageToText, l.accTextToImage]) expect(a >= 0 && a <= 1).toBe(true);
    }
    expect(lines[0].logitScale).toBeCloseTo(1 / 0.07, 4); // measured before the first update
    const m = await verifyModelFolder(join(tmp, 'vit-model'));
    expect(m.kind).toBe('clip');
    expect(m.clip).toMatchObject({ embedDim: 8, imageEncoder: 'vit' });
    expect(m.image).toEqual({ width: 16, height: 16, channels: 3, range: [-1, 1] });
    expect(m.conditioning!.tokenizer!.vocab.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(m.conditioning!.tokenizer!.maxLength).toBe(12);
    expect(Object.keys(m.files).sort()).toEqual(['imageEncoder', 'textEncoder']);
    expect(m.files.imageEncoder!.outputs.map((o) => o.name)).toEqual(['image_embeds']);
    expect(m.files.textEncoder!.outputs.map((o) => o.name)).toEqual(['text_embeds', 'last_hidden_state']);
    expect(m.parity.maxAbsError).toBeLessThan(1e-4);
  }, 60_000);

  it('a run stopped at step 2 and resumed to 3 continues the step count and ends with the straight run\'s weights', async () => {
    const a = await runCli([...SMOKE, '--steps', '2', '--out', join(tmp, 'resume')]);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli([...SMOKE, '--steps', '3', '--resume', '--out', join(tmp, 'resume')]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/resumed from .* at step 2/);
    expect(metrics(join(tmp, 'resume')).map((l) => l.step)).toEqual([1, 2, 3]);
    const straight = await loadCheckpoint(join(tmp, 'vit', 'checkpoint.wgck'));
    const resumed = await loadCheckpoint(join(tmp, 'resume', 'checkpoint.wgck'));
    expect(resumed.header.step).toBe(3);
    const params = straight.header.tensors.filter((t) => t.group === 'params');
    expect(params.map((t) => t.name)).toContain('log_scale');
    for (const t of params) expect(resumed.get('params', t.name), t.name).toEqual(straight.get('params', t.name));
  }, 60_000);

  it('the CNN image encoder trains and exports with parity', async () => {
    const r = await runCli([...SMOKE, '--image-encoder', 'cnn', '--steps', '1', '--out', join(tmp, 'cnn'), '--export', join(tmp, 'cnn-model')]);
    expect(r.code, r.stderr).toBe(0);
    const m = await verifyModelFolder(join(tmp, 'cnn-model'));
    expect(m.clip!.imageEncoder).toBe('cnn');
    expect(m.parity.byFile!.imageEncoder).toBeLessThan(1e-4);
  }, 60_000);

  it('--help lists the recipes and flags', async () => {
    const r = await runCli(['clip', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/webgen-train clip <recipe>/);
    expect(r.stdout).toMatch(/emoji-clip .*batch 128/);
    expect(r.stdout).toMatch(/--image-encoder +default "vit" \(vit \| cnn\)/);
  }, 30_000);

  it.each([
    [['--image-encoder', 'resnet'], /--image-encoder must be one of vit, cnn, got 'resnet'/],
    [['--patch', '5'], /--patch 5 must divide --image-size 16/],
    [['--vit-heads', '3'], /--vit-heads 3 must divide --vit-dim 16/],
    [['--batch-size', '1'], /--batch-size must be at least 2/],
    [['--batch-size', '64'], /--batch-size 64 is larger than the data set \(38 pairs\)/],
    [['--aug-shift', '0.7'], /--aug-shift must be in \[0, 0\.5\)/],
    [['--image-encoder', 'cnn', '--cnn-widths', '8,x'], /--cnn-widths must be positive integers/],
    [['--steps', '0'], /--steps must be an integer >= 1/],
    [['--stepz', '3'], /Unknown option '--stepz'/],
    [['--data', 'emoji:test'], /the emoji part must be one of train, held-out-concept, held-out-style, held-out, all/],
  ])('refuses %j with one line naming the flag', async (flags, message) => {
    const r = await runCli([...SMOKE, ...flags, '--out', join(tmp, 'bad')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('webgen-train')).length).toBe(1);
  }, 30_000);

  it('refuses an unknown recipe, and resuming another family\'s checkpoint', async () => {
    const r = await runCli(['clip', 'emoji-clap']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown clip recipe 'emoji-clap'; recipes: emoji-clip, emoji-clip-cnn, clip-smoke/);
    mkdirSync(join(tmp, 'ae-ckpt'), { recursive: true });
    await saveCheckpoint(join(tmp, 'ae-ckpt', 'checkpoint.wgck'), 5, { family: 'autoencoder', config: {} }, {});
    const resumed = await runCli([...SMOKE, '--resume', '--out', join(tmp, 'ae-ckpt')]);
    expect(resumed.code, resumed.stderr).toBe(2);
    expect(resumed.stderr).toMatch(/is a autoencoder checkpoint, not clip/);
  }, 30_000);
});
