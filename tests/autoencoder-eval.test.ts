/**
 * `webgen-train autoencoder eval` (issue 18's cards): on smoke-recipe exports with a held-out split, it reconstructs
 * the held-out images through the SDK and writes card.md, eval.json and the pictures; with --sweep, the β table and a
 * traversal grid per β; a model without held-out images, or of another kind, is one clear error.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-ae-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SMOKE = ['autoencoder', 'autoencoder-smoke', '--backend', 'cpu', '--threads', '1'];

beforeAll(async () => {
  const runs = await Promise.all([
    runCli([...SMOKE, '--hold-out', '16', '--out', join(tmp, 'kl-run'), '--export', join(tmp, 'kl')]),
    runCli([...SMOKE, '--hold-out', '16', '--latent-dim', '3', '--beta', '1', '--out', join(tmp, 'b1-run'), '--export', join(tmp, 'b1')]),
    runCli([...SMOKE, '--hold-out', '16', '--latent-dim', '3', '--beta', '8', '--out', join(tmp, 'b8-run'), '--export', join(tmp, 'b8')]),
    runCli([...SMOKE, '--out', join(tmp, 'all-run'), '--export', join(tmp, 'all')]),
  ]);
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
}, 240_000);

describe('webgen-train autoencoder eval', () => {
  it('measures the held-out images through the SDK and writes the card, eval.json and its pictures', async () => {
    const r = await runCli(['autoencoder', 'eval', join(tmp, 'kl')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/held-out 16 \(seed 0\): 16 images, PSNR \d+\.\d+ dB, SSIM [\d.]+; thumbnail floor \d+\.\d+ dB/);
    const result = JSON.parse(readFileSync(join(tmp, 'kl', 'eval.json'), 'utf8'));
    expect(result.sets).toHaveLength(1);
    const s = result.sets[0];
    expect(s.images).toBe(16);
    expect(Number.isFinite(s.model.psnr) && s.model.psnr > 0).toBe(true);
    expect(s.model.ssim).toBeGreaterThan(-1);
    expect(s.model.ssim).toBeLessThanOrEqual(1);
    expect(s.model.alphaPsnr).toBeUndefined(); // RGB data: no alpha
    expect(s.thumbnail.size).toBe(`${result.latentShape[2]}x${result.latentShape[1]}`);
    expect(result.latentNumbers).toBe(result.latentShape.reduce((a: number, b: number) => a * b, 1));
    expect(result.latentBits).toBe(16 * result.latentNumbers);
    const card = readFileSync(join(tmp, 'kl', 'card.md'), 'utf8');
    expect(card).toContain(`${s.model.psnr.toFixed(2)} dB`);
    expect(card).toContain('Numbers from: `webgen-train autoencoder eval');
    for (const f of ['reconstructions.png', 'interpolation.png', 'traversal.png']) expect(existsSync(join(tmp, 'kl', f)), f).toBe(true);
  }, 120_000);

  it('--sweep adds the β table (one row per β, KL per dimension) and a traversal grid per β', async () => {
    const r = await runCli(['autoencoder', 'eval', join(tmp, 'b1'), '--sweep', join(tmp, 'b8')]);
    expect(r.code, r.stderr).toBe(0);
    const card = readFileSync(join(tmp, 'b1', 'card.md'), 'utf8');
    expect(card).toContain('## β sweep');
    expect(card).toMatch(/\| 1 \| [\d.]+ dB \| [-\d.]+ \| — \| \d of 3 \| [\d.]+, [\d.]+, [\d.]+ \| 3 \|/);
    expect(card).toMatch(/\| 8 \| [\d.]+ dB/);
    // The rows come sorted by β, and the summary states the rate each β bought (bits = sum of KL per dimension / ln 2).
    expect(card.indexOf('| 1 |')).toBeLessThan(card.indexOf('| 8 |'));
    expect(card).toMatch(/the KL rate fell from \d+ bits at β = 1, \d+ bits at β = 8, and held-out PSNR moved from [\d.]+ dB \(β = 1\) to [\d.]+ dB \(β = 8\)/);
    expect(card).toMatch(/No dimension switched off|Dimensions switched off: \d at β = 1, \d at β = 8\./);
    for (const f of ['traversal-beta-1.png', 'traversal-beta-8.png']) expect(existsSync(join(tmp, 'b1', f)), f).toBe(true);
  }, 120_000);

  it('refuses a model trained on all its data, another kind of model, and a missing folder', async () => {
    const all = await runCli(['autoencoder', 'eval', join(tmp, 'all')]);
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(/holdOut 0\), so there are no held-out images/);
    const gan = await runCli(['autoencoder', 'eval', 'models/mnist-dcgan']);
    expect(gan.code).not.toBe(0);
    expect(gan.stderr).toMatch(/'gan-generator' model; autoencoder eval needs an 'autoencoder'/);
    const none = await runCli(['autoencoder', 'eval']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/takes one model folder/);
  }, 60_000);
});
