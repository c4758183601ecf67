/**
 * CycleGAN in the trainer (issue 23, point 3): `webgen-train cyclegan` trains the smoke recipe on the real-emoji
 * fixture (tests/fixtures/emoji, through $WEBGEN_EMOJI_DIR) with independent Noto and Twemoji batches, logs D_A, D_B,
 * G's adversarial, cycle and identity terms, resumes to the straight run's weights and pools, exports both directions
 * as kind 'translator' folders that the SDK runs as the trained generators, and refuses bad flags naming them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { loadCheckpoint } from '../trainer/train/checkpoint.js';
import { CYCLEGAN_BASE_CONFIG, CYCLEGAN_RECIPES } from '../trainer/translator/cyclegan-config.js';
import { buildGenerator } from '../trainer/translator/translator-run.js';
import { checkCycleGanConfig } from '../trainer/translator/train-cyclegan.js';
import { UsageError } from '../trainer/errors/usage-error.js';
import { createTranslator } from '../sdk/node.js';
import { Rng } from '../sdk/random/rng.js';
import { runCli } from './helpers/run-cli.js';
import { useEmojiFixture } from './helpers/emoji-fixture-env.js';
import { expectSameGroups, metricsLines, stopAtTwoResumeToThree } from './helpers/resume-check.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-cyclegan-'));
useEmojiFixture();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// The checkpoint's generators are rebuilt in this process, on the reference backend.
beforeAll(() => tf.setBackend('cpu'));

const SMOKE = ['cyclegan', 'emoji-cyclegan-smoke', '--backend', 'cpu', '--threads', '1'];

describe('webgen-train cyclegan', () => {
  it('trains the smoke recipe, logs D_A + D_B and G = adversarial + λ·cycle + 0.5·λ·identity, and exports both directions', async () => {
    const r = await runCli([...SMOKE, '--out', join(tmp, 'run'), '--export', join(tmp, 'model')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/data: unpaired emoji, \d+ noto and \d+ twemoji training images 16x16x4 \(independent batches\)/);
    expect(r.stderr).toMatch(/unconditional PatchGAN D_A and D_B [\d,]+ each \(16x16 receptive field\); LSGAN, cycle λ 10, identity 0.5·λ, pool 3/);
    const lines = metricsLines(join(tmp, 'run'));
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3]);
    for (const l of lines) {
      expect(l.dLoss).toBeCloseTo(l.dA + l.dB, 5);
      expect(l.gLoss).toBeCloseTo(l.gAdv + 10 * (l.cycleA + l.cycleB) + 5 * (l.identityA + l.identityB), 3);
      for (const k of ['dA', 'dB', 'gAdv', 'cycleA', 'cycleB', 'identityA', 'identityB']) expect(l[k], k).toBeGreaterThan(0);
    }
    for (const [direction, source, target] of [['noto-to-twemoji', 'noto', 'twemoji'], ['twemoji-to-noto', 'twemoji', 'noto']] as const) {
      const m = await verifyModelFolder(join(tmp, 'model', direction));
      expect(m.kind).toBe('translator');
      expect(m.name).toBe(`model-${direction}`);
      expect(m.translator).toEqual({ source, target });
      expect(m.image).toEqual({ width: 16, height: 16, channels: 4, range: [-1, 1] });
      expect(m.files.translator!.inputs).toEqual([{ name: 'image', dtype: 'float32', shape: ['batch', 4, 16, 16] }]);
      expect(m.parity.maxAbsError).toBeLessThan(1e-4);
      expect(m.training.steps).toBe(3);
      expect((m.training.config as Record<string, unknown>).direction).toBe(direction);
    }
  }, 90_000);

  it('each exported direction, run by the SDK, is the checkpoint\'s G (noto → twemoji) or F (twemoji → noto)', async () => {
    const ckpt = await loadCheckpoint(join(tmp, 'run', 'checkpoint.wgck'));
    const cfg = { ...CYCLEGAN_BASE_CONFIG, ...CYCLEGAN_RECIPES['emoji-cyclegan-smoke']!.config };
    const rng = new Rng(4);
    const data = Uint8ClampedArray.from({ length: 16 * 16 * 4 }, () => rng.int(256));
    const outputs: Float32Array[] = [];
    for (const [direction, prefix] of [['noto-to-twemoji', 'G.'], ['twemoji-to-noto', 'F.']] as const) {
      const net = buildGenerator(cfg, 4, 0);
      for (const [path, v] of net.namedVariables()) v.assign(tf.tensor(ckpt.get('g', prefix + path)!, v.shape));
      const want = tf.tidy(() => net.apply(tf.tensor4d(Float32Array.from(data, (v) => v / 127.5 - 1), [1, 16, 16, 4])).transpose([0, 3, 1, 2]).dataSync() as Float32Array);
      net.dispose();
      const t = await createTranslator({ model: join(tmp, 'model', direction) });
      const got = (await t.translate({ image: { width: 16, height: 16, data } })).values!;
      await t.dispose();
      let worst = 0;
      want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
      expect(worst, direction).toBeLessThan(1e-4);
      outputs.push(got);
    }
    expect(Array.from(outputs[0]!)).not.toEqual(Array.from(outputs[1]!));
  }, 60_000);

  it('a run stopped at step 2 and resumed to 3 ends with the straight run\'s weights, moments and pools', async () => {
    // A constant rate: the decay's line follows --steps (docs/cyclegan.md), so stopping by --steps 2 would move it;
    // a run stopped by Ctrl-C resumes with its own --steps and so on its own line.
    const constant = [...SMOKE, '--decay-start', '1'];
    const resumed = await stopAtTwoResumeToThree(constant, join(tmp, 'resume'));
    const r = await runCli([...constant, '--steps', '3', '--out', join(tmp, 'straight-constant')]);
    expect(r.code, r.stderr).toBe(0);
    const straight = await loadCheckpoint(join(tmp, 'straight-constant', 'checkpoint.wgck'));
    // the pools (3 images, batch 2) filled at step 2 and drew from their store at step 3
    expect(resumed.header.state).toMatchObject({ poolACount: 3, poolBCount: 3 });
    expectSameGroups(straight, resumed, ['g', 'd', 'g.adam.m', 'd.adam.v', 'pool.a', 'pool.b']);
    expect(straight.header.tensors.filter((t) => t.group === 'g').some((t) => t.name.startsWith('F.'))).toBe(true);
  }, 90_000);

  it('--jitter 2 trains on jittered images (other weights than the plain run) and resumes to the straight jittered run', async () => {
    const constant = [...SMOKE, '--decay-start', '1', '--jitter', '2'];
    const resumed = await stopAtTwoResumeToThree(constant, join(tmp, 'jitter-resume'));
    const r = await runCli([...constant, '--steps', '3', '--out', join(tmp, 'jitter-straight')]);
    expect(r.code, r.stderr).toBe(0);
    const straight = await loadCheckpoint(join(tmp, 'jitter-straight', 'checkpoint.wgck'));
    expectSameGroups(straight, resumed, ['g', 'd', 'pool.a', 'pool.b']);
    const plain = await loadCheckpoint(join(tmp, 'straight-constant', 'checkpoint.wgck'));
    const diffs = straight.header.tensors.filter((t) => t.group === 'g').map((t) => {
      const a = plain.get('g', t.name)!;
      const b = straight.get('g', t.name)!;
      return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    });
    expect(Math.max(...diffs)).toBeGreaterThan(1e-6);
  }, 90_000);

  it.each([
    [['--jitter', '9'], /--jitter must be an integer number of pixels in \[0, 8\]/],
    [['--cycle-weight=-1'], /--cycle-weight must be >= 0/],
    [['--identity-weight=-0.5'], /--identity-weight must be >= 0/],
    [['--pool-size=-1'], /--pool-size must be an integer >= 0/],
    [['--decay-start', '1.5'], /--decay-start must be a fraction of --steps in \[0, 1\]/],
    [['--image-size', '18'], /--image-size 18 must be divisible by 2\^2/],
    [['--direction', 'noto-to-twemoji'], /--direction/],
  ])('refuses %j with one line naming the flag', async (flags, message) => {
    const r = await runCli([...SMOKE, ...flags, '--out', join(tmp, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('checkCycleGanConfig throws the typed UsageError, quoting the flag and the paper\'s value', () => {
    const bad = (over: Partial<typeof CYCLEGAN_BASE_CONFIG>) => () => checkCycleGanConfig({ ...CYCLEGAN_BASE_CONFIG, ...over });
    expect(bad({ poolSize: 2.5 })).toThrow(UsageError);
    expect(bad({ poolSize: 2.5 })).toThrow(/--pool-size must be an integer >= 0 \(the paper: 50; 0 = no pool\), got 2.5/);
    expect(bad({ cycleWeight: NaN })).toThrow(/--cycle-weight must be >= 0 \(the paper: 10\), got NaN/);
    expect(bad({ widths: '8,x' })).toThrow(UsageError);
    expect(bad({})).not.toThrow();
  });

  it('--help lists the recipes and the flags; the top-level help names the command', async () => {
    const r = await runCli(['cyclegan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/emoji-cyclegan +CycleGAN on unpaired emoji/);
    expect(r.stdout).toMatch(/emoji-cyclegan-smoke/);
    expect(r.stdout).toMatch(/--cycle-weight +default 10/);
    expect(r.stdout).toMatch(/--pool-size +default 50/);
    expect(r.stdout).toMatch(/--decay-start +default 0.5/);
    expect((await runCli(['--help'])).stdout).toMatch(/webgen-train cyclegan +train a CycleGAN translator pair/);
  });
});
