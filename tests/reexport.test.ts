/**
 * `webgen-train reexport`: a shipped folder brought up to the current exporter. A copy of a classifier is rebuilt from
 * its own weights (the same logits, a grad_cam output, every sha256 right); a copy of a text-conditioned U-Net keeps
 * model_output and has its cross-attention outputs once (a second reexport changes nothing); other kinds are refused.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-reexport-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function logitsOf(file: string, x: Float32Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(file);
  const out = (await s.run({ images: new ort.Tensor('float32', x, [2, 1, 32, 32]) })).logits!.data as Float32Array;
  await s.release();
  return out;
}

describe('webgen-train reexport', () => {
  it('rebuilds a classifier from its weights: the same logits, a grad_cam output, a folder that verifies', async () => {
    const dir = join(tmp, 'mnist-classifier');
    cpSync('models/mnist-classifier', dir, { recursive: true });
    const x = Float32Array.from(new Rng(3).normalArray(2 * 32 * 32), Math.tanh);
    const before = await logitsOf(join(dir, 'model.onnx'), x);
    const r = await runCli(['reexport', '--model', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/model\.onnx: outputs logits, features, grad_cam/);
    const m = await verifyModelFolder(dir);
    expect(m.files.classifier!.outputs.map((o) => o.name)).toEqual(['logits', 'features', 'grad_cam']);
    expect(m.name).toBe('mnist-classifier');
    expect(m.metrics).toEqual(JSON.parse(readFileSync('models/mnist-classifier/manifest.json', 'utf8')).metrics);
    const after = await logitsOf(join(dir, 'model.onnx'), x);
    after.forEach((v, i) => expect(Math.abs(v - before[i]!)).toBeLessThan(1e-4));
  }, 120_000);

  it('adds cross-attention outputs to a text U-Net once, model_output unchanged', async () => {
    const dir = join(tmp, 'shapes-t2i');
    cpSync('models/shapes-t2i', dir, { recursive: true });
    const first = await runCli(['reexport', '--model', dir]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/model_output unchanged/);
    const sha = (await verifyModelFolder(dir)).files.unet!.sha256;
    const second = await runCli(['reexport', '--model', dir]);
    expect(second.code, second.stderr).toBe(0);
    const m = await verifyModelFolder(dir);
    expect(m.files.unet!.sha256).toBe(sha);
    expect(m.files.unet!.outputs.filter((o) => o.name.startsWith('cross_attention_')).length).toBe(4);
  }, 120_000);

  it('refuses a model with nothing to add, and a missing --model, in one line', async () => {
    const r = await runCli(['reexport', '--model', 'models/mnist-ddim']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reexport upgrades classifiers .* 'mnist-ddim' is a diffusion-unet with nothing to add/);
    const none = await runCli(['reexport']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs --model DIR/);
  }, 60_000);
});
