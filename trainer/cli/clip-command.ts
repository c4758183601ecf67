/**
 * `webgen-train clip <recipe> [options]`: trains a CLIP-style contrastive text–image encoder (trainer/clip) from a
 * named recipe; every ClipConfig field is a `--kebab-case` flag. `argv` is what follows the word `clip`.
 */
import { CLIP_BASE_CONFIG, CLIP_RECIPES, type ClipConfig } from '../clip/clip-config.js';
import { checkClipConfig, trainClip } from '../clip/train-clip.js';
import { reportError } from './report-error.js';
import { parseRecipeCommandLine, recipeHelpLists, type RecipeCommandLine, type RecipeCommandSpec } from './recipe-command.js';
import { runTraining, summaryTail } from './run-training.js';

const SPEC: RecipeCommandSpec<ClipConfig> = {
  command: 'clip',
  base: CLIP_BASE_CONFIG,
  recipes: CLIP_RECIPES,
  choices: { imageEncoder: ['vit', 'cnn'], backend: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] },
  ints: [
    'imageSize', 'patch', 'vitDim', 'vitDepth', 'vitHeads', 'cnnGroups', 'textDim', 'textLayers', 'textHeads', 'textMaxLength', 'embedDim',
    'batchSize', 'warmupSteps', 'steps', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'threads',
  ],
  positive: [
    'imageSize', 'patch', 'vitDim', 'vitDepth', 'vitHeads', 'cnnGroups', 'textDim', 'textLayers', 'textHeads', 'textMaxLength', 'embedDim',
    'batchSize', 'steps', 'logEvery', 'checkpointEvery',
  ],
  check: checkClipConfig,
};

export function clipHelpText(): string {
  const { recipes, flags } = recipeHelpLists(SPEC);
  return `webgen-train clip <recipe> [options]

Trains a CLIP-style contrastive text–image encoder on image–caption pairs (emoji: the training split; held-out
concepts never seen) and writes <out>/metrics.jsonl (loss, logit scale exp(t), in-batch accuracy image→text and
text→image) and checkpoint.wgck (--resume continues bit for bit); --export DIR writes image-encoder.onnx +
text-encoder.onnx + manifest.json (kind 'clip': tokenizer, embedding size, logit scale), each parity-checked
against the trainer.

Example: webgen-train clip emoji-clip --out ~/.cache/webgen-runs/emoji-clip --export models/emoji-clip
Measure an export and write its card: webgen-train clip eval <model-dir> (eval --help)

Recipes:
${recipes}

Options (a recipe sets its own defaults; booleans also take --no-<flag>):
${flags}`;
}

/** Parses `<recipe> [--flag value …]` into a checked ClipConfig; every problem is a UsageError naming the flag. */
export function parseClipCommandLine(argv: string[]): RecipeCommandLine<ClipConfig> {
  return parseRecipeCommandLine(argv, SPEC);
}

/** Parses, trains, prints a summary; returns the exit code (2 usage, 1 other errors, 130 stopped). */
export async function clipCommand(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'eval') return await (await import('./clip-eval-command.js')).clipEvalCommand(argv.slice(1));
    const cmd = parseClipCommandLine(argv);
    if (cmd.kind === 'help') {
      console.log(clipHelpText());
      return 0;
    }
    return await runTraining({
      label: 'clip recipe',
      ...cmd,
      run: (io) => trainClip(cmd.recipe, cmd.config, io),
      summary: (r) => `done: step ${r.step}, loss ${r.losses.loss?.toFixed(4)}, logit scale ${r.logitScale.toFixed(2)}, ${r.wallTimeSeconds.toFixed(1)} s; checkpoint ${r.checkpoint}${summaryTail(r)}`,
    });
  } catch (err) {
    return reportError('webgen-train clip', err, '\n');
  }
}
