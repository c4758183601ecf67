/**
 * The config of a resumed run: the checkpoint's, with the flags given on this command line laid over it, except those
 * that fix what the checkpoint's tensors mean (architecture, data, seed). After a divergence the advice is "a lower
 * --lr, then --resume"; a resume that quietly kept the saved --lr would diverge again at the same step.
 *
 * A fixed flag given with a different value is a UsageError, not an "ignored" note: the user asked for a different
 * model, and training the old one under the new name would be the silent surprise a note scrolls past. The same value
 * (the original command line repeated with --resume) is fine.
 */
import { compactNumber } from '../cli/compact-number.js';
import { kebab } from '../cli/config-flags.js';
import { UsageError } from '../errors/usage-error.js';

export interface ResumePolicy<T> {
  /** Fields the checkpoint fixes: a flag asking for another value is an error. */
  fixed: readonly (keyof T)[];
  /** Fields always taken from this command line (with its recipe's defaults): how long, where, how to run. */
  fromCommandLine: readonly (keyof T)[];
}

export interface ResumedConfig<T> {
  config: T;
  /** One line per flag that replaced a saved value: `overriding saved lr 1e9 with 1e-3`. */
  notes: string[];
}

/**
 * `saved` (the checkpoint's config) with `given`'s `fromCommandLine` fields and every field of `explicit` (the flags
 * typed, as parsed) laid over it; throws a UsageError naming each fixed flag that asks for a change.
 */
export function resumeConfig<T extends object>(saved: T, given: T, explicit: Partial<T>, policy: ResumePolicy<T>, ckptPath: string): ResumedConfig<T> {
  const conflicts = policy.fixed.filter((k) => k in explicit && !sameValue(explicit[k], saved[k]));
  if (conflicts.length > 0) {
    const list = conflicts.map((k) => `--${kebab(String(k))} ${show(explicit[k])} (the checkpoint has ${show(saved[k])})`).join(', ');
    throw new UsageError(
      `${list}: ${conflicts.length === 1 ? 'this flag fixes' : 'these flags fix'} what the checkpoint ${ckptPath} holds and cannot change on --resume. ` +
        `Drop ${conflicts.length === 1 ? 'it' : 'them'} to continue the run, or start a new run in another --out.`,
    );
  }
  const config = { ...saved } as T;
  const notes: string[] = [];
  for (const k of policy.fromCommandLine) config[k] = given[k];
  for (const k of Object.keys(explicit) as (keyof T)[]) {
    if (policy.fixed.includes(k)) continue;
    const value = explicit[k] as T[keyof T];
    if (!sameValue(value, saved[k]) && k !== 'resume' && k !== 'out') notes.push(`overriding saved ${kebab(String(k))} ${show(saved[k])} with ${show(value)}`);
    config[k] = value;
  }
  return { config, notes };
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

function show(v: unknown): string {
  if (typeof v === 'number') return compactNumber(v);
  if (typeof v === 'string') return v === '' ? "''" : v;
  return String(v);
}
