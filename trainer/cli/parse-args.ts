import { UsageError } from '../errors/usage-error.js';
import { kebab } from './config-flags.js';
import { parseRecipeArgs } from './recipe-command.js';
import { getRecipe, RECIPES } from '../recipes/index.js';
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
  const args = parseRecipeArgs(argv, {
    command: '', base: BASE_CONFIG, choices: CHOICES, ints: [...POSITIVE_INTS, ...NON_NEGATIVE_INTS], names: Object.keys(RECIPES), extra: ['list'],
    recipe: (name) => getRecipe(name).defaults,
  });
  if (args.kind === 'flag') return { kind: 'list' };
  if (args.kind === 'train') validateConfig(args.config);
  return args;
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
