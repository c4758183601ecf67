/**
 * `webgen-train gan <recipe> [options]`: trains a GAN (trainer/gan) from a named recipe; every
 * GanConfig field is a `--kebab-case` flag. `argv` is what follows the word `gan`.
 */
import { parseAugmentPolicy } from '../gan/diff-augment.js';
import { UsageError } from '../errors/usage-error.js';
import { WebgenError } from '../errors/webgen-error.js';
import { GAN_ARCHS, GAN_BASE_CONFIG, type GanConfig } from '../gan/gan-config.js';
import { GAN_LOSS_NAMES, GAN_OBJECTIVES } from '../gan/losses/index.js';
import { GAN_RECIPES, getGanRecipe } from '../gan/recipes.js';
import { trainGan } from '../gan/train-gan.js';
import { SPECTRAL_NORM_MODES } from '../nn/spectral-norm.js';
import { kebab, parseFlags } from './config-flags.js';
import { flagHelpList, parseRecipeArgs } from './recipe-command.js';
import { intFlag } from './number-flags.js';
import { runTraining, summaryTail } from './run-training.js';
import { commandPath } from '../export/model-folder.js';

const CHOICES: Partial<Record<keyof GanConfig, readonly string[]>> = {
  arch: GAN_ARCHS,
  loss: GAN_LOSS_NAMES,
  dSpectralNorm: SPECTRAL_NORM_MODES,
  gSpectralNorm: SPECTRAL_NORM_MODES,
  dAttention: ['l2', 'dot'],
  dArch: ['vit', 'conv'],
  backend: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
};

export function ganHelpText(): string {
  const recipes = Object.values(GAN_RECIPES).map((r) => `  ${r.name.padEnd(28)} ${r.summary}`).join('\n');
  const flags = flagHelpList(GAN_BASE_CONFIG, CHOICES);
  return `webgen-train gan <recipe> [options]

Trains a GAN on images and writes <out>/metrics.jsonl (D and G losses), sample grids, losses.png and
checkpoint.wgck (--resume continues bit for bit); --export DIR writes the generator as model.onnx +
manifest.json (kind 'gan-generator'), parity-checked against the trainer.

Recipes:
${recipes}

Options (a recipe sets its own defaults; booleans also take --no-<flag>):
${flags}

${GAN_EVAL_HELP}`;
}

/** Integer options ≥ 1 and ≥ 0: the command line takes them in decimal digits only, validateGanConfig checks the range. */
const POSITIVE_INTS: readonly (keyof GanConfig)[] = ['zDim', 'gWidth', 'dWidth', 'gDepth', 'dDepth', 'heads', 'patch', 'dSteps', 'steps', 'batchSize', 'checkpointEvery', 'logEvery'];
const NON_NEGATIVE_INTS: readonly (keyof GanConfig)[] = ['overlap', 'attentionAt', 'sampleEvery', 'threads', 'seed'];

/** Parses `<recipe> [--flag value …]` into a validated GanConfig; every problem is a UsageError naming the flag. */
export function parseGanCommandLine(argv: string[]): { kind: 'help' } | { kind: 'train'; recipe: string; config: GanConfig; overrides: Partial<GanConfig> } {
  const args = parseRecipeArgs(argv, {
    command: 'gan', base: GAN_BASE_CONFIG, choices: CHOICES, ints: [...POSITIVE_INTS, ...NON_NEGATIVE_INTS], names: Object.keys(GAN_RECIPES),
    recipe: (name) => getGanRecipe(name).defaults,
  });
  if (args.kind !== 'train') return { kind: 'help' };
  validateGanConfig(args.config);
  return args;
}

