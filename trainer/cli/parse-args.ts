import { UsageError } from '../errors/usage-error.js';
import { configFlagOptions, configOverrides, kebab, parseFlags } from './config-flags.js';
import { getRecipe } from '../recipes/index.js';
import { BASE_CONFIG } from '../recipes/base.js';
import type { TrainConfig } from '../recipes/train-config.js';

export type Command =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'train'; recipe: string; config: TrainConfig; overrides: Partial<TrainConfig> };

/** Allowed values of the string options that are choices. */
export const CHOICES: Partial<Record<keyof TrainConfig, readonly string[]>> = {
  conditioning: ['class', 'text', 'none'],
  betaSchedule: ['linear', 'cosine'],
  prediction: ['epsilon', 'v'],
  backend: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
};

export { kebab };

/** Integer options ≥ 1 and ≥ 0: the command line takes them in decimal digits only, validateConfig checks the range. */
const POSITIVE_INTS: readonly (keyof TrainConfig)[] = [
  'steps', 'batchSize', 'trainTimesteps', 'sampleSteps', 'checkpointEvery', 'logEvery',
  'textDim', 'textLayers', 'textHeads', 'textMaxLength', 'maxShapes',
];
const NON_NEGATIVE_INTS: readonly (keyof TrainConfig)[] = ['microBatch', 'warmupSteps', 'sampleEvery', 'threads', 'seed'];

/** Parses `webgen-train <recipe> [--flag value ...]`; every problem is a UsageError naming the flag. */
export function parseCommandLine(argv: string[]): Command {
  const options = configFlagOptions(BASE_CONFIG, { help: { type: 'boolean' }, list: { type: 'boolean' } });
  const { values, positionals } = parseFlags(argv, options, 'See webgen-train --help for every option.');
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  if (values.list || positionals[0] === 'list') return { kind: 'list' };
  if (positionals.length === 0) throw new UsageError('missing recipe: webgen-train <recipe> [options]. Try webgen-train shapes-tiny, or --help.');
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}': give one recipe, then --options`);

  const recipe = getRecipe(positionals[0]!);
  const overrides = configOverrides(BASE_CONFIG, values, CHOICES, [...POSITIVE_INTS, ...NON_NEGATIVE_INTS]);
  const config = { ...recipe.defaults, ...overrides };
  validateConfig(config);
  return { kind: 'train', recipe: recipe.name, config, overrides };
}

/** Range checks that a type cannot express. */
export function validateConfig(c: TrainConfig): void {
  for (const key of POSITIVE_INTS) {
    const v = c[key] as number;
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${kebab(key)} must be a positive integer, got ${v}`);
  }
  for (const key of NON_NEGATIVE_INTS) {
    const v = c[key] as number;
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${kebab(key)} must be a non-negative integer, got ${v}`);
  }
  if (c.microBatch > 0 && c.batchSize % c.microBatch !== 0) {
    throw new UsageError(`--batch-size (${c.batchSize}) must be a multiple of --micro-batch (${c.microBatch})`);
  }
  if (!(c.holdOut >= 0)) throw new UsageError(`--hold-out must be a fraction in (0, 1) or a count >= 0, got ${c.holdOut}`);
  if (!(c.lr > 0)) throw new UsageError(`--lr must be > 0, got ${c.lr}`);
  if (!(c.emaDecay >= 0 && c.emaDecay < 1)) throw new UsageError(`--ema-decay must be in [0, 1), got ${c.emaDecay}`);
  if (!(c.condDropout >= 0 && c.condDropout <= 1)) throw new UsageError(`--cond-dropout must be in [0, 1], got ${c.condDropout}`);
  if (c.sampleSteps > c.trainTimesteps) throw new UsageError(`--sample-steps (${c.sampleSteps}) cannot exceed --train-timesteps (${c.trainTimesteps})`);
  if (c.textDim % c.textHeads !== 0) throw new UsageError(`--text-heads (${c.textHeads}) must divide --text-dim (${c.textDim})`);
  if (c.maxShapes > 9) throw new UsageError(`--max-shapes must be in [1, 9] (cells of the 3x3 grid), got ${c.maxShapes}`);
  if (c.out.trim() === '') throw new UsageError('--out must name a folder');
}
