/**
 * The folder a training run owns: proving it writable up front, and its metrics.jsonl kept in step with the
 * checkpoint on --resume.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputError } from '../errors/output-error.js';

/** Creates `dir` and proves a file can be written there, so a run fails at once rather than at its first checkpoint. */
export async function ensureWritableDir(dir: string, flag: string): Promise<void> {
  const probe = join(dir, `.webgen-write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new OutputError(dir, `${flag} is not a writable folder (${e.code ?? e.message}); choose another path or fix its permissions`);
  }
}

/**
 * Drops metric lines past the resumed step, so metrics.jsonl reads as one uninterrupted run; returns the last line
 * kept (undefined when none), whose losses a resumed run that trains no further reports (and exports) as its final ones.
 */
export async function truncateMetrics(path: string, step: number): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const kept = text.split('\n').filter((l) => l.trim() && (JSON.parse(l) as { step: number }).step <= step);
  await writeFile(path, kept.map((l) => `${l}\n`).join(''));
  return kept.length ? (JSON.parse(kept[kept.length - 1]!) as Record<string, unknown>) : undefined;
}

/** A number field of a metrics line, NaN when absent. */
export function metricOf(line: Record<string, unknown> | undefined, key: string): number {
  const v = line?.[key];
  return typeof v === 'number' ? v : NaN;
}
