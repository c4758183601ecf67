/**
 * The command line of a model family whose recipes are named partial configs (`webgen-train autoencoder <recipe>`,
 * `webgen-train clip <recipe>`): one recipe, then every config field as a `--kebab-case` flag; integers checked in
 * range, --lr in (0, 1), --out non-empty, then the family's own check. Every problem is a UsageError naming the flag.
 */
import { UsageError } from '../errors/usage-error.js';
import { configFlagOptions, configOverrides, kebab, parseFlags } from './config-flags.js';

export interface RecipeCommandSpec<C> {
  /** The word after webgen-train: 'autoencoder', 'clip'. */
  command: string;
  base: C;
  recipes: Record<string, { description: string; config: Partial<C> }>;
  /** String fields with a fixed set of values. */
  choices: Partial<Record<keyof C, readonly string[]>>;
  /** Integer fields (>= 0) … */
  ints: readonly (keyof C)[];
  /** … of which these must be >= 1. */
  positive: readonly (keyof C)[];
  /** The family's check of the whole config (UsageError). */
  check: (config: C) => void;
}

export type RecipeCommandLine<C> = { kind: 'help' } | { kind: 'train'; recipe: string; config: C; overrides: Partial<C> };

/** The recipes and flags part of the family's --help. */
export function recipeHelpLists<C extends object>(spec: RecipeCommandSpec<C>): { recipes: string; flags: string } {
  const recipes = Object.entries(spec.recipes).map(([name, r]) => `  ${name.padEnd(20)} ${r.description}`).join('\n');
  const flags = (Object.keys(spec.base) as (keyof C & string)[])
    .map((k) => `  --${kebab(k).padEnd(20)} default ${JSON.stringify(spec.base[k])}${spec.choices[k] ? ` (${spec.choices[k]!.join(' | ')})` : ''}`)
    .join('\n');
  return { recipes, flags };
}

/** Parses `<recipe> [--flag value …]` into a checked config. */
export function parseRecipeCommandLine<C extends { lr: number; out: string }>(argv: string[], spec: RecipeCommandSpec<C>): RecipeCommandLine<C> {
  const { command } = spec;
  const { values, positionals } = parseFlags(argv, configFlagOptions(spec.base, { help: { type: 'boolean' } }), `See webgen-train ${command} --help for every option.`);
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  const names = Object.keys(spec.recipes);
  if (positionals.length === 0) throw new UsageError(`missing recipe: webgen-train ${command} <recipe> [options]; recipes: ${names.join(', ')}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}': give one recipe, then --options`);
  const recipe = spec.recipes[positionals[0]!];
  if (!recipe) throw new UsageError(`unknown ${command} recipe '${positionals[0]}'; recipes: ${names.join(', ')}`);
  const overrides = configOverrides(spec.base, values, spec.choices, spec.ints);
  const config = { ...spec.base, ...recipe.config, ...overrides };
  for (const key of spec.ints) {
    const v = config[key] as number;
    const min = spec.positive.includes(key) ? 1 : 0;
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${kebab(key as string)} must be an integer >= ${min}, got ${v}`);
  }
  if (!(config.lr > 0 && config.lr < 1)) throw new UsageError(`--lr must be in (0, 1), got ${config.lr}`);
  if (config.out.trim() === '') throw new UsageError('--out must name a folder');
  spec.check(config);
  return { kind: 'train', recipe: positionals[0]!, config, overrides };
}
