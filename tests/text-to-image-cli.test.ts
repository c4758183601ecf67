// Text-to-image end to end through webgen-train: a tiny shapes-t2i run exports the U-Net and the text
// encoder with a manifest carrying the tokenizer; the exported pair runs in onnxruntime from a prompt;
// a stopped t2i run resumes bit-for-bit (text encoder included); bad text options fail clearly.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { WordTokenizer } from '../sdk/text/tokenizer.js';
import { CAPTION_WORDS } from '../trainer/data/shapes.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { loadCheckpoint } from '../trainer/train/checkpoint.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-t2i-'));
// The shapes-t2i recipe shrunk: tiny U-Net, width-16 encoder, 64 images, single-threaded wasm (reproducible).
const tiny = [
  'shapes-t2i', '--model', 'tiny', '--text-dim', '16', '--text-layers', '1', '--text-heads', '2', '--data', 'shapes:64',
  '--batch-size', '4', '--micro-batch', '2', '--sample-steps', '2', '--log-every', '1', '--backend', 'wasm', '--threads', '1',
];
const model = join(tmp, 'model');
const straight = join(tmp, 'straight');

describe('webgen-train shapes-t2i', () => {
  it('trains a text-conditioned model and exports unet + text encoder with the tokenizer in a valid manifest', async () => {
    const r = await runCli([...tiny, '--steps', '4', '--sample-every', '2', '--checkpoint-every', '100', '--out', straight, '--export', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/captions \(\d+ tokens, 16 per prompt\); never drawn: red circle, green star, blue triangle, purple square/);
    expect(r.stderr).toMatch(/\+ text encoder [\d,]+ \(1 blocks, width 16\)/);

    const manifest = await verifyModelFolder(model); // schema, sizes and sha256 of both files
    expect(Object.keys(manifest.files).sort()).toEqual(['textEncoder', 'unet']);
    expect(manifest.files.textEncoder!.path).toBe('text_encoder.onnx');
    expect(manifest.files.textEncoder!.inputs).toEqual([{ name: 'input_ids', dtype: 'int64', shape: ['batch', 16] }]);
    expect(manifest.files.unet!.inputs.map((i) => i.name)).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    expect(manifest.conditioning?.tokenizer?.vocab).toEqual(['<pad>', '<unk>', ...CAPTION_WORDS]);
    expect(manifest.conditioning?.classes).toBeUndefined();
    expect(Object.keys(manifest.parity.byFile ?? {}).sort()).toEqual(['textEncoder', 'unet']);
    expect(manifest.parity.maxAbsError).toBeLessThanOrEqual(1e-4);
    expect(manifest.training.config.holdOutCombos).toBe('red circle,green star,blue triangle,purple square');
    expect(JSON.parse(manifest.training.data).holdOutCombos).toEqual(['red circle', 'green star', 'blue triangle', 'purple square']);

    // Sample grids come with the prompt of each row, held-out pairs marked.
    const rows = readFileSync(join(straight, 'samples-000002.txt'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(8);
    expect(rows[0]).toBe('row 1: a large red circle in the center   [held out of training: red circle]');
    expect(rows[4]).toBe('row 5: a large blue circle in the center');
    expect(existsSync(join(straight, 'samples-000004.png'))).toBe(true);

    // The SDK's path: tokenizer from the manifest → text_encoder.onnx → model.onnx.
    const tokenizer = WordTokenizer.fromManifest(manifest.conditioning!.tokenizer);
    const ids = tokenizer.encode('a large red circle in the center, please');
    expect(Array.from(ids).filter((i) => i === tokenizer.unknownId)).toHaveLength(1);
    const enc = await ort.InferenceSession.create(join(model, 'text_encoder.onnx'));
    const { last_hidden_state: ctx } = await enc.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [1, 16]) });
    expect(ctx!.dims).toEqual([1, 16, 16]);
    const unet = await ort.InferenceSession.create(join(model, 'model.onnx'));
    const x = new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.1), [1, 3, 32, 32]);
    const { model_output: y } = await unet.run({ sample: x, timestep: new ort.Tensor('float32', Float32Array.of(500), [1]), encoder_hidden_states: ctx! });
    expect(y!.dims).toEqual([1, 3, 32, 32]);
    expect((y!.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('a stopped t2i run resumes exactly: U-Net, text encoder, EMA and Adam moments match an uninterrupted run', async () => {
    const resumed = join(tmp, 'resumed');
    const first = await runCli([...tiny, '--steps', '2', '--sample-every', '0', '--out', resumed]);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli([...tiny, '--steps', '4', '--sample-every', '0', '--out', resumed, '--resume']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('at step 2');
    const a = await loadCheckpoint(join(resumed, 'checkpoint.wgck'));
    const b = await loadCheckpoint(join(straight, 'checkpoint.wgck'));
    expect(a.header.step).toBe(4);
    expect(b.header.step).toBe(4);
    expect(a.header.state.vocab).toEqual(b.header.state.vocab);
    const textTensors = b.header.tensors.filter((t) => t.name.startsWith('text_encoder.'));
    expect(new Set(textTensors.map((t) => t.group))).toEqual(new Set(['params', 'ema', 'adam.m', 'adam.v']));
    let maxDiff = 0;
    for (const t of b.header.tensors) {
      const x = a.get(t.group, t.name)!;
      const y = b.get(t.group, t.name)!;
      for (let i = 0; i < y.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i]! - y[i]!));
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    // The text encoder actually trained (its Adam moments moved).
    const m = b.get('adam.m', textTensors[0]!.name)!;
    expect(m.some((v) => v !== 0)).toBe(true);
  });

  it('a caption longer than --text-max-length stops the run naming the caption and the limit (exit 1)', async () => {
    const r = await runCli([...tiny, '--steps', '2', '--sample-every', '0', '--text-max-length', '4', '--sample-prompts', 'red', '--out', join(tmp, 'long')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the caption of example \d+ \("a (small|large) \w+ \w+ .*"\) has \d+ tokens; the model accepts at most 4/);
    expect(r.stderr).toMatch(/raise --text-max-length or lower --max-shapes/);
  });

  it('bad text options are usage errors (exit 2) naming the flag', async () => {
    const prompts = await runCli([...tiny, '--steps', '2', '--sample-prompts', 'a b c d e f g h i j k l m n o p q', '--out', join(tmp, 'prompts')]);
    expect(prompts.code).toBe(2);
    expect(prompts.stderr).toMatch(/'--sample-prompts\[0\]' has 17 tokens; the model accepts at most 16/);
    const heads = await runCli([...tiny, '--text-heads', '3']);
    expect(heads.code).toBe(2);
    expect(heads.stderr).toMatch(/--text-heads \(3\) must divide --text-dim \(16\)/);
    const kind = await runCli([...tiny, '--conditioning', 'words']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/--conditioning must be one of class, text, none, got 'words'/);
    const combos = await runCli([...tiny, '--data', 'mnist:/nonexistent', '--out', join(tmp, 'combos')]);
    expect(combos.code).toBe(2);
    expect(combos.stderr).toMatch(/--hold-out-combos applies to the shapes data set only/);
  });
});
