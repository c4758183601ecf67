/**
 * The autoencoder family end to end in the trainer: `webgen-train autoencoder` trains on the run scaffold, resumes
 * bit for bit, exports parity-checked encoder/decoder files with a valid 'autoencoder' manifest, and refuses bad flags.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { loadCheckpoint, saveCheckpoint } from '../trainer/train/checkpoint.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-ae-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SMOKE = ['autoencoder', 'autoencoder-smoke', '--backend', 'cpu', '--threads', '1'];

describe('webgen-train autoencoder', () => {
  it('trains the smoke recipe, writes metrics and grids, and exports a valid kind autoencoder folder', async () => {
    const r = await runCli([...SMOKE, '--out', join(tmp, 'kl'), '--export', join(tmp, 'kl-model')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(tmp, 'kl', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3]);
    for (const l of lines) {
      expect(Number.isFinite(l.loss) && Number.isFinite(l.mse) && Number.isFinite(l.kl)).toBe(true);
      expect(l.kl).toBeGreaterThan(0);
    }
    const m = await verifyModelFolder(join(tmp, 'kl-model'));
    expect(m.kind).toBe('autoencoder');
    expect(m.autoencoder!.quantization).toBe('kl');
    expect(m.autoencoder!.latentShape).toEqual([2, 16, 16]); // shapes 32x32, two levels: f = 2
    expect(m.autoencoder!.scalingFactor).toBeGreaterThan(0);
    expect(Object.keys(m.files).sort()).toEqual(['decoder', 'encoder']);
    expect(m.parity.byFile!.encoder).toBeLessThan(1e-4);
    expect(m.parity.byFile!.decoder).toBeLessThan(1e-4);
    expect(m.files.encoder!.outputs.map((o) => o.name)).toEqual(['latent']);
  }, 120_000);

  it('a run stopped at step 2 and resumed to 3 ends with the same weights as a straight run', async () => {
    const a = await runCli([...SMOKE, '--steps', '2', '--out', join(tmp, 'resume')]);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli([...SMOKE, '--steps', '3', '--resume', '--out', join(tmp, 'resume')]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr + b.stdout).toMatch(/resumed from .* at step 2/);
    const straight = await loadCheckpoint(join(tmp, 'kl', 'checkpoint.wgck'));
    const resumed = await loadCheckpoint(join(tmp, 'resume', 'checkpoint.wgck'));
    expect(resumed.header.step).toBe(3);
    const params = straight.header.tensors.filter((t) => t.group === 'params');
    expect(params.length).toBeGreaterThan(10);
    for (const t of params) expect(resumed.get('params', t.name), t.name).toEqual(straight.get('params', t.name));
  }, 120_000);

  it('VQ-VAE: exports codes and a codebook, logs usage and perplexity', async () => {
    const r = await runCli([...SMOKE, '--kind', 'vq', '--codes', '16', '--out', join(tmp, 'vq'), '--export', join(tmp, 'vq-model')]);
    expect(r.code, r.stderr).toBe(0);
    const last = JSON.parse(readFileSync(join(tmp, 'vq', 'metrics.jsonl'), 'utf8').trim().split('\n').pop()!);
    expect(last.codeUsage).toBeGreaterThan(0);
    expect(last.codeUsage).toBeLessThanOrEqual(1);
    expect(last.perplexity).toBeGreaterThanOrEqual(1);
    expect(last.perplexity).toBeLessThanOrEqual(16);
    const m = await verifyModelFolder(join(tmp, 'vq-model'));
    expect(m.autoencoder).toMatchObject({ quantization: 'vq', codebook: { codes: 16, dim: 2 } });
    expect(m.files.encoder!.outputs.map((o) => o.name).sort()).toEqual(['codes', 'latent']);
  }, 120_000);

  it('flat latents (the β-VAE): the encoder and decoder export with parity', async () => {
    const r = await runCli([...SMOKE, '--latent-dim', '3', '--beta', '4', '--out', join(tmp, 'flat'), '--export', join(tmp, 'flat-model')]);
    expect(r.code, r.stderr).toBe(0);
    const m = await verifyModelFolder(join(tmp, 'flat-model'));
    expect(m.autoencoder!.latentShape).toEqual([3]);
    expect(m.parity.maxAbsError).toBeLessThan(1e-4);
  }, 120_000);

  it.each([
    [['--kind', 'gauss'], /--kind must be one of kl, vq, got 'gauss'/],
    [['--kind', 'vq', '--latent-dim', '4'], /--latent-dim .* is for --kind kl/],
    [['--widths', '8,x'], /--widths must be positive integers/],
    [['--recon-sigma', '0'], /--recon-sigma must be > 0/],
    [['--steps', '0'], /--steps must be an integer >= 1/],
    [['--groups', '3'], /does not divide into 3 groups|width 8 does not divide/],
  ])('refuses %j with one line naming the flag', async (flags, message) => {
    const r = await runCli([...SMOKE, ...flags, '--out', join(tmp, 'bad')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('webgen-train')).length).toBe(1);
  }, 60_000);

  it('refuses to resume a checkpoint of another family, or one written before families were recorded', async () => {
    for (const [dir, state, said] of [
      ['gan-ckpt', { family: 'gan', config: {} }, /is a gan checkpoint, not autoencoder/],
      ['old-ckpt', { config: {} }, /is another kind of checkpoint, not autoencoder/],
    ] as const) {
      mkdirSync(join(tmp, dir), { recursive: true });
      await saveCheckpoint(join(tmp, dir, 'checkpoint.wgck'), 5, state, {});
      const resumed = await runCli([...SMOKE, '--resume', '--out', join(tmp, dir)]);
      expect(resumed.code, resumed.stderr).toBe(2);
      expect(resumed.stderr).toMatch(said);
      expect(resumed.stderr).toMatch(/resume it with the command that wrote it/);
    }
  }, 60_000);
});
