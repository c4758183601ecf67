/** Number-list flags shared by the eval commands; bad values are UsageErrors naming the flag. */
import { UsageError } from '../errors/usage-error.js';

/** `raw` as an integer ≥ `min`. */
export function intFlag(name: string, raw: string, min = 1): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${raw}'`);
  return v;
}

/** A comma-separated list of integers ≥ 1. */
export function listFlag(name: string, raw: string): number[] {
  return raw.split(',').map((s) => intFlag(name, s.trim()));
}

/** A comma-separated list of DDIM η values in [0, 1]. */
export function etaListFlag(raw: string): number[] {
  return raw.split(',').map((s) => {
    const v = Number(s);
    if (s.trim() === '' || !(v >= 0 && v <= 1)) throw new UsageError(`--eta values must be in [0, 1], got '${s}'`);
    return v;
  });
}

/** A finite number. */
export function numberFlag(name: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
  return v;
}
