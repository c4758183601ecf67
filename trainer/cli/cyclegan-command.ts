/**
 * `webgen-train cyclegan <recipe> [options]`: trains CycleGAN (trainer/translator/train-cyclegan.ts) on emoji treated
 * as unpaired from a named recipe; every CycleGanConfig field is a `--kebab-case` flag. A command of its own beside
 * `translator` (pix2pix): the two share the architecture flags but not the objective's (no --direction or
 * --l1-weight here: CycleGAN trains both directions at once). `argv` is what follows the word `cyclegan`.
 */
import { CYCLEGAN_BASE_CONFIG, CYCLEGAN_RECIPES, type CycleGanConfig } from '../translator/cyclegan-config.js';
import { checkCycleGanConfig, trainCycleGan } from '../translator/train-cyclegan.js';
import { parseRecipeCommandLine, recipeHelpLists, type RecipeCommandLine, type RecipeCommandSpec } from './recipe-command.js';
import { runTraining, summaryTail } from './run-training.js';
import { reportError } from './report-error.js';

const SPEC: RecipeCommandSpec<CycleGanConfig> = {
  command: 'cyclegan',
  base: CYCLEGAN_BASE_CONFIG,
  recipes: CYCLEGAN_RECIPES,
  choices: { backend: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] },
  ints: ['imageSize', 'dWidth', 'dLayers', 'poolSize', 'batchSize', 'steps', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'threads'],
  positive: ['imageSize', 'dWidth', 'dLayers', 'batchSize', 'steps', 'logEvery', 'checkpointEvery'],
  check: checkCycleGanConfig,
};

export function cycleganHelpText(): string {
  const { recipes, flags } = recipeHelpLists(SPEC);
  return `webgen-train cyclegan <recipe> [options]

Trains CycleGAN (Zhu et al. 2017) on emoji treated as unpaired: G (Noto → Twemoji) and F (Twemoji → Noto), two
PatchGAN discriminators, least-squares GAN loss, cycle loss λ, identity loss, a history pool of fakes per D; the Noto
and Twemoji batches are drawn independently and held-out concepts are never trained on. Writes <out>/metrics.jsonl
(D_A, D_B, G's adversarial, cycle and identity L1 terms), sample grids and checkpoint.wgck (--resume continues bit
for bit); at the end, each direction's L1 against the held-out concepts' true counterpart. --export DIR writes
DIR/noto-to-twemoji/ and DIR/twemoji-to-noto/, each model.onnx + manifest.json (kind 'translator'), parity-checked.

Recipes:
${recipes}

Options (a recipe sets its own defaults; booleans also take --no-<flag>):
${flags}`;
}

/** Parses `<recipe> [--flag value …]` into a checked CycleGanConfig; every problem is a UsageError naming the flag. */
export function parseCycleGanCommandLine(argv: string[]): RecipeCommandLine<CycleGanConfig> {
  return parseRecipeCommandLine(argv, SPEC);
}

/** Parses, trains, prints a summary; returns the exit code (2 usage, 1 other errors, 130 stopped). */
export async function cycleganCommand(argv: string[]): Promise<number> {
  try {
    const cmd = parseCycleGanCommandLine(argv);
    if (cmd.kind === 'help') {
      console.log(cycleganHelpText());
      return 0;
    }
    return await runTraining({
      label: 'cyclegan recipe',
      ...cmd,
      run: (io) => trainCycleGan(cmd.recipe, cmd.config, io),
      summary: (r) =>
        `done: step ${r.step}, D loss ${r.losses.dLoss?.toFixed(4)}, G loss ${r.losses.gLoss?.toFixed(4)}` +
        `${r.heldOutL1 ? `, held-out L1 ${Object.entries(r.heldOutL1).map(([d, v]) => `${d} ${v.toFixed(4)}`).join(', ')}` : ''}, ${r.wallTimeSeconds.toFixed(1)} s; checkpoint ${r.checkpoint}${summaryTail(r)}`,
    });
  } catch (err) {
    return reportError('webgen-train cyclegan', err, '\n');
  }
}
