import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../trainer/train/checkpoint.js';
import { runCli, startCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-resume-'));
// Tiny and fast, single-threaded wasm so the arithmetic is reproducible run to run.
const common = ['--batch-size', '4', '--micro-batch', '2', '--sample-every', '0', '--sample-steps', '2', '--log-every', '1', '--backend', 'wasm', '--threads', '1', '--data', 'shapes:64'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function checkpointStep(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  try {
    return (await loadCheckpoint(path)).header.step;
  } catch {
    return 0; // being replaced right now
  }
}

describe('a killed run resumes exactly where it stopped', () => {
  it('kill -9 mid-run, --resume: steps, weights and optimizer state continue as if never interrupted', async () => {
    const interrupted = join(tmp, 'interrupted');
    const { child, done } = startCli(['shapes-tiny', ...common, '--steps', '200', '--checkpoint-every', '2', '--out', interrupted]);
    const ckpt = join(interrupted, 'checkpoint.wgck');
    const deadline = Date.now() + 90_000;
    while ((await checkpointStep(ckpt)) < 4 && Date.now() < deadline) await sleep(50);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const killedAt = await checkpointStep(ckpt);
    expect(killedAt).toBeGreaterThanOrEqual(4);
    expect(killedAt).toBeLessThan(200);

    const target = killedAt + 3;
    const resumed = await runCli(['shapes-tiny', ...common, '--steps', String(target), '--checkpoint-every', '2', '--out', interrupted, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resumed from`);
    expect(resumed.stderr).toContain(`at step ${killedAt}`);

    const straight = join(tmp, 'straight');
    const reference = await runCli(['shapes-tiny', ...common, '--steps', String(target), '--checkpoint-every', '100', '--out', straight]);
    expect(reference.code, reference.stderr).toBe(0);

    const a = await loadCheckpoint(join(interrupted, 'checkpoint.wgck'));
    const b = await loadCheckpoint(join(straight, 'checkpoint.wgck'));
    expect(a.header.step).toBe(target);
    expect(b.header.step).toBe(target);
    expect(a.header.state.adamT).toBe(target);
    let maxDiff = 0;
    for (const t of b.header.tensors) {
      const x = a.get(t.group, t.name)!;
      const y = b.get(t.group, t.name)!;
      for (let i = 0; i < y.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i]! - y[i]!));
    }
    console.log(`killed at step ${killedAt}, resumed to ${target}: max |resumed − uninterrupted| over params, EMA and Adam moments = ${maxDiff}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-6);

    // metrics.jsonl reads as one run: every step once, in order.
    const steps = readFileSync(join(interrupted, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step as number);
    expect(steps).toEqual(Array.from({ length: target }, (_, i) => i + 1));
  });

  it('a finished run exports later with --resume (final loss from its metrics, --fp16 honoured over the saved config)', async () => {
    const out = join(tmp, 'export-later');
    const model = join(tmp, 'export-later-model');
    expect((await runCli(['shapes-tiny', ...common, '--model', 'tiny', '--steps', '3', '--out', out])).code).toBe(0);
    const r = await runCli(['shapes-tiny', ...common, '--model', 'tiny', '--steps', '3', '--out', out, '--resume', '--export', model, '--fp16']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/already at step 3 of 3; nothing to train/);
    const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    const last = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).pop();
    expect(manifest.metrics.finalLoss).toBe(last.loss);
    expect(manifest.training.steps).toBe(3);
    expect(manifest.files.unet.variants.float16.path).toBe('model.fp16.onnx');
    expect(existsSync(join(model, 'model.fp16.onnx'))).toBe(true);
  }, 300_000);

  it('the tensor count stays flat over training steps (kernels and the loop free their intermediates)', async () => {
    const out = join(tmp, 'leak');
    const r = await runCli(['shapes-tiny', ...common, '--steps', '8', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const tensors = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).tensors as number);
    expect(new Set(tensors.slice(1)).size).toBe(1);
  });

  it('a NaN loss stops the run with a clear message; the checkpoint it names is the last one whose loss was finite', async () => {
    const out = join(tmp, 'nan');
    expect((await runCli(['shapes-tiny', ...common, '--steps', '3', '--checkpoint-every', '1', '--out', out])).code).toBe(0);
    const r = await runCli(['shapes-tiny', ...common, '--steps', '30', '--lr', '1e30', '--warmup-steps', '0', '--grad-clip', '0', '--checkpoint-every', '1', '--out', out, '--resume']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/loss (became (NaN|Infinity|-Infinity)|\S+ is \S+× its running average) at step (\d+)/);
    const failedAt = Number(/at step (\d+): training diverged/.exec(r.stderr)![1]);
    // The loss at step n measures the weights after n − 1 updates: those diverged, so the last good ones are n − 2's.
    const ckpt = await loadCheckpoint(join(out, 'checkpoint.wgck'));
    expect(ckpt.header.step).toBe(failedAt - 2);
    expect(r.stderr).toContain(`last good checkpoint is step ${ckpt.header.step} (${join(out, 'checkpoint.wgck')})`);
    for (const t of ckpt.header.tensors) expect(ckpt.get(t.group, t.name)!.every(Number.isFinite)).toBe(true);
  });
});
