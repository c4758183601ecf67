/**
 * `webgen-train clip <recipe> [options]`: trains a CLIP-style contrastive text–image encoder (trainer/clip) from a
 * named recipe; every ClipConfig field is a `--kebab-case` flag. `argv` is what follows the word `clip`.
 */
import { CLIP_BASE_CONFIG, CLIP_RECIPES, type ClipConfig } from '../clip/clip-config.js';
import { checkClipConfig, trainClip } from '../clip/train-clip.js';
import { UsageError } from '../errors/usage-error.js';
import { configFlagOptions, configOverrides, kebab, parseFlags } from './config-flags.js';
import { reportError } from './report-error.js';
import { runTraining, summaryTail } from './run-training.js';

const CHOICES: Partial<Record<keyof ClipConfig, readonly string[]>> = {
  imageEncoder: ['vit', 'cnn'],
  backend: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
};
const INTS: readonly (keyof ClipConfig)[] = [
  'imageSize', 'patch', 'vitDim', 'vitDepth', 'vitHeads', 'cnnGroups', 'textDim', 'textLayers', 'textHeads', 'textMaxLength', 'embedDim',
  'batchSize', 'warmupSteps', 'steps', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'threads',
];
const POSITIVE: readonly (keyof ClipConfig)[] = [
  'imageSize', 'patch', 'vitDim', 'vitDepth', 'vitHeads', 'cnnGroups', 'textDim', 'textLayers', 'textHeads', 'textMaxLength', 'embedDim',
  'batchSize', 'steps', 'logEvery', 'checkpointEvery',
];

export function clipHelpText(): string {
  const recipes = Object.entries(CLIP_RECIPES).map(([name, r]) => `  ${name.padEnd(20)} ${r.description}`).join('\n');
  const flags = (Object.keys(CLIP_BASE_CONFIG) as (keyof ClipConfig)[])
    .map((k) => `  --${kebab(k).padEnd(20)} default ${JSON.stringify(CLIP_BASE_CONFIG[k])}${CHOICES[k] ? ` (${CHOICES[k]!.join(' | ')})` : ''}`)
    .join('\n');
  return `webgen-train clip <recipe> [options]

Trains a CLIP-style contrastive text–image encoder on image–caption pairs (emoji: the training split; held-out
concepts never seen) and writes <out>/metrics.jsonl (loss, logit scale exp(t), in-batch accuracy image→text and
text→image) and checkpoint.wgck (--resume continues bit for bit); --export DIR writes image-encoder.onnx +
text-encoder.onnx + manifest.json (kind 'clip': tokenizer, embedding size, logit scale), each parity-checked
against the trainer.

Example: webgen-train clip emoji-clip --out ~/.cache/webgen-runs/emoji-clip --export models/emoji-clip

Recipes:
${recipes}

Options (a recipe sets its own defaults; booleans also take --no-<flag>):
${flags}`;
}

/** Parses `<recipe> [--flag value …]` into a checked ClipConfig; every problem is a UsageError naming the flag. */
export function parseClipCommandLine(argv: string[]): { kind: 'help' } | { kind: 'train'; recipe: string; config: ClipConfig; overrides: Partial<ClipConfig> } {
  const { values, positionals } = parseFlags(argv, configFlagOptions(CLIP_BASE_CONFIG, { help: { type: 'boolean' } }), 'See webgen-train clip --help for every option.');
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  const names = Object.keys(CLIP_RECIPES);
  if (positionals.length === 0) throw new UsageError(`missing recipe: webgen-train clip <recipe> [options]; recipes: ${names.join(', ')}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}': give one recipe, then --options`);
  const recipe = CLIP_RECIPES[positionals[0]!];
  if (!recipe) throw new UsageError(`unknown clip recipe '${positionals[0]}'; recipes: ${names.join(', ')}`);
  const overrides = configOverrides(CLIP_BASE_CONFIG, values, CHOICES, INTS);
  const config = { ...CLIP_BASE_CONFIG, ...recipe.config, ...overrides };
  for (const key of INTS) {
    const v = config[key] as number;
    const min = POSITIVE.includes(key) ? 1 : 0;
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${kebab(key)} must be an integer >= ${min}, got ${v}`);
  }
  if (!(config.lr > 0 && config.lr < 1)) throw new UsageError(`--lr must be in (0, 1), got ${config.lr}`);
  if (config.out.trim() === '') throw new UsageError('--out must name a folder');
  checkClipConfig(config);
  return { kind: 'train', recipe: positionals[0]!, config, overrides };
}

/** Parses, trains, prints a summary; returns the exit code (2 usage, 1 other errors, 130 stopped). */
export async function clipCommand(argv: string[]): Promise<number> {
  try {
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
