/**
 * `webgen-train clip eval <model-dir> [options]`: measures an exported CLIP model on the emoji held-out parts through
 * the SDK and writes card.md and eval.json into the folder (clip-card.ts).
 */
import { UsageError } from '../errors/usage-error.js';
import { commandPath } from '../export/model-folder.js';
import { parseFlags } from './config-flags.js';
import { intFlag } from './number-flags.js';

export const CLIP_EVAL_HELP = `webgen-train clip eval <model-dir> [options]

Runs the model through the SDK's createClip on the emoji the training never saw (held-out concepts, held-out
styles): caption → image and image → caption recall@1/@5, name → image recall, zero-shot subcategory accuracy,
each beside chance and the emoji judge's supervised accuracy. Writes card.md and eval.json into the model folder.

  --judge DIR        the emoji judge (default models/emoji-judge; '' = none)
  --compare DIR,DIR  other CLIP exports on the same data: the image-encoder table
  --run DIR          the run folder the model was exported from: adds the ViT's class-token attention picture
  --limit N          at most N images per held-out part (default all)`;

export async function clipEvalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { judge: { type: 'string' }, compare: { type: 'string' }, run: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean' } }, 'See webgen-train clip eval --help.');
  if (values.help) {
    console.log(CLIP_EVAL_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`clip eval takes one model folder, got ${positionals.length}: webgen-train clip eval <model-dir> [--compare DIR]`);
  const modelDir = positionals[0]!;
  const compare = values.compare ? values.compare.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const limit = values.limit === undefined ? undefined : intFlag('limit', values.limit, 1);
  const command = [
    'webgen-train clip eval',
    commandPath(modelDir),
    ...(values.judge !== undefined ? ['--judge', values.judge === '' ? "''" : commandPath(values.judge)] : []),
    ...(compare.length ? ['--compare', compare.map(commandPath).join(',')] : []),
    ...(values.run !== undefined ? ['--run', commandPath(values.run)] : []),
    ...(limit !== undefined ? ['--limit', String(limit)] : []),
  ].join(' ');
  const { writeClipCard } = await import('../clip/clip-card.js');
  const { result } = await writeClipCard(modelDir, { command, compare, ...(values.judge !== undefined && { judgeDir: values.judge }), ...(values.run !== undefined && { runDir: values.run }), ...(limit !== undefined && { limit }) });
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  for (const s of result.sets) {
    console.log(`${s.name} (${s.images} images): caption→image R@1 ${pct(s.textToImage.recall[1]!)} R@5 ${pct(s.textToImage.recall[5]!)} (chance ${pct(s.textToImage.chance[5]!)}); ` +
      `image→caption R@5 ${pct(s.imageToText.recall[5]!)}; name→image R@5 ${pct(s.nameToImage.recall[5]!)}; subcategory ${pct(s.zeroShotSubcategory.accuracy)} (chance ${pct(s.zeroShotSubcategory.chance)})`);
  }
  console.log(`card ${modelDir}/card.md`);
  return 0;
}
