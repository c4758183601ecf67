/**
 * Number flags of both command lines, parsed strictly. JavaScript's Number() reads '0x5', '1e1', ' 5', '5.0' and
 * '' (as 0) as numbers, so `--steps 0x5` used to run 5 steps; a flag value here is what its help says, written the
 * way a person writes it, or a UsageError naming the flag and the value.
 */
import { UsageError } from '../errors/usage-error.js';

// Decimal digits with an optional minus: no '+', hex/octal/binary prefixes, exponents, fractions or whitespace.
const INTEGER = /^-?\d+$/;
// A decimal number: digits with an optional fraction and exponent (1e-4 is how learning rates are written).
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `raw` as an integer in [min, max] (max: the largest exact integer unless given), or a UsageError naming `--name`. */
export function intFlag(name: string, raw: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
  if (!INTEGER.test(raw)) throw new UsageError(`--${name} must be an integer ${range} in decimal digits, got '${raw}'`);
  const v = Number(raw);
  // beyond 2^53 Number() rounds: '9007199254740993' would silently become another integer
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be an integer ${range}, got '${raw}'`);
  return v;
}

/** `raw` as a finite decimal number (1, 0.5, 1e-4), or a UsageError naming `--name`. */
export function numberFlag(name: string, raw: string): number {
  const v = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(v)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
  return v;
}

/** Whether `raw` is written as a decimal number (for flags whose own message says more than numberFlag's). */
export function isDecimal(raw: string): boolean {
  return DECIMAL.test(raw) && Number.isFinite(Number(raw));
}
