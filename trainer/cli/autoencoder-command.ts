/**
 * `webgen-train autoencoder <recipe> [options]`: trains a KL-VAE, β-VAE or VQ-VAE (trainer/autoencoder) from a named
 * recipe; every AutoencoderConfig field is a `--kebab-case` flag. `argv` is what follows the word `autoencoder`.
 */
import { AUTOENCODER_BASE_CONFIG, AUTOENCODER_RECIPES, type AutoencoderConfig } from '../autoencoder/autoencoder-config.js';
import { checkAutoencoderConfig, trainAutoencoder } from '../autoencoder/train-autoencoder.js';
import { UsageError } from '../errors/usage-error.js';
import { configFlagOptions, configOverrides, kebab, parseFlags } from './config-flags.js';
import { runTraining, summaryTail } from './run-training.js';
import { reportError } from './report-error.js';

const CHOICES: Partial<Record<keyof AutoencoderConfig, readonly string[]>> = {
  kind: ['kl', 'vq'],
  backend: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
};
const INTS: readonly (keyof AutoencoderConfig)[] = ['groups', 'latentChannels', 'latentDim', 'codes', 'batchSize', 'warmupSteps', 'steps', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'threads'];
const POSITIVE: readonly (keyof AutoencoderConfig)[] = ['groups', 'batchSize', 'steps', 'logEvery', 'checkpointEvery'];

export function autoencoderHelpText(): string {
  const recipes = Object.entries(AUTOENCODER_RECIPES).map(([name, r]) => `  ${name.padEnd(20)} ${r.description}`).join('\n');
  const flags = (Object.keys(AUTOENCODER_BASE_CONFIG) as (keyof AutoencoderConfig)[])
    .map((k) => `  --${kebab(k).padEnd(20)} default ${JSON.stringify(AUTOENCODER_BASE_CONFIG[k])}${CHOICES[k] ? ` (${CHOICES[k]!.join(' | ')})` : ''}`)
    .join('\n');
  return `webgen-train autoencoder <recipe> [options]

Trains an autoencoder and writes <out>/metrics.jsonl, reconstruction grids (originals above, reconstructions below)
and checkpoint.wgck (--resume continues bit for bit); --export DIR writes encoder.onnx + decoder.onnx + manifest.json
(kind 'autoencoder'), each parity-checked against the trainer.

       webgen-train autoencoder eval <model-dir>   measure an export and write its card (eval --help)

Recipes:
${recipes}

Options (a recipe sets its own defaults; booleans also take --no-<flag>):
${flags}`;
}

/** Parses `<recipe> [--flag value …]` into a checked AutoencoderConfig; every problem is a UsageError naming the flag. */
export function parseAutoencoderCommandLine(argv: string[]): { kind: 'help' } | { kind: 'train'; recipe: string; config: AutoencoderConfig; overrides: Partial<AutoencoderConfig> } {
  const { values, positionals } = parseFlags(argv, configFlagOptions(AUTOENCODER_BASE_CONFIG, { help: { type: 'boolean' } }), 'See webgen-train autoencoder --help for every option.');
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  const names = Object.keys(AUTOENCODER_RECIPES);
  if (positionals.length === 0) throw new UsageError(`missing recipe: webgen-train autoencoder <recipe> [options]; recipes: ${names.join(', ')}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}': give one recipe, then --options`);
  const recipe = AUTOENCODER_RECIPES[positionals[0]!];
  if (!recipe) throw new UsageError(`unknown autoencoder recipe '${positionals[0]}'; recipes: ${names.join(', ')}`);
  const overrides = configOverrides(AUTOENCODER_BASE_CONFIG, values, CHOICES, INTS);
  const config = { ...AUTOENCODER_BASE_CONFIG, ...recipe.config, ...overrides };
  for (const key of INTS) {
    const v = config[key] as number;
    const min = POSITIVE.includes(key) ? 1 : 0;
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${kebab(key)} must be an integer >= ${min}, got ${v}`);
  }
  if (!(config.lr > 0 && config.lr < 1)) throw new UsageError(`--lr must be in (0, 1), got ${config.lr}`);
  if (config.out.trim() === '') throw new UsageError('--out must name a folder');
  checkAutoencoderConfig(config);
  return { kind: 'train', recipe: positionals[0]!, config, overrides };
}

/** Parses, trains, prints a summary; returns the exit code (2 usage, 1 other errors, 130 stopped). */
export async function autoencoderCommand(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'eval') return await (await import('./autoencoder-eval-command.js')).autoencoderEvalCommand(argv.slice(1));
    const cmd = parseAutoencoderCommandLine(argv);
    if (cmd.kind === 'help') {
      console.log(autoencoderHelpText());
      return 0;
    }
    return await runTraining({
      label: 'autoencoder recipe',
      ...cmd,
      run: (io) => trainAutoencoder(cmd.recipe, cmd.config, io),
      summary: (r) => `done: step ${r.step}, loss ${r.losses.loss?.toFixed(4)}, ${r.wallTimeSeconds.toFixed(1)} s; checkpoint ${r.checkpoint}${summaryTail(r)}`,
    });
  } catch (err) {
    return reportError('webgen-train autoencoder', err, '\n');
  }
}
