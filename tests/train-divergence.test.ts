// Training that recovers as it says: a diverged state is never saved as good, the divergence message is true whether
// or not a checkpoint exists, flags given with --resume override the saved ones (architecture flags are refused), and
// temp files of checkpoint writes killed mid-way are cleaned at start.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactNumber } from '../trainer/cli/compact-number.js';
import { loadCheckpoint } from '../trainer/train/checkpoint.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-divergence-'));
// Tiny and fast: single-threaded wasm, 64 shapes, batch 4.
const common = ['shapes-tiny', '--batch-size', '4', '--micro-batch', '2', '--sample-every', '0', '--sample-steps', '2', '--log-every', '1', '--backend', 'wasm', '--threads', '1', '--data', 'shapes:64'];
/** Blanks the family in a run's checkpoint header, in place (JSON whitespace, same length): an older trainer's file. */
async function forgetFamily(out: string, name: string): Promise<string> {
  const path = join(out, 'checkpoint.wgck');
  const bytes = readFileSync(path);
  const family = Buffer.from(`"family":"${name}",`);
  const at = bytes.indexOf(family);
  expect(at).toBeGreaterThan(0);
  writeFileSync(path, Buffer.concat([bytes.subarray(0, at), Buffer.alloc(family.length, 0x20), bytes.subarray(at + family.length)]));
  expect((await loadCheckpoint(path)).header.state.family).toBeUndefined();
  return path;
}
const stepOf = (stderr: string) => Number(/at step (\d+): training diverged/.exec(stderr)?.[1]);
const losses = (out: string) => readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number; lr: number });

describe('a diverging diffusion run stops before it saves the diverged weights, and says what is left', () => {
  it('--lr 1e9 with no checkpoint yet: the finite 6e17-sized loss is caught as far above its running average, nothing is written, and the message says so', async () => {
    const out = join(tmp, 'fresh');
    const r = await runCli([...common, '--steps', '20', '--lr', '1e9', '--checkpoint-every', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const m = /loss (\S+) is (\S+)× its running average/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number.isFinite(Number(m![1]))).toBe(true);
    expect(Number(m![2])).toBeGreaterThan(1000);
    // Caught at the first loss that high: every loss logged before it is within the limit of the first one.
    const failedAt = stepOf(r.stderr);
    const logged = losses(out);
    expect(logged.map((l) => l.step)).toEqual(Array.from({ length: failedAt - 1 }, (_, i) => i + 1));
    for (const l of logged) expect(l.loss).toBeLessThan(1000 * logged[0]!.loss);
    expect(r.stderr).toMatch(/no checkpoint yet, so nothing was saved/);
    expect(r.stderr).not.toMatch(/last good checkpoint/);
    expect(r.stderr).toMatch(/without --resume/);
    expect(r.stderr).toContain('(now 1e9)');
    expect(existsSync(join(out, 'checkpoint.wgck'))).toBe(false);
  });

  it('with a checkpoint: it names that step, the file is left byte for byte, and --resume with a lower --lr overrides the saved one and trains on', async () => {
    const out = join(tmp, 'resume');
    const ckpt = join(out, 'checkpoint.wgck');
    expect((await runCli([...common, '--steps', '2', '--checkpoint-every', '1', '--out', out])).code).toBe(0);
    const good = readFileSync(ckpt);
    const savedLr = (await loadCheckpoint(ckpt)).header.state.config as { lr: number };

    // Resumed with --lr 1e9 (which a resume used to ignore): it diverges, and every checkpoint due after step 2 measured
    // diverged weights, so none of them is written.
    const bad = await runCli([...common, '--steps', '20', '--lr', '1e9', '--checkpoint-every', '1', '--out', out, '--resume']);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stderr).toContain(`overriding saved lr ${compactNumber(savedLr.lr)} with 1e9`);
    expect(bad.stderr).toMatch(/loss (became (NaN|Infinity)|\S+ is \S+× its running average) at step \d+: training diverged/);
    expect(stepOf(bad.stderr)).toBeGreaterThan(2);
    expect(bad.stderr).toContain(`last good checkpoint is step 2 (${ckpt})`);
    expect(bad.stderr).toContain('(now 1e9)');
    expect(readFileSync(ckpt).equals(good)).toBe(true);

    const fixed = await runCli([...common, '--steps', '4', '--lr', '1e-3', '--grad-clip', '0.5', '--out', out, '--resume']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).toContain(`overriding saved lr ${compactNumber(savedLr.lr)} with 1e-3`);
    expect(fixed.stderr).toMatch(/overriding saved grad-clip \S+ with 0\.5/);
    const after = await loadCheckpoint(ckpt);
    expect(after.header.step).toBe(4);
    expect((after.header.state.config as { lr: number; gradClip: number }).lr).toBe(1e-3);
    expect((after.header.state.config as { lr: number; gradClip: number }).gradClip).toBe(0.5);
    expect(losses(out).at(-1)!.lr).toBeLessThanOrEqual(1e-3);
  });

  it('a flag that fixes the architecture cannot change on --resume: exit 2 naming the flag and the saved value; the same value is fine', async () => {
    const out = join(tmp, 'arch');
    expect((await runCli([...common, '--steps', '1', '--out', out])).code).toBe(0);
    const before = readFileSync(join(out, 'checkpoint.wgck'));
    const r = await runCli([...common, '--steps', '2', '--model', 'small', '--prediction', 'epsilon', '--out', out, '--resume']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model small \(the checkpoint has tiny\)/);
    expect(r.stderr).toMatch(/--prediction epsilon \(the checkpoint has v\)/);
    expect(r.stderr).toMatch(/cannot change on --resume/);
    expect(r.stderr).not.toMatch(/training from step/);
    expect(readFileSync(join(out, 'checkpoint.wgck')).equals(before)).toBe(true);
    const same = await runCli([...common, '--steps', '2', '--model', 'tiny', '--out', out, '--resume']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).not.toMatch(/overriding saved model/);
  });
});

