// `webgen-train eval-prompts`: a tiny text-to-image model and a tiny shapes classifier, both trained
// for a few steps here, go through the whole command: one prompt per colour-shape pair, the
// held-out pairs (read from the model's manifest) scored apart from the trained ones, a JSON report
// and a grid — and bad command lines stop with exit code 2 and a message naming the flag.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainClassifier } from '../trainer/classifier/train-classifier.js';
import { NUM_COMBOS } from '../trainer/data/shapes.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-eval-prompts-'));
const model = join(tmp, 't2i');
const classifier = join(tmp, 'shapes-classifier');
const classModel = join(tmp, 'class-model');

// The three set-up trainings are independent: run them side by side (the machine may be busy).
beforeAll(async () => {
  const [t2i, cls] = await Promise.all([
    runCli([
      'shapes-t2i', '--model', 'tiny', '--text-dim', '16', '--text-layers', '1', '--text-heads', '2', '--data', 'shapes:64',
      '--batch-size', '4', '--steps', '2', '--train-timesteps', '20', '--sample-steps', '5', '--sample-every', '0', '--backend', 'wasm', '--threads', '1',
      '--out', join(tmp, 'run'), '--export', model,
    ]),
    runCli([
      'shapes-tiny', '--data', 'shapes:32', '--batch-size', '4', '--steps', '1', '--sample-every', '0', '--backend', 'wasm', '--threads', '1',
      '--out', join(tmp, 'run-class'), '--export', classModel,
    ]),
    trainClassifier({ data: 'shapes', steps: 3, batchSize: 8, holdOut: 40, widths: [8, 16, 16], featureDim: 16, out: classifier, log: () => {} }),
  ]);
  expect(t2i.code, t2i.stderr).toBe(0);
  expect(cls.code, cls.stderr).toBe(0);
}, 600_000);

describe('webgen-train eval-prompts', () => {
  it('scores every colour-shape pair, held-out pairs apart, DDIM settings and a DDPM row, and writes JSON and a grid', async () => {
    const json = join(tmp, 'eval.json');
    const grid = join(tmp, 'eval.png');
    const r = await runCli(['eval-prompts', '--model', model, '--classifier', classifier, '--samples', '1', '--steps', '2,3', '--ddpm', '--batch', '36', '--json', json, '--grid', grid]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ddim steps 2 eta 0: trained pairs [\d.]+% right .*32 images\); held-out pairs [\d.]+% right .*4 images\)/);
    expect(r.stdout).toMatch(/held out red circle: [\d.]+%/);
    // --ddpm: one more row, ancestral sampling over all of the model's 20 training timesteps.
    expect(r.stdout).toMatch(/ddpm steps 20: trained pairs [\d.]+% right/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.heldOutPairs).toEqual(['red circle', 'green star', 'blue triangle', 'purple square']);
    expect(doc.rows.map((row: { sampler: string; steps: number }) => `${row.sampler} ${row.steps}`)).toEqual(['ddim 2', 'ddim 3', 'ddpm 20']);
    for (const row of doc.rows) {
      expect(Object.keys(row.perPair)).toHaveLength(NUM_COMBOS);
      expect(row.trained.images + row.heldOut.images).toBe(NUM_COMBOS);
      for (const g of [row.trained, row.heldOut]) {
        expect(g.both).toBeGreaterThanOrEqual(0);
        expect(g.both).toBeLessThanOrEqual(Math.min(g.colour, g.shape));
      }
      // One image per pair: each pair's accuracy is 0 or 1, and the trained share is their mean.
      const trainedPairs = Object.entries(row.perPair).filter(([name]) => !doc.heldOutPairs.includes(name));
      expect(trainedPairs.every(([, v]) => v === 0 || v === 1)).toBe(true);
      expect(row.trained.both).toBeCloseTo(trainedPairs.reduce((s, [, v]) => s + (v as number), 0) / 32, 10);
      // the Inception Score of the 36 drawings (one split): between 1 (one class everywhere) and 36
      expect(row.inceptionScore.mean).toBeGreaterThanOrEqual(1);
      expect(row.inceptionScore.mean).toBeLessThanOrEqual(NUM_COMBOS);
      expect(row.inceptionScore.std).toBe(0);
    }
    expect(existsSync(grid)).toBe(true);
  });

  it.each([
    [[], /needs --model DIR and --classifier DIR/],
    [['--model', 'x', '--classifier', 'y', '--size', 'medium'], /--size must be large, small or both, got 'medium'/],
    [['--model', 'x', '--classifier', 'y', '--eta', '2'], /--eta values must be in \[0, 1\], got '2'/],
    [['--model', 'x', '--classifier', 'y', '--samples', '0'], /--samples must be an integer >= 1, got '0'/],
    [['--model', 'x', '--classifier', 'y', '--frobnicate'], /Unknown option '--frobnicate'.*eval-prompts --help/],
  ])('rejects %j with exit 2', async (argv, message) => {
    const r = await runCli(['eval-prompts', ...(argv as string[])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('names the problem for a held-out pair that is not one, and for a model without text', async () => {
    const bad = await runCli(['eval-prompts', '--model', model, '--classifier', classifier, '--held-out', 'pink circle']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--held-out: 'pink circle' is not "<colour> <shape>"/);
    const notText = await runCli(['eval-prompts', '--model', classModel, '--classifier', classifier]);
    expect(notText.code).toBe(2);
    expect(notText.stderr).toMatch(/is not text-conditioned: eval-prompts needs a text-to-image model/);
  });
});
