/**
 * pix2pix in the trainer (issue 23): `webgen-train translator` trains the smoke recipe on the real-emoji fixture
 * (tests/fixtures/emoji, through $WEBGEN_EMOJI_DIR), logs D's loss and G's adversarial + λ·L1 loss, resumes to the
 * same weights as a straight run, exports a valid kind 'translator' folder either way round, and refuses bad flags;
 * the pairs keep the held-out concepts out, and the PatchGAN's receptive field is the paper's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEmojiPairs } from '../trainer/data/emoji/emoji-pairs.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { patchReceptiveField, PatchDiscriminator } from '../trainer/models/patch-discriminator.js';
import { loadCheckpoint } from '../trainer/train/checkpoint.js';
import { runCli } from './helpers/run-cli.js';
import { useEmojiFixture } from './helpers/emoji-fixture-env.js';
import { expectSameGroups, metricsLines, stopAtTwoResumeToThree } from './helpers/resume-check.js';
import * as tf from '@tensorflow/tfjs';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-translator-'));
const FIXTURE = useEmojiFixture();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SMOKE = ['translator', 'emoji-pix2pix-smoke', '--backend', 'cpu', '--threads', '1'];

describe('webgen-train translator', () => {
  it('trains the smoke recipe, logs D and G = adversarial + 100·L1, and exports a kind translator folder', async () => {
    const r = await runCli([...SMOKE, '--out', join(tmp, 'run'), '--export', join(tmp, 'model')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/data: emoji pairs noto → twemoji, \d+ training pairs 16x16x4/);
    expect(r.stderr).toMatch(/PatchGAN D [\d,]+ \(16x16 receptive field\), instance norm; L1 λ 100/);
    const lines = metricsLines(join(tmp, 'run'));
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3]);
    for (const l of lines) {
      expect(l.dLoss).toBeGreaterThan(0);
      expect(l.gLoss).toBeCloseTo(l.gAdv + 100 * l.l1, 3);
    }
    expect(lines[2].l1).toBeLessThan(lines[0].l1); // λ = 100 makes L1 dominate: it falls from the first steps
    const m = await verifyModelFolder(join(tmp, 'model'));
    expect(m.kind).toBe('translator');
    expect(m.translator).toEqual({ source: 'noto', target: 'twemoji' });
    expect(m.image).toEqual({ width: 16, height: 16, channels: 4, range: [-1, 1] });
    expect(Object.keys(m.files)).toEqual(['translator']);
    expect(m.files.translator!.inputs).toEqual([{ name: 'image', dtype: 'float32', shape: ['batch', 4, 16, 16] }]);
    expect(m.files.translator!.outputs.map((o) => o.name)).toEqual(['translated']);
    expect(m.parity.maxAbsError).toBeLessThan(1e-4);
  }, 60_000);

  it('a run stopped at step 2 and resumed to 3 ends with the straight run\'s weights', async () => {
    const resumed = await stopAtTwoResumeToThree(SMOKE, join(tmp, 'resume'));
    expectSameGroups(await loadCheckpoint(join(tmp, 'run', 'checkpoint.wgck')), resumed, ['g', 'd'], 5);
  }, 60_000);

  it('--jitter 2 trains on jittered pairs (other weights than the plain run) and resumes to the straight jittered run', async () => {
    const jittered = await stopAtTwoResumeToThree([...SMOKE, '--jitter', '2'], join(tmp, 'jitter-resume'));
    const r = await runCli([...SMOKE, '--jitter', '2', '--out', join(tmp, 'jitter')]);
    expect(r.code, r.stderr).toBe(0);
    const straight = await loadCheckpoint(join(tmp, 'jitter', 'checkpoint.wgck'));
    expectSameGroups(straight, jittered, ['g', 'd'], 5);
    const plain = await loadCheckpoint(join(tmp, 'run', 'checkpoint.wgck'));
    const maxDiff = Math.max(...straight.header.tensors.filter((t) => t.group === 'g').map((t) => {
      const a = plain.get('g', t.name)!;
      const b = straight.get('g', t.name)!;
      return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    }));
    expect(maxDiff).toBeGreaterThan(1e-6);
  }, 90_000);

  it('--direction twemoji-to-noto trains the other way and says so in the manifest', async () => {
    const r = await runCli([...SMOKE, '--direction', 'twemoji-to-noto', '--steps', '1', '--out', join(tmp, 'back'), '--export', join(tmp, 'back-model')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/emoji pairs twemoji → noto/);
    expect((await verifyModelFolder(join(tmp, 'back-model'))).translator).toEqual({ source: 'twemoji', target: 'noto' });
  }, 60_000);

  it.each([
    [['--direction', 'sideways'], /--direction must be one of noto-to-twemoji, twemoji-to-noto/],
    [['--image-size', '18'], /--image-size 18 must be divisible by 2\^2/],
    [['--l1-weight=-1'], /--l1-weight must be >= 0/],
    [['--d-layers', '0'], /--d-layers must be an integer >= 1/],
    [['--jitter', '9'], /--jitter must be an integer number of pixels in \[0, 8\]/],
    [['--jitter', '1.5'], /--jitter must be an integer/],
  ])('refuses %j with one line naming the flag', async (flags, message) => {
    const r = await runCli([...SMOKE, ...flags, '--out', join(tmp, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('--help lists the recipes and the flags', async () => {
    const r = await runCli(['translator', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/emoji-pix2pix +pix2pix on paired emoji/);
    expect(r.stdout).toMatch(/emoji-pix2pix-smoke/);
    expect(r.stdout).toMatch(/--l1-weight +default 100/);
    expect((await runCli(['--help'])).stdout).toMatch(/webgen-train translator +train a pix2pix image-to-image translator/);
  });
});

describe('emoji pairs', () => {
  it('pair the same emoji in both styles and keep every held-out concept out of the training pairs', () => {
    // A larger held-out share than the default so the 19-concept fixture has some.
    const opts = { dir: FIXTURE, from: 'google', to: 'twitter', width: 16, heldOutConcepts: 0.3, heldOutStyle: 0.2 } as const;
    const train = loadEmojiPairs({ ...opts, part: 'train' });
    const held = loadEmojiPairs({ ...opts, part: 'held-out-concept' });
    expect(held.source.size).toBeGreaterThan(0);
    for (let i = 0; i < train.source.size; i++) {
      expect(train.source.get(i).attributes!.style).toBe('google');
      expect(train.target.get(i).attributes!.style).toBe('twitter');
      expect(train.target.get(i).attributes!.unified).toBe(train.unified[i]);
    }
    const concepts = (p: typeof train) => new Set(Array.from({ length: p.source.size }, (_, i) => p.source.get(i).attributes!.concept));
    const trained = concepts(train);
    for (const c of concepts(held)) expect(trained.has(c), String(c)).toBe(false);
    // A concept held out in one style has no pair: fewer training pairs than with no style held out.
    expect(train.source.size).toBeLessThan(loadEmojiPairs({ ...opts, heldOutStyle: 0, part: 'train' }).source.size);
  });

  it('clear the colour of fully transparent pixels (Noto keeps colours under alpha 0) and keep the rest', () => {
    const pairs = loadEmojiPairs({ dir: FIXTURE, from: 'google', to: 'twitter' });
    let transparent = 0;
    let coloured = 0;
    for (let i = 0; i < pairs.source.size; i++) {
      const img = pairs.source.get(i).image;
      for (let p = 0; p < img.length; p += 4) {
        if (img[p + 3]! <= -1) {
          transparent++;
          expect([img[p], img[p + 1], img[p + 2]]).toEqual([-1, -1, -1]);
        } else if (img[p]! > -1) coloured++;
      }
    }
    expect(transparent).toBeGreaterThan(1000);
    expect(coloured).toBeGreaterThan(1000);
  });

  it('refuse the same style on both sides', () => {
    expect(() => loadEmojiPairs({ dir: FIXTURE, from: 'google', to: 'google' })).toThrow(/source and target styles must differ/);
  });
});

describe('PatchGAN', () => {
  it('has the paper\'s receptive fields: 16, 34 and 70 pixels for 1, 2 and 3 strided layers', () => {
    expect([1, 2, 3].map(patchReceptiveField)).toEqual([16, 34, 70]);
  });

  it('answers one logit per patch: a 16x16 pair gives a 6x6 map with 1 strided layer', () => {
    const D = new PatchDiscriminator({ channels: 4, width: 8, layers: 1 }, 0);
    const x = tf.zeros([2, 16, 16, 4]) as tf.Tensor4D;
    const out = D.apply(x, x);
    // 16 → 8 (4×4, stride 2, pad 1) → 7 → 6 (4×4, stride 1, pad 1)
    expect(out.shape).toEqual([2 * 6 * 6]);
    tf.dispose([x, out]);
    D.dispose();
  });
});
