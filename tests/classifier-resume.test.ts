// The classifier on the run scaffold: a run stopped and resumed ends with the same weights as one run straight through,
// its checkpoint records the classifier family, and a fixed setting cannot change on --resume.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainClassifier } from '../trainer/classifier/train-classifier.js';
import { loadCheckpoint } from '../trainer/train/checkpoint.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-classifier-resume-'));
const small = { data: 'mnist', batchSize: 16, lr: 5e-3, trainLimit: 128, widths: [8, 8, 8], featureDim: 8, logEvery: 1, checkpointEvery: 2, log: () => {} } as const;

async function weights(run: string): Promise<Float32Array[]> {
  const ckpt = await loadCheckpoint(join(run, 'checkpoint.wgck'));
  return ckpt.header.tensors.filter((t) => t.group === 'params' || t.group === 'adam.m').map((t) => ckpt.get(t.group, t.name)!);
}

describe('classifier runs resume', () => {
  it('4 steps straight equal a run stopped after 2 and resumed (weights and Adam moments); the checkpoint names its family', async () => {
    const straight = join(tmp, 'straight');
    const a = await trainClassifier({ ...small, widths: [8, 8, 8], steps: 4, run: straight });
    expect(a.steps).toBe(4);
    const split = join(tmp, 'split');
    // Stopped after step 2 (as Ctrl-C does: the scaffold asks after every step), then resumed.
    let asked = 0;
    const stopped = await trainClassifier({ ...small, widths: [8, 8, 8], steps: 4, run: split, stopRequested: () => ++asked >= 2 });
    expect(stopped.stopped).toBe(true);
    expect((await loadCheckpoint(join(split, 'checkpoint.wgck'))).header.step).toBe(2);
    const b = await trainClassifier({ ...small, widths: [8, 8, 8], steps: 4, run: split, resume: true });
    expect(b.steps).toBe(4);
    const [wa, wb] = [await weights(straight), await weights(split)];
    expect(wa.length).toBeGreaterThan(0);
    wa.forEach((t, i) => expect(Array.from(wb[i]!)).toEqual(Array.from(t)));
    const ckpt = await loadCheckpoint(join(split, 'checkpoint.wgck'));
    expect(ckpt.header.step).toBe(4);
    expect(ckpt.header.state.family).toBe('classifier');
  }, 120_000);

  it('a fixed setting (the widths) cannot change on resume: a UsageError naming it', async () => {
    const run = join(tmp, 'fixed');
    await trainClassifier({ ...small, widths: [8, 8, 8], steps: 1, run });
    await expect(trainClassifier({ ...small, widths: [8, 16, 8], steps: 2, run, resume: true, explicit: { steps: 2, widths: [8, 16, 8] } })).rejects.toThrow(/widths/);
  }, 60_000);
});
