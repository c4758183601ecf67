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

/** One --help line per config field: its flag, the base default, and its choices. */
export function flagHelpList<C extends object>(base: C, choices: Partial<Record<keyof C, readonly string[]>>): string {
  return (Object.keys(base) as (keyof C & string)[])
    .map((k) => `  --${kebab(k).padEnd(20)} default ${JSON.stringify(base[k])}${choices[k] ? ` (${choices[k]!.join(' | ')})` : ''}`)
    .join('\n');
}

/** The recipes and flags part of the family's --help. */
export function recipeHelpLists<C extends object>(spec: RecipeCommandSpec<C>): { recipes: string; flags: string } {
  const recipes = Object.entries(spec.recipes).map(([name, r]) => `  ${name.padEnd(20)} ${r.description}`).join('\n');
  return { recipes, flags: flagHelpList(spec.base, spec.choices) };
}

/** What the shared part of a recipe command line finds: --help, a boolean flag of `extra` (diffusion's --list), or a recipe. */
export type RecipeArgs<C> = { kind: 'help' } | { kind: 'flag'; flag: string } | { kind: 'train'; recipe: string; config: C; overrides: Partial<C> };

/** How {@link parseRecipeArgs} reads one family's command line. */
export interface RecipeArgsSpec<C> {
  /** 'gan'; '' for the diffusion command (`webgen-train <recipe>`). */
  command: string;
  base: C;
  choices: Partial<Record<keyof C, readonly string[]>>;
  /** Integer fields: decimal digits only on the command line. */
  ints: readonly (keyof C)[];
  /** The recipe's full config (its defaults laid over the base); an unknown name is the family's UsageError. */
  recipe: (name: string) => C;
  /** The recipe names, for the missing-recipe message. */
  names: readonly string[];
  /** Boolean flags besides --help that are answered without a recipe (a positional of the same name works too). */
  extra?: readonly string[];
}

/**
 * The part every recipe command line shares: the config's fields as `--kebab-case` flags (config-flags.ts), --help,
 * one recipe, then the overrides typed laid over the recipe's config. Range checks are the caller's.
 */
export function parseRecipeArgs<C extends object>(argv: string[], spec: RecipeArgsSpec<C>): RecipeArgs<C> {
  const words = spec.command === '' ? 'webgen-train' : `webgen-train ${spec.command}`;
  const extra = spec.extra ?? [];
  const options = configFlagOptions(spec.base, { help: { type: 'boolean' }, ...Object.fromEntries(extra.map((f) => [f, { type: 'boolean' as const }])) });
  const { values, positionals } = parseFlags(argv, options, `See ${words} --help for every option.`);
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  for (const flag of extra) if (values[flag] || positionals[0] === flag) return { kind: 'flag', flag };
  if (positionals.length === 0) throw new UsageError(`missing recipe: ${words} <recipe> [options]; recipes: ${spec.names.join(', ')} (or --help)`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}': give one recipe, then --options`);
  const config = spec.recipe(positionals[0]!);
  const overrides = configOverrides(spec.base, values, spec.choices, spec.ints);
  return { kind: 'train', recipe: positionals[0]!, config: { ...config, ...overrides }, overrides };
}

/** Parses `<recipe> [--flag value …]` into a checked config. */
export function parseRecipeCommandLine<C extends { lr: number; out: string }>(argv: string[], spec: RecipeCommandSpec<C>): RecipeCommandLine<C> {
  const { command } = spec;
  const names = Object.keys(spec.recipes);
  const args = parseRecipeArgs(argv, {
    command, base: spec.base, choices: spec.choices, ints: spec.ints, names,
    recipe: (name) => {
      const recipe = spec.recipes[name];
      if (!recipe) throw new UsageError(`unknown ${command} recipe '${name}'; recipes: ${names.join(', ')}`);
      return { ...spec.base, ...recipe.config };
    },
  });
  if (args.kind !== 'train') return { kind: 'help' };
  const { config } = args;
  for (const key of spec.ints) {
    const v = config[key] as number;
    const min = spec.positive.includes(key) ? 1 : 0;
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${kebab(key as string)} must be an integer >= ${min}, got ${v}`);
  }
  if (!(config.lr > 0 && config.lr < 1)) throw new UsageError(`--lr must be in (0, 1), got ${config.lr}`);
  if (config.out.trim() === '') throw new UsageError('--out must name a folder');
  spec.check(config);
  return args;
}