/** Range checks a type cannot express. */
export function validateGanConfig(c: GanConfig): void {
  for (const key of POSITIVE_INTS) {
    const v = c[key] as number;
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${kebab(key)} must be a positive integer, got ${v}`);
  }
  for (const key of NON_NEGATIVE_INTS) {
    const v = c[key] as number;
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${kebab(key)} must be a non-negative integer, got ${v}`);
  }
  for (const key of ['lrG', 'lrD'] as const) if (!(c[key] > 0 && c[key] < 1)) throw new UsageError(`--${kebab(key)} must be in (0, 1), got ${c[key]}`);
  for (const key of ['beta1', 'beta2'] as const) if (!(c[key] >= 0 && c[key] < 1)) throw new UsageError(`--${kebab(key)} must be in [0, 1), got ${c[key]}`);
  if (!(c.emaDecay >= 0 && c.emaDecay < 1)) throw new UsageError(`--ema-decay must be in [0, 1), got ${c.emaDecay}`);
  if (!(c.holdOut >= 0)) throw new UsageError(`--hold-out must be a fraction in (0, 1) or a count >= 0, got ${c.holdOut}`);
  if (!(c.modeSeeking >= 0)) throw new UsageError(`--mode-seeking must be a weight ≥ 0 (0 = off), got ${c.modeSeeking}`);
  parseAugmentPolicy(c.diffAugment);
  if (!(c.bcrWeight >= 0)) throw new UsageError(`--bcr-weight must be a weight ≥ 0 (0 = off; the papers use 10), got ${c.bcrWeight}`);
  if (c.modeSeeking > 0 && c.batchSize % 2 !== 0) throw new UsageError(`--mode-seeking pairs the batch's halves: --batch-size must be even, got ${c.batchSize}`);
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing < 1)) throw new UsageError(`--label-smoothing must be in [0, 1), got ${c.labelSmoothing}`);
  if (c.labelSmoothing > 0 && !GAN_OBJECTIVES[c.loss].loss.smoothable) {
    throw new UsageError(`--label-smoothing applies to the minimax and non-saturating losses (targets are probabilities); --loss ${c.loss} has none. Use --label-smoothing 0`);
  }
  if (!(c.gpWeight >= 0)) throw new UsageError(`--gp-weight must be >= 0, got ${c.gpWeight}`);
  if (!(c.clipValue > 0)) throw new UsageError(`--clip-value must be > 0, got ${c.clipValue}`);
  if (c.out.trim() === '') throw new UsageError('--out must name a folder');
}

export const GAN_EVAL_HELP = `webgen-train gan eval <model-dir> [options]

Measures an exported generator: draws --samples images (conditional: an equal share per class),
classifies them (per-class coverage, class agreement), and computes FID and KID between their
classifier features and those of the images the run held out of training. Writes eval.json,
samples.png and card.md into the model folder (and copies losses.png from --run).

  --classifier DIR   classifier model folder (default models/mnist-classifier)
  --samples N        samples (default 1000)
  --seed N           seed of the latents (default 0)
  --run DIR          the training run folder, for losses.png (default: none)
  --psi LIST         style-based generators: also a truncation sweep at these ψ (e.g. 1,0.9,0.8,0.7,0.5) and
                     the style-mixing grid (mixing.png) in the card
  --compare LIST     add a table of this model beside other evaluated generators, comma-separated folders
                     (e.g. models/mnist-dcgan)

webgen-train gan table <model-dir>...   prints a markdown table of the folders' eval.json (the ablation table)`;

/** A comma-separated list of ψ values in [0, 2] (the SDK's truncationPsi range). */
function psiListFlag(raw: string): number[] {
  return raw.split(',').map((p) => {
    const v = Number(p.trim());
    if (p.trim() === '' || !(v >= 0 && v <= 2)) throw new UsageError(`--psi must be a comma-separated list of ψ in [0, 2] (e.g. 1,0.9,0.7,0.5), got '${raw}'`);
    return v;
  });
}

/** A comma-separated list of evaluated generator folders. */
function compareListFlag(raw: string): string[] {
  const dirs = raw.split(',').map((d) => d.trim());
  if (dirs.some((d) => d === '')) throw new UsageError(`--compare must be a comma-separated list of model folders evaluated with gan eval, got '${raw}'`);
  return dirs;
}

