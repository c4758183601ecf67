// `webgen-train gan <recipe>`: every recipe trains a few steps at tiny sizes with finite losses and a
// flat tensor count; the three shipped recipes resume from a checkpoint bit for bit.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandPath } from '../trainer/export/model-folder.js';
import { kidCell, type GanEvalResult } from '../trainer/gan/evaluate-generator.js';
import { GAN_RECIPES } from '../trainer/gan/recipes.js';
import { loadCheckpoint } from '../trainer/train/checkpoint.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-gan-cli-'));
// Single-threaded wasm so the arithmetic is reproducible run to run; tiny widths, batch 8.
const common = ['--batch-size', '8', '--sample-every', '0', '--log-every', '1', '--backend', 'wasm', '--threads', '1'];
const tiny: Record<string, string[]> = {
  dcgan: ['--g-width', '16', '--d-width', '8'],
  sagan: ['--g-width', '16', '--d-width', '8'],
  vitgan: ['--g-width', '16', '--d-width', '16', '--g-depth', '1', '--d-depth', '1', '--heads', '2'],
  stylegan: ['--g-width', '128', '--d-width', '8', '--g-depth', '2'],
};
const argsOf = (recipe: string) => ['gan', recipe, ...common, ...tiny[GAN_RECIPES[recipe]!.defaults.arch]!];

type Metric = { step: number; dLoss: number; gLoss: number; gp: number; tensors: number };
const metrics = (out: string): Metric[] => readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Metric);

