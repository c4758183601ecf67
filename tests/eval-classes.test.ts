// `webgen-train eval-classes` end to end on a tiny class-conditional model exported here and the shipped MNIST
// classifier: the η × steps table (and its DDPM row), JSON whose histograms add up, a PNG grid; bad command lines
// and an unconditional model exit with a message naming the problem.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-eval-classes-'));
const model = join(tmp, 'tiny-mnist');
const classifier = 'models/mnist-classifier';

describe('webgen-train eval-classes', () => {
  beforeAll(async () => {
    const r = await runCli([
      'mnist-small', '--model', 'tiny', '--data', 'mnist', '--steps', '1', '--batch-size', '4', '--sample-every', '0',
      '--train-timesteps', '20', '--sample-steps', '5', '--backend', 'wasm', '--threads', '1', '--out', join(tmp, 'run'), '--export', model,
    ]);
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);

  it('prints guided accuracy and class coverage per η and steps, a DDPM row, and writes JSON and a grid', async () => {
    const json = join(tmp, 'classes.json');
    const grid = join(tmp, 'grid.png');
    const r = await runCli(['eval-classes', '--model', model, '--classifier', classifier, '--samples', '20', '--batch', '10', '--steps', '2,3', '--eta', '0,1', '--ddpm', '--json', json, '--grid', grid]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/guided accuracy \/ classes covered\nη \\ steps +2 +3\n0\.0 +[\d.]+% \/ \d+ +[\d.]+% \/ \d+\n1\.0 +[\d.]+% \/ \d+ +[\d.]+% \/ \d+\nDDPM 20 steps: [\d.]+% \/ \d+/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.rows.map((row: { sampler: string; steps: number; eta: number }) => `${row.sampler} ${row.steps} ${row.eta}`)).toEqual(['ddim 2 0', 'ddim 3 0', 'ddim 2 1', 'ddim 3 1', 'ddpm 20 1']);
    for (const row of doc.rows) {
      expect(row.unconditionalHistogram).toHaveLength(10);
      expect(row.unconditionalHistogram.reduce((a: number, b: number) => a + b, 0)).toBe(20);
      expect(row.classesCovered).toBe(row.unconditionalHistogram.filter((c: number) => c > 0).length);
      expect(row.guidedAccuracy).toBeGreaterThanOrEqual(0);
      expect(row.guidedAccuracy).toBeLessThanOrEqual(1);
      // 20 samples over 10 classes: two of each; per-class accuracy is then 0, 0.5 or 1, and averages to the total.
      const mean = row.perClassAccuracy.reduce((a: number, b: number) => a + b, 0) / 10;
      expect(mean).toBeCloseTo(row.guidedAccuracy, 10);
    }
    expect(readFileSync(grid).subarray(1, 4).toString()).toBe('PNG');
  }, 600_000);

  it.each([
    [['eval-classes', '--model', 'm'], /needs --model DIR and --classifier DIR/],
    [['eval-classes', '--model', 'm', '--classifier', 'c', '--eta', '2'], /--eta values must be in \[0, 1\], got '2'/],
    [['eval-classes', '--model', 'm', '--classifier', 'c', '--steps', '0'], /--steps must be an integer >= 1, got '0'/],
    [['eval-classes', 'stray', '--model', 'm', '--classifier', 'c'], /Unexpected argument 'stray'/],
    [['eval-classes', '--frobnicate'], /Unknown option '--frobnicate'.*eval-classes --help/],
  ])('%j exits 2 naming the problem', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses an unconditional model', async () => {
    const uncond = join(tmp, 'tiny-uncond');
    const t = await runCli([
      'mnist-small', '--model', 'tiny', '--data', 'mnist', '--conditioning', 'none', '--steps', '1', '--batch-size', '4', '--sample-every', '0',
      '--backend', 'wasm', '--threads', '1', '--out', join(tmp, 'run-uncond'), '--export', uncond,
    ]);
    expect(t.code, t.stderr).toBe(0);
    const r = await runCli(['eval-classes', '--model', uncond, '--classifier', classifier]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is unconditional: eval-classes needs a class-conditional model/);
    expect(existsSync(join(uncond, 'model.onnx'))).toBe(true);
  }, 600_000);
});