describe('temp files of checkpoint writes killed mid-way are removed at start', () => {
  const stale = (out: string) => readdirSync(out).filter((f) => /^\.checkpoint\.wgck\.\d+\.\d+\.tmp$/.test(f));
  it('of a new run and of a resumed one, with a message; files that only look alike stay', async () => {
    const out = join(tmp, 'stale');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(out, { recursive: true });
    // What SIGKILL during saveCheckpoint leaves: `.checkpoint.wgck.<pid>.<ms>.tmp`, half written.
    writeFileSync(join(out, '.checkpoint.wgck.4242.1700000000000.tmp'), 'WGCK half');
    writeFileSync(join(out, 'notes.checkpoint.wgck.1.2.tmp'), 'mine');
    const fresh = await runCli([...common, '--steps', '1', '--out', out]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toContain(`removed ${join(out, '.checkpoint.wgck.4242.1700000000000.tmp')}`);
    expect(stale(out)).toEqual([]);
    expect(existsSync(join(out, 'notes.checkpoint.wgck.1.2.tmp'))).toBe(true);

    writeFileSync(join(out, '.checkpoint.wgck.777.1700000000001.tmp'), 'WGCK half');
    const resumed = await runCli([...common, '--steps', '2', '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`removed ${join(out, '.checkpoint.wgck.777.1700000000001.tmp')}`);
    expect(stale(out)).toEqual([]);
    expect((await loadCheckpoint(join(out, 'checkpoint.wgck'))).header.step).toBe(2);
  });
});

describe('diffusion checkpoints of an older trainer', () => {
  it('one written before checkpoints named their family still resumes, and is then saved with it', async () => {
    const out = join(tmp, 'legacy-diffusion');
    expect((await runCli([...common, '--steps', '1', '--out', out])).code).toBe(0);
    const path = await forgetFamily(out, 'diffusion');
    const r = await runCli([...common, '--steps', '2', '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resumed from .* at step 1/);
    expect((await loadCheckpoint(path)).header.state.family).toBe('diffusion');
  });
});

describe('webgen-train gan --resume shares the rules', () => {
  const gan = ['gan', 'mnist-dcgan', '--data', 'shapes:64', '--hold-out', '0', '--batch-size', '8', '--sample-every', '0', '--log-every', '1', '--backend', 'wasm', '--threads', '1', '--g-width', '16', '--d-width', '8'];
  it('--lr-d overrides the saved rate (and is saved), --d-width is refused, a stale temp file is removed', async () => {
    const out = join(tmp, 'gan');
    expect((await runCli([...gan, '--steps', '1', '--out', out])).code).toBe(0);
    const refused = await runCli([...gan, '--steps', '2', '--d-width', '16', '--out', out, '--resume']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--d-width 16 \(the checkpoint has 8\)/);
    writeFileSync(join(out, '.checkpoint.wgck.4242.1700000000000.tmp'), 'WGCK half');
    const r = await runCli([...gan, '--steps', '2', '--lr-d', '5e-5', '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/overriding saved lr-d \S+ with 5e-5/);
    expect(r.stderr).toContain(`removed ${join(out, '.checkpoint.wgck.4242.1700000000000.tmp')}`);
    expect(existsSync(join(out, '.checkpoint.wgck.4242.1700000000000.tmp'))).toBe(false);
    const ckpt = await loadCheckpoint(join(out, 'checkpoint.wgck'));
    expect(ckpt.header.step).toBe(2);
    expect((ckpt.header.state.config as { lrD: number }).lrD).toBe(5e-5);
  });

  it('a GAN checkpoint written before checkpoints named their family still resumes; one with another family is refused', async () => {
    const out = join(tmp, 'gan-legacy');
    expect((await runCli([...gan, '--steps', '1', '--out', out])).code).toBe(0);
    const path = await forgetFamily(out, 'gan');
    const r = await runCli([...gan, '--steps', '2', '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resumed from .* at step 1/);
    expect((await loadCheckpoint(path)).header.state.family).toBe('gan');
    const other = await runCli(['autoencoder', 'mnist-betavae', '--steps', '3', '--out', out, '--resume', '--threads', '1']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/is a gan checkpoint, not autoencoder/);
  });
});
