/**
 * Command lines whose flags are the fields of a config object: every key of `base` is a `--kebab-case` flag
 * (booleans also get `--no-…`), numbers are checked as numbers and choice strings against their list. Used by
 * `webgen-train <recipe>` (TrainConfig) and `webgen-train gan <recipe>` (GanConfig).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors/usage-error.js';
import { intFlag, numberFlag } from './number-flags.js';

type FlagOptions = Record<string, { type: 'string' | 'boolean' }>;
type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * node:util parseArgs (strict, positionals allowed) whose errors become UsageErrors; node's messages name the flag
 * ("Unknown option '--stepz'"), `seeHelp` adds the way out. With `positionals: false` a bare argument is an error too.
 */
export function parseFlags<O extends ParseArgsConfig['options'] & object>(argv: string[], options: O, seeHelp: string, { positionals = true } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true as const, allowPositionals: true as const });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. ${seeHelp}`);
  }
  if (!positionals && parsed.positionals.length > 0) throw new UsageError(`Unexpected argument '${parsed.positionals[0]}'. ${seeHelp}`);
  return parsed;
}

/** The parseArgs options for every field of `base`, plus `extra` (e.g. help). */
export function configFlagOptions<T extends object>(base: T, extra: FlagOptions = {}): FlagOptions {
  const options: FlagOptions = { ...extra };
  for (const [key, def] of Object.entries(base)) {
    const isBool = typeof def === 'boolean';
    options[kebab(key)] = { type: isBool ? 'boolean' : 'string' };
    if (isBool) options[`no-${kebab(key)}`] = { type: 'boolean' };
  }
  return options;
}

/**
 * The fields of `base` that the parsed flags set, typed like `base`; a bad number or choice is a UsageError naming the
 * flag. The fields in `ints` take decimal integers only ('0x5', '1e1', '5.0' are refused); their ranges are the
 * caller's validate step.
 */
export function configOverrides<T extends object>(base: T, values: FlagValues, choices: Partial<Record<keyof T, readonly string[]>>, ints: readonly (keyof T)[] = []): Partial<T> {
  const overrides: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(base)) {
    const flag = kebab(key);
    if (typeof def === 'boolean') {
      if (values[flag] !== undefined) overrides[key] = values[flag];
      if (values[`no-${flag}`]) overrides[key] = false;
      continue;
    }
    const raw = values[flag];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') throw new UsageError(`--${flag} needs a value`);
    if (typeof def === 'number') {
      overrides[key] = ints.includes(key as keyof T) ? intFlag(flag, raw, Number.MIN_SAFE_INTEGER) : numberFlag(flag, raw);
    } else {
      const allowed = choices[key as keyof T];
      if (allowed && !allowed.includes(raw)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${raw}'`);
      overrides[key] = raw;
    }
  }
  return overrides as Partial<T>;
}