describe('webgen-train gan', () => {
  for (const recipe of ['mnist-dcgan', 'mnist-sagan', 'mnist-vitgan']) {
    it(`${recipe}: 4 steps straight equal 2 steps + --resume to 4 (weights, EMA, Adam, SN vectors); finite losses; flat tensor count`, async () => {
      const straight = join(tmp, `${recipe}-straight`);
      const a = await runCli([...argsOf(recipe), '--steps', '4', '--out', straight]);
      expect(a.code, a.stderr).toBe(0);
      const m = metrics(straight);
      expect(m.map((l) => l.step)).toEqual([1, 2, 3, 4]);
      expect(m.every((l) => Number.isFinite(l.dLoss) && Number.isFinite(l.gLoss))).toBe(true);
      expect(new Set(m.slice(1).map((l) => l.tensors)).size).toBe(1);
      expect(a.stderr).toContain('losses.png');

      const resumed = join(tmp, `${recipe}-resumed`);
      const b1 = await runCli([...argsOf(recipe), '--steps', '2', '--out', resumed]);
      expect(b1.code, b1.stderr).toBe(0);
      const b2 = await runCli([...argsOf(recipe), '--steps', '4', '--out', resumed, '--resume']);
      expect(b2.code, b2.stderr).toBe(0);
      expect(b2.stderr).toContain('at step 2');
      const x = await loadCheckpoint(join(straight, 'checkpoint.wgck'));
      const y = await loadCheckpoint(join(resumed, 'checkpoint.wgck'));
      expect(y.header.step).toBe(4);
      expect(new Set(x.header.tensors.map((t) => t.group))).toEqual(new Set(['g', 'd', 'g.ema', 'g.adam.m', 'g.adam.v', 'd.adam.m', 'd.adam.v', 'buffers']));
      let maxDiff = 0;
      for (const t of x.header.tensors) {
        const p = x.get(t.group, t.name)!;
        const q = y.get(t.group, t.name)!;
        for (let i = 0; i < p.length; i++) maxDiff = Math.max(maxDiff, Math.abs(p[i]! - q[i]!));
      }
      console.log(`${recipe}: max |resumed − straight| over ${x.header.tensors.length} tensors = ${maxDiff}`);
      expect(maxDiff).toBe(0);
      expect(metrics(resumed).map((l) => l.step)).toEqual([1, 2, 3, 4]);

      if (recipe === 'mnist-dcgan') {
        // A stopped run exported later (--resume with --steps at its checkpoint): trains nothing, and the manifest's
        // final losses are the last logged ones (they were NaN, which the manifest check refused).
        const dir = join(tmp, `${recipe}-export`);
        const c = await runCli([...argsOf(recipe), '--steps', '4', '--out', resumed, '--resume', '--export', dir]);
        expect(c.code, c.stderr).toBe(0);
        const last = metrics(resumed).at(-1)!;
        expect(last.step).toBe(4);
        const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
        expect(manifest.training.steps).toBe(4);
        expect(manifest.metrics).toMatchObject({ finalDLoss: last.dLoss, finalGLoss: last.gLoss });
      }
    });
  }

  for (const recipe of Object.keys(GAN_RECIPES).filter((r) => !['mnist-dcgan', 'mnist-sagan', 'mnist-vitgan'].includes(r))) {
    it(`${recipe}: 3 steps with finite losses and a flat tensor count`, async () => {
      const out = join(tmp, recipe);
      const r = await runCli([...argsOf(recipe), '--steps', '3', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const m = metrics(out);
      expect(m.every((l) => Number.isFinite(l.dLoss) && Number.isFinite(l.gLoss))).toBe(true);
      expect(new Set(m.slice(1).map((l) => l.tensors)).size).toBe(1);
      if (recipe.endsWith('wgan-gp')) expect(m.every((l) => l.gp > 0)).toBe(true);
    });
  }

  it('k = 2 D-steps per G-step with label smoothing and TTUR: Adam of D counts twice the steps, and resume stays exact', async () => {
    const extra = ['--d-steps', '2', '--label-smoothing', '0.1', '--lr-d', '4e-4', '--lr-g', '1e-4'];
    const straight = join(tmp, 'k2-straight');
    const resumed = join(tmp, 'k2-resumed');
    expect((await runCli([...argsOf('mnist-dcgan-minimax'), ...extra, '--steps', '3', '--out', straight])).code).toBe(0);
    expect((await runCli([...argsOf('mnist-dcgan-minimax'), ...extra, '--steps', '1', '--out', resumed])).code).toBe(0);
    const r = await runCli([...argsOf('mnist-dcgan-minimax'), ...extra, '--steps', '3', '--out', resumed, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    const x = await loadCheckpoint(join(straight, 'checkpoint.wgck'));
    const y = await loadCheckpoint(join(resumed, 'checkpoint.wgck'));
    expect([x.header.state.adamDT, x.header.state.adamGT]).toEqual([6, 3]);
    expect((x.header.state.config as { labelSmoothing: number }).labelSmoothing).toBe(0.1);
    for (const t of x.header.tensors) expect(Array.from(y.get(t.group, t.name)!)).toEqual(Array.from(x.get(t.group, t.name)!));
  });

  it("--mode-seeking adds MSGAN's term to G's loss: the same D step, and G's loss larger by the positive term", async () => {
    const plain = join(tmp, 'ms-off');
    const ms = join(tmp, 'ms-on');
    const args = [...argsOf('mnist-vitgan-conv-d'), '--steps', '1'];
    expect((await runCli([...args, '--mode-seeking', '0', '--out', plain])).code).toBe(0);
    const r = await runCli([...args, '--mode-seeking', '1', '--out', ms]);
    expect(r.code, r.stderr).toBe(0);
    const [a] = metrics(plain);
    const [b] = metrics(ms);
    // The D step comes first and draws the same numbers; G's loss gains 1 / (ratio + ε) > 0.
    expect(b!.dLoss).toBe(a!.dLoss);
    expect(b!.gLoss).toBeGreaterThan(a!.gLoss + 0.1);
    expect((await loadCheckpoint(join(ms, 'checkpoint.wgck'))).header.state.config).toMatchObject({ modeSeeking: 1 });
  });

  it('bad flags stop with exit 2 and name the flag', async () => {
    const smoothing = await runCli(['gan', 'mnist-sagan', '--label-smoothing', '0.1']);
    expect(smoothing.code).toBe(2);
    expect(smoothing.stderr).toMatch(/--label-smoothing applies to the minimax and non-saturating losses/);
    const unknown = await runCli(['gan', 'mnist-biggan']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown GAN recipe 'mnist-biggan'. Known: mnist-dcgan/);
    const loss = await runCli(['gan', 'mnist-dcgan', '--loss', 'lsgan']);
    expect(loss.code).toBe(2);
    expect(loss.stderr).toMatch(/--loss must be one of minimax, non-saturating, wgan-gp, wgan-clip, hinge, least-squares, got 'lsgan'/);
    const attn = await runCli(['gan', 'mnist-sagan', '--attention-at', '12', '--backend', 'cpu', '--out', join(tmp, 'attn')]);
    expect(attn.code).toBe(2);
    expect(attn.stderr).toMatch(/--attention-at must be 0 \(none\) or a feature-map size .* from 8 to 16, got 12/);
    const convIsn = await runCli(['gan', 'mnist-vitgan', '--d-arch', 'conv', '--d-spectral-norm', 'isn', '--backend', 'cpu', '--out', join(tmp, 'conv-isn')]);
    expect(convIsn.code).toBe(2);
    expect(convIsn.stderr).toMatch(/--d-arch conv takes --d-spectral-norm none or sn/);
    const oddBatch = await runCli(['gan', 'mnist-vitgan', '--mode-seeking', '1', '--batch-size', '7']);
    expect(oddBatch.code).toBe(2);
    expect(oddBatch.stderr).toMatch(/--mode-seeking pairs the batch's halves: --batch-size must be even, got 7/);
    const dArch = await runCli(['gan', 'mnist-vitgan', '--d-arch', 'cnn']);
    expect(dArch.code).toBe(2);
    expect(dArch.stderr).toMatch(/--d-arch must be one of vit, conv, got 'cnn'/);
    const help = await runCli(['gan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('mnist-vitgan-plain');
  });
});

describe('webgen-train gan --export, then gan eval and gan table', () => {
  it('exports a parity-checked generator, and eval writes card.md, eval.json and samples.png with per-class coverage and FID/KID', async () => {
    const run = join(tmp, 'card-run');
    const model = join(tmp, 'card-model');
    const t = await runCli([...argsOf('mnist-dcgan'), '--steps', '2', '--out', run, '--export', model]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/parity max abs error \S+ \(tolerance 1e-4\)/);
    const e = await runCli(['gan', 'eval', model, '--samples', '40', '--run', run]);
    expect(e.code, e.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(model, 'eval.json'), 'utf8'));
    expect(result.histogram.reduce((a: number, b: number) => a + b, 0)).toBe(40);
    expect(Number.isFinite(result.fid) && result.fid > 0).toBe(true);
    expect(result.realImages).toBe(1000);
    expect(result.classAgreement).toBeGreaterThanOrEqual(0);
    const card = readFileSync(join(model, 'card.md'), 'utf8');
    expect(card).toContain('Per-class coverage of 40 samples');
    // 40 samples: subsets of 40 drawn from 1,000 real images, so KID has a spread.
    expect(card).toMatch(/\| KID \| -?\d+\.\d{4} ± \d+\.\d{4} \|/);
    // the Inception Score of the 40 samples (one split) and of the 1,000 held-out digits (10 splits): 1 … 10 classes
    expect(result.inceptionScore.samples).toBeGreaterThanOrEqual(1);
    expect(result.inceptionScore.real).toBeGreaterThan(8); // real MNIST through the judge: ~9.4
    expect(result.inceptionScore.real).toBeLessThanOrEqual(10);
    expect(card).toMatch(/\| Inception Score \(classifier logits, 10 splits\): samples \/ held-out real \| \d+\.\d\d ± 0\.00 \/ \d+\.\d\d ± \d+\.\d\d \|/);
    expect(card).toContain('losses.png');
    // 2 of mnist-dcgan's 10,000 steps: the card says the run was stopped early.
    expect(card).toContain("| steps | 2 of the recipe's 10,000: a stopped run, exported; `--resume` continues it bit for bit |");
    // Paths as a reader can use them, never this machine's absolute ones (here: outside the working and home folders).
    expect(card).toContain(`webgen-train gan eval ${commandPath(model)} --samples 40 --seed 0 --run ${commandPath(run)}`);
    expect(card).not.toContain(tmp);
    // Evaluated again without its run folder (gone, or another machine), the card keeps the curves it shipped with.
    const again = await runCli(['gan', 'eval', model, '--samples', '40']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(model, 'card.md'), 'utf8')).toContain('## Loss curves');
    const table = await runCli(['gan', 'table', model]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/\| card-model \| mnist-dcgan \| non-saturating \| 2 \|/);
  });
});

describe('the GAN card', () => {
  const result = (samples: number, realImages: number) => ({ samples, realImages, kid: 0.21, kidStd: 0 }) as GanEvalResult;
  it('prints KID without a ± when every subset is the whole set, and with one otherwise', () => {
    expect(kidCell(result(1000, 1000))).toBe('0.2100 (one subset: all 1000 samples against all 1000 real, so no ±)');
    expect(kidCell(result(5000, 1000))).toBe('0.2100 ± 0.0000');
  });
});