/** `gan eval <model-dir>`: evaluation and card. */
async function ganEvalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    classifier: { type: 'string' }, samples: { type: 'string' }, seed: { type: 'string' }, run: { type: 'string' }, help: { type: 'boolean' },
    psi: { type: 'string' }, compare: { type: 'string' },
  }, 'See webgen-train gan eval --help.');
  if (values.help) {
    console.log(GAN_EVAL_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`gan eval takes one model folder, got ${positionals.length}: webgen-train gan eval <model-dir> [--classifier DIR]`);
  const samples = values.samples === undefined ? 1000 : intFlag('samples', values.samples, 10);
  const seed = values.seed === undefined ? 0 : intFlag('seed', values.seed, 0);
  const { evaluateGenerator, kidCell, writeGanCard } = await import('../gan/evaluate-generator.js');
  const modelDir = positionals[0]!;
  const style = await import('../gan/style-eval.js');
  const psis = values.psi === undefined ? [] : psiListFlag(values.psi);
  const styleLayers = psis.length ? await style.styleLayersOf(modelDir, '--psi') : undefined;
  const evalOpts = { modelDir, classifierDir: values.classifier ?? 'models/mnist-classifier', samples, seed };
  const r = await evaluateGenerator(evalOpts);
  const sections: string[] = [];
  const extraJson: Record<string, unknown> = {};
  const compare = values.compare === undefined ? [] : compareListFlag(values.compare);
  if (compare.length) sections.push(await style.compareSection({ dir: modelDir, result: r }, compare));
  if (styleLayers !== undefined) {
    const rows = await style.psiSweep(evalOpts, psis, r);
    extraJson.psiSweep = rows;
    sections.push(style.psiSection(rows, samples));
    const crossover = await style.writeMixingGrid(modelDir, style.mixingPath(modelDir), seed);
    sections.push(style.mixingSection(style.MIXING_FILE, crossover, styleLayers, r.classAgreement !== undefined));
    console.log(rows.map((row) => `ψ ${row.psi}: FID ${row.fid.toFixed(2)}`).join('; '));
  }
  const command = [
    'webgen-train gan eval',
    commandPath(modelDir),
    ...(values.classifier ? ['--classifier', commandPath(values.classifier)] : []),
    '--samples', String(samples),
    '--seed', String(seed),
    ...(values.run ? ['--run', commandPath(values.run)] : []),
    ...(values.psi ? ['--psi', psis.join(',')] : []),
    ...(compare.length ? ['--compare', compare.map(commandPath).join(',')] : []),
  ].join(' ');
  await writeGanCard(modelDir, r, { ...(values.run && { runDir: values.run }), command, seed, sections, extraJson });
  console.log(`FID ${r.fid.toFixed(2)}, KID ${kidCell(r)}; per class ${r.histogram.join(' ')}` +
    (r.classAgreement !== undefined ? `; class agreement ${(100 * r.classAgreement).toFixed(1)}%` : '') +
    `; missing ${r.missingClasses.length ? r.missingClasses.join(', ') : 'none'}; card ${modelDir}/card.md`);
  return 0;
}

/** `gan table <model-dir>...`: the ablation table from each folder's eval.json and manifest. */
async function ganTableCommand(dirs: string[]): Promise<number> {
  if (dirs.length === 0) throw new UsageError('gan table needs model folders evaluated with webgen-train gan eval');
  const { readGanEval } = await import('../gan/evaluate-generator.js');
  const { verifyModelFolder } = await import('../export/model-folder.js');
  const lines = ['| model | recipe | loss | steps | time | FID | KID | class agreement | smallest / largest class | missing classes |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const dir of dirs) {
    const m = await verifyModelFolder(dir);
    const e = await readGanEval(dir);
    const cfg = m.training.config as Partial<GanConfig>;
    lines.push(`| ${m.name} | ${m.training.recipe} | ${cfg.loss} | ${m.training.steps} | ${(m.training.wallTimeSeconds / 60).toFixed(0)} min | ${e.fid.toFixed(2)} | ${e.kid.toFixed(4)} | ${e.classAgreement !== undefined ? `${(100 * e.classAgreement).toFixed(1)}%` : '-'} | ${e.coverageRatio.toFixed(2)} | ${e.missingClasses.join(', ') || 'none'} |`);
  }
  console.log(lines.join('\n'));
  return 0;
}

/** Parses, trains, prints a summary; returns the exit code (2 usage, 1 other errors, 130 stopped). */
export async function ganCommand(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'eval') return await ganEvalCommand(argv.slice(1));
    if (argv[0] === 'table') return await ganTableCommand(argv.slice(1));
    const cmd = parseGanCommandLine(argv);
    if (cmd.kind === 'help') {
      console.log(ganHelpText());
      return 0;
    }
    return await runTraining({
      label: 'gan recipe',
      ...cmd,
      run: (io) => trainGan(cmd.recipe, cmd.config, io),
      summary: (r) => `done: step ${r.step}, D loss ${r.dLoss.toFixed(4)}, G loss ${r.gLoss.toFixed(4)}, ${r.wallTimeSeconds.toFixed(1)} s; checkpoint ${r.checkpoint}${summaryTail(r)}`,
    });
  } catch (err) {
    if (err instanceof WebgenError) {
      process.stderr.write(`\nwebgen-train gan: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
