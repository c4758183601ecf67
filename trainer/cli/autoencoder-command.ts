/**
 * `webgen-train autoencoder <recipe> [options]`: trains a KL-VAE, β-VAE or VQ-VAE (trainer/autoencoder) from a named
 * recipe; every AutoencoderConfig field is a `--kebab-case` flag. `argv` is what follows the word `autoencoder`.
 */
import { AUTOENCODER_BASE_CONFIG, AUTOENCODER_RECIPES, type AutoencoderConfig } from '../autoencoder/autoencoder-config.js';
import { checkAutoencoderConfig, trainAutoencoder } from '../autoencoder/train-autoencoder.js';
import { parseRecipeCommandLine, recipeHelpLists, type RecipeCommandLine, type RecipeCommandSpec } from './recipe-command.js';
import { runTraining, summaryTail } from './run-training.js';
import { reportError } from './report-error.js';

const SPEC: RecipeCommandSpec<AutoencoderConfig> = {
  command: 'autoencoder',
  base: AUTOENCODER_BASE_CONFIG,
  recipes: AUTOENCODER_RECIPES,
  choices: { kind: ['kl', 'vq'], backend: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] },
  ints: ['groups', 'latentChannels', 'latentDim', 'codes', 'batchSize', 'warmupSteps', 'steps', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'threads'],
  positive: ['groups', 'batchSize', 'steps', 'logEvery', 'checkpointEvery'],
  check: checkAutoencoderConfig,
};

export function autoencoderHelpText(): string {
  const { recipes, flags } = recipeHelpLists(SPEC);
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
export function parseAutoencoderCommandLine(argv: string[]): RecipeCommandLine<AutoencoderConfig> {
  return parseRecipeCommandLine(argv, SPEC);
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
