/**
 * `webgen-train translator <recipe> [options]`: trains pix2pix (trainer/translator) on paired emoji from a named
 * recipe; every TranslatorConfig field is a `--kebab-case` flag. `argv` is what follows the word `translator`.
 */
import { TRANSLATOR_BASE_CONFIG, TRANSLATOR_DIRECTIONS, TRANSLATOR_RECIPES, type TranslatorConfig } from '../translator/translator-config.js';
import { checkTranslatorConfig, trainTranslator } from '../translator/train-translator.js';
import { parseRecipeCommandLine, recipeHelpLists, type RecipeCommandLine, type RecipeCommandSpec } from './recipe-command.js';
import { runTraining, summaryTail } from './run-training.js';
import { reportError } from './report-error.js';

const SPEC: RecipeCommandSpec<TranslatorConfig> = {
  command: 'translator',
  base: TRANSLATOR_BASE_CONFIG,
  recipes: TRANSLATOR_RECIPES,
  choices: { direction: TRANSLATOR_DIRECTIONS, backend: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] },
  ints: ['imageSize', 'dWidth', 'dLayers', 'batchSize', 'steps', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'threads'],
  positive: ['imageSize', 'dWidth', 'dLayers', 'batchSize', 'steps', 'logEvery', 'checkpointEvery'],
  check: checkTranslatorConfig,
};

export function translatorHelpText(): string {
  const { recipes, flags } = recipeHelpLists(SPEC);
  return `webgen-train translator <recipe> [options]

Trains pix2pix (Isola et al. 2017) on paired emoji (the same emoji in Noto and Twemoji; held-out concepts never
trained on) and writes <out>/metrics.jsonl, sample grids (held-out source, translation, target) and checkpoint.wgck
(--resume continues bit for bit); --export DIR writes model.onnx + manifest.json (kind 'translator'), parity-checked
against the trainer.

Recipes:
${recipes}

Options (a recipe sets its own defaults; booleans also take --no-<flag>):
${flags}`;
}

/** Parses `<recipe> [--flag value …]` into a checked TranslatorConfig; every problem is a UsageError naming the flag. */
export function parseTranslatorCommandLine(argv: string[]): RecipeCommandLine<TranslatorConfig> {
  return parseRecipeCommandLine(argv, SPEC);
}

/** Parses, trains, prints a summary; returns the exit code (2 usage, 1 other errors, 130 stopped). */
export async function translatorCommand(argv: string[]): Promise<number> {
  try {
    const cmd = parseTranslatorCommandLine(argv);
    if (cmd.kind === 'help') {
      console.log(translatorHelpText());
      return 0;
    }
    return await runTraining({
      label: 'translator recipe',
      ...cmd,
      run: (io) => trainTranslator(cmd.recipe, cmd.config, io),
      summary: (r) =>
        `done: step ${r.step}, D loss ${r.losses.dLoss?.toFixed(4)}, G loss ${r.losses.gLoss?.toFixed(4)}` +
        `${r.heldOutL1 !== undefined ? `, held-out L1 ${r.heldOutL1.toFixed(4)}` : ''}, ${r.wallTimeSeconds.toFixed(1)} s; checkpoint ${r.checkpoint}${summaryTail(r)}`,
    });
  } catch (err) {
    return reportError('webgen-train translator', err, '\n');
  }
}
