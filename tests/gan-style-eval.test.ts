/**
 * `webgen-train gan eval --psi … --compare …` (issue 23): a style-based generator's card gets the truncation sweep
 * (through the SDK's truncationPsi), the style-mixing grid (through gan.mix) and a table beside another evaluated
 * generator. On a 2-step StyleGAN: ψ 0 draws w_avg for every latent, so every sample is one picture and falls in one
 * class; ψ 1 is the main evaluation; the grid has the documented layout; bad --psi values and a non-style model are
 * refused naming the flag.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-gan-style-'));
const style = join(tmp, 'stylegan');
const dcgan = join(tmp, 'dcgan');
const tinyCommon = ['--batch-size', '8', '--sample-every', '0', '--steps', '2', '--backend', 'wasm', '--threads', '1'];

beforeAll(async () => {
  const a = await runCli(['gan', 'mnist-stylegan', ...tinyCommon, '--g-width', '128', '--d-width', '8', '--g-depth', '2', '--out', join(tmp, 'run-s'), '--export', style]);
  expect(a.code, a.stderr).toBe(0);
  const b = await runCli(['gan', 'mnist-dcgan', ...tinyCommon, '--g-width', '16', '--d-width', '8', '--out', join(tmp, 'run-d'), '--export', dcgan]);
  expect(b.code, b.stderr).toBe(0);
  const c = await runCli(['gan', 'eval', dcgan, '--samples', '20']);
  expect(c.code, c.stderr).toBe(0);
}, 240_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gan eval of a style-based generator', () => {
  it('writes the ψ sweep, the mixing grid and the comparison into the card and eval.json', async () => {
    const r = await runCli(['gan', 'eval', style, '--samples', '20', '--psi', '1,0', '--compare', dcgan]);
    expect(r.code, r.stderr).toBe(0);
    const evalJson = JSON.parse(readFileSync(join(style, 'eval.json'), 'utf8'));
    const [one, zero] = evalJson.psiSweep;
    expect(one.psi).toBe(1);
    expect(one.fid).toBe(evalJson.fid); // ψ 1 is the main evaluation
    expect(zero.psi).toBe(0);
    // ψ 0: w = w_avg for every latent and class → one picture, one class
    expect(zero.missingClasses.length).toBe(9);
    expect(zero.coverageRatio).toBe(0);

    const card = readFileSync(join(style, 'card.md'), 'utf8');
    expect(card).toMatch(/## Truncation in w \(ψ sweep, 20 samples each/);
    expect(card).toMatch(/\| 0 \| [\d.]+ \|/);
    expect(card).toMatch(/## Style mixing/);
    expect(card).toMatch(/## Against dcgan/);
    expect(card).toMatch(/--psi 1,0 --compare/);

    // 6 rows × 11 columns of 32×32 pictures (scale 2)
    const png = PNG.sync.read(readFileSync(join(style, 'mixing.png')));
    expect(png.width).toBeGreaterThanOrEqual(11 * 64);
    expect(png.height).toBeGreaterThanOrEqual(6 * 64);
    expect(png.height).toBeLessThan(7 * 64);
  }, 180_000);

  it('--compare takes a list: one table, this model first, each row naming its D', async () => {
    const r = await runCli(['gan', 'eval', dcgan, '--samples', '20', '--compare', `${style},${style}`]);
    expect(r.code, r.stderr).toBe(0);
    const card = readFileSync(join(dcgan, 'card.md'), 'utf8');
    expect(card).toMatch(/## Beside other runs/);
    const rows = card.split('\n').filter((l) => /^\| (dcgan|stylegan) \|/.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| dcgan', '| stylegan', '| stylegan']);
    expect(rows[0]).toMatch(/^\| dcgan \| dcgan \| dcgan D \|/);
    const bad = await runCli(['gan', 'eval', dcgan, '--samples', '20', '--compare', `${style},`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--compare must be a comma-separated list of model folders/);
  }, 120_000);

  it('refuses --psi for a generator without style layers, and ψ outside [0, 2]', async () => {
    const a = await runCli(['gan', 'eval', dcgan, '--samples', '20', '--psi', '0.7']);
    expect(a.code).not.toBe(0);
    expect(a.stderr).toMatch(/--psi needs a style-based generator/);
    const b = await runCli(['gan', 'eval', style, '--samples', '20', '--psi', '1,3']);
    expect(b.code).not.toBe(0);
    expect(b.stderr).toMatch(/--psi must be a comma-separated list of ψ in \[0, 2\]/);
  }, 60_000);
});
