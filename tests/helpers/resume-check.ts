import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadCheckpoint, type LoadedCheckpoint } from '../../trainer/train/checkpoint.js';
import { runCli } from './run-cli.js';

/** The lines of `dir`/metrics.jsonl, parsed. */
export const metricsLines = (dir: string): Record<string, number>[] => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/**
 * Trains `args` (a smoke recipe's command line) to step 2 in `dir`, resumes it to step 3, and checks that the resumed
 * run said so and logged steps 1–3; returns the resumed checkpoint, to compare with a straight run's.
 */
export async function stopAtTwoResumeToThree(args: string[], dir: string): Promise<LoadedCheckpoint> {
  const a = await runCli([...args, '--steps', '2', '--out', dir]);
  expect(a.code, a.stderr).toBe(0);
  const b = await runCli([...args, '--steps', '3', '--resume', '--out', dir]);
  expect(b.code, b.stderr).toBe(0);
  expect(b.stderr).toMatch(/resumed from .* at step 2/);
  expect(metricsLines(dir).map((l) => l.step)).toEqual([1, 2, 3]);
  const resumed = await loadCheckpoint(join(dir, 'checkpoint.wgck'));
  expect(resumed.header.step).toBe(3);
  return resumed;
}

/** Every tensor of each of `groups` (none empty) is the same in both checkpoints, bit for bit. */
export function expectSameGroups(straight: LoadedCheckpoint, resumed: LoadedCheckpoint, groups: string[], atLeast = 1): void {
  for (const group of groups) {
    const tensors = straight.header.tensors.filter((t) => t.group === group);
    expect(tensors.length, group).toBeGreaterThanOrEqual(atLeast);
    for (const t of tensors) expect(resumed.get(group, t.name), `${group} ${t.name}`).toEqual(straight.get(group, t.name));
  }
}
