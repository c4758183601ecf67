/**
 * The `webgen import` fixtures (tests/fixtures/import/, made by make-fixtures.py in PyTorch): their folders, their
 * PyTorch reference samples, and the webgen model folders `webgen import` makes of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runWebgen } from './run-cli.js';

export const IMPORT_FIXTURES = join(REPO_ROOT, 'tests', 'fixtures', 'import');

/** One reference DDIM run of make-fixtures.py. */
export interface ReferenceRun {
  steps: number;
  guidanceScale: number;
  classLabels?: number[];
  prompt?: string;
  /** The final image [B, C, H, W] flattened (a latent model's: decoded). */
  sample: number[];
}

export interface Reference {
  /** The initial noise's shape [B, C, H, W]. */
  shape: number[];
  noise: number[];
  runs: ReferenceRun[];
}

export function readReference(fixture: 'pixel' | 'latent'): Reference {
  return JSON.parse(readFileSync(join(IMPORT_FIXTURES, fixture, 'reference.json'), 'utf8')) as Reference;
}

/** The `webgen import` arguments of each fixture (the pixel U-Net has classes 0…2 and null class 3). */
export const IMPORT_ARGS: Record<'pixel' | 'latent', string[]> = {
  pixel: ['--from', join(IMPORT_FIXTURES, 'pixel'), '--classes', 'zero,one,two'],
  latent: ['--from', join(IMPORT_FIXTURES, 'latent')],
};

/** Runs `webgen import` of `fixture` into `out`; throws with its stderr on failure. */
export async function importFixture(fixture: 'pixel' | 'latent', out: string): Promise<void> {
  const r = await runWebgen(['import', ...IMPORT_ARGS[fixture], '--out', out]);
  if (r.code !== 0) throw new Error(`webgen import ${fixture} failed (${r.code}): ${r.stderr}`);
}

/** max |a − b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
