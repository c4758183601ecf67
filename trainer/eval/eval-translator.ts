/**
 * `webgen-train eval-translator`: how well an image-to-image translator (manifest kind 'translator': pix2pix, a
 * CycleGAN direction) redraws the held-out emoji concepts in the other style. Paired ground truth exists for every
 * held-out emoji (the same code points drawn by both styles), so the translation is measured against the true
 * other-style picture (L1, PSNR), and the independent emoji judge (models/emoji-judge) reads its style (is it drawn
 * as the target style?) and its subcategory (is it still the same thing?). Two rows give the scale: the source picture
 * left as it is (what doing nothing scores) and the true target picture (what a perfect translation scores). With
 * `--back DIR` (the opposite translator) the cycle x → model → back is measured too (CycleGAN's reconstruction).
 * The translations run through the SDK's Node entry (createTranslator), the code apps run, as RGBA bytes.
 */
import { createTranslator } from '../../sdk/node.js';
import { convertChannels } from '../../sdk/image/pixels.js';
import type { Translator } from '../../sdk/node.js';
import type { RgbaImage } from '../../sdk/types.js';
import { judgeSamples } from '../classifier/judge.js';
import { EMOJI_JUDGE_STYLES, emojiJudgeSubcategories } from '../classifier/emoji-judge-data.js';
import { pairAccuracy } from '../classifier/pair-accuracy.js';
import { parseFlags } from '../cli/config-flags.js';
import { loadEmojiPairs, type EmojiPairs } from '../data/emoji/emoji-pairs.js';
import { defaultEmojiDir, ensureEmojiPackages, STYLE_WORD, type EmojiStyle } from '../data/emoji/packages.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { commandPath } from '../export/model-folder.js';
import type { Manifest } from '../export/manifest.js';
import { join } from 'node:path';
import { TRANSLATOR_BASE_CONFIG, TRANSLATOR_RECIPES } from '../translator/translator-config.js';
import { CYCLEGAN_BASE_CONFIG, CYCLEGAN_RECIPES } from '../translator/cyclegan-config.js';
import { intFlag } from './flags.js';
import { formatTranslatorComparison, readComparedTranslator } from './translator-compare.js';
import { featureFid, halvesFid } from './judge-fid.js';
import { rgbaForJudge, unitsToBytes } from './judge-pixels.js';

export const EVAL_TRANSLATOR_HELP = `webgen-train eval-translator --model DIR [--back DIR] [options]

Translates every held-out-concept emoji (never trained on) from the model's source style to its target style and
measures each translation against the true picture in the target style, plus what the independent emoji judge reads.
Rows: the translations; the source left as it is (the do-nothing scale); the true target (the ceiling).

  --model DIR    an exported translator (manifest kind 'translator', styles noto / twemoji)
  --back DIR     the opposite translator (target → source): also measures the cycle x → model → back
  --judge DIR    emoji judge folder (default models/emoji-judge)
  --limit N      at most N held-out pairs (default all)
  --json FILE    write the figures as JSON
  --grid PNG     write a grid: rows of 8 source, translation, target (and cycle with --back)
  --threads N    onnxruntime threads (default: its own)
  --card         write the model's card: card.md, eval.json and samples.png (the grid) into the --model folder
  --compare LIST other evaluated translators of the same direction (comma-separated folders with eval.json):
                 one table of all of them (pix2pix beside CycleGAN), printed and in the card

L1: mean |target − translation| over RGBA in [-1, 1] units. PSNR: per picture, RGB composited over white (what a
viewer sees; as the autoencoder cards), in [0, 1], averaged over the pictures (dB). Judge: style = share read as the target style; subcategory = share read as the emoji's own subcategory.
FID in the judge's 256 features against the true targets; floor: the targets' even vs odd halves.`;

/** Figures of one row of the table (a set of pictures measured against the true targets). */
export interface TranslationScore {
  images: number;
  /** Mean |target − picture| over RGBA in [-1, 1] units. */
  l1: number;
  /** Mean per-picture PSNR of RGB over white in [0, 1], dB; identical pictures are capped at 99. */
  psnr: number;
  /** Share the judge reads as the target style. */
  style: number;
  /** Share the judge reads as the emoji's own subcategory. */
  subcategory: number;
  /** FID in the judge's features against the true targets. */
  fid: number;
}

export interface TranslatorEvaluation {
  source: string;
  target: string;
  translated: TranslationScore;
  /** The source pictures as they are, against the targets. */
  unchanged: TranslationScore;
  /** The true targets (L1 0, PSNR capped; the judge's own accuracy on them). */
  truth: TranslationScore;
  /** The targets' halves: the FID a perfect translator would score at this size. */
  fidFloor: number;
  /** With --back: mean |x − back(model(x))| in [-1, 1] units and its PSNR. */
  cycle?: { l1: number; psnr: number };
  secondsPerImage: number;
}

const PSNR_CAP = 99;

/** Mean |a − b| over bytes, in [-1, 1] units. */
export function meanL1Bytes(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length / 127.5;
}

/** PSNR of two byte pictures over all their values in [0, 1], capped at 99 dB for identical ones. */
export function psnrBytes(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i]! - b[i]!) / 255) ** 2;
  const mse = s / a.length;
  return mse === 0 ? PSNR_CAP : Math.min(PSNR_CAP, -10 * Math.log10(mse));
}

/** RGBA bytes composited over white → RGB bytes. */
const overWhite = (rgba: ArrayLike<number>) => convertChannels(Uint8Array.from(rgba), 4, 3, 255, 255);

/** PSNR of two RGBA byte pictures as seen: RGB over white. */
export const psnrSeen = (a: ArrayLike<number>, b: ArrayLike<number>) => psnrBytes(overWhite(a), overWhite(b));

/** The emoji style a manifest's style word names ('noto' → google). */
function styleOf(word: string, flag: string): EmojiStyle {
  const style = (Object.keys(STYLE_WORD) as EmojiStyle[]).find((s) => STYLE_WORD[s] === word);
  if (!style) throw new UsageError(`${flag}: the translator's style '${word}' is not an emoji style (${Object.values(STYLE_WORD).join(', ')}); eval-translator measures emoji translators`);
  return style;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export async function evalTranslatorCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    back: { type: 'string' },
    judge: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'string' },
    grid: { type: 'string' },
    threads: { type: 'string' },
    card: { type: 'boolean' },
    compare: { type: 'string' },
  }, 'See webgen-train eval-translator --help.', { positionals: false });
  if (values.help) {
    console.log(EVAL_TRANSLATOR_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('eval-translator needs --model DIR (see --help)');
  const judgeDir = values.judge ?? 'models/emoji-judge';
  const limit = values.limit === undefined ? Infinity : intFlag('limit', values.limit);
  const threads = values.threads === undefined ? undefined : intFlag('threads', values.threads, 1, 64);
  const open = (model: string) => createTranslator({ model, ...(threads !== undefined && { threads }) });

  const compared = (values.compare ?? '').split(',').map((d) => d.trim()).filter(Boolean).map(readComparedTranslator);
  const translator = await open(values.model);
  let back: Translator | undefined;
  try {
    const from = styleOf(translator.source, '--model');
    const to = styleOf(translator.target, '--model');
    if (values.back) {
      back = await open(values.back);
      if (back.source !== translator.target || back.target !== translator.source) {
        throw new UsageError(`--back ${values.back} translates ${back.source} → ${back.target}; the cycle needs ${translator.target} → ${translator.source}`);
      }
    }
    const { width: S, height } = translator.manifest.image;
    if (S !== height) throw new UsageError(`--model: the translator's pictures are ${S}x${height}; the emoji are square`);
    const dir = defaultEmojiDir();
    await ensureEmojiPackages(dir, (l) => console.error(l));
    const pairs = loadEmojiPairs({ dir, part: 'held-out-concept', from, to, width: S, seed: 0 });
    const n = Math.min(pairs.source.size, limit);
    const grid = values.card ? join(values.model, 'samples.png') : values.grid;
    const result = await evaluate(translator, back, pairs, n, S, judgeDir, from, to, grid);
    const table = formatTranslatorTable(result, n);
    console.log(table);
    const t = translator.manifest.training;
    const comparison = compared.length
      ? formatTranslatorComparison([{ name: translator.manifest.name, recipe: t.recipe, steps: t.steps, seconds: t.wallTimeSeconds, evaluation: result }, ...compared])
      : undefined;
    if (comparison) console.log(`\n${comparison}`);
    const json = `${JSON.stringify({ model: commandPath(values.model), ...(values.back && { back: commandPath(values.back) }), judge: commandPath(judgeDir), pairs: n, ...result }, null, 2)}\n`;
    if (values.json) await writeFileAtomic(values.json, json);
    if (values.card) {
      await writeFileAtomic(join(values.model, 'eval.json'), json);
      const command = ['webgen-train eval-translator --model', commandPath(values.model), ...(values.back ? ['--back', commandPath(values.back)] : []),
        ...(values.judge ? ['--judge', commandPath(values.judge)] : []), ...(values.limit ? ['--limit', values.limit] : []),
        ...(values.compare ? ['--compare', values.compare.split(',').map((d) => commandPath(d.trim())).join(',')] : []), '--card'].join(' ');
      await writeFileAtomic(join(values.model, 'card.md'), translatorCard(translator.manifest, table, command, back !== undefined, comparison));
    }
  } finally {
    await translator.dispose();
    await back?.dispose();
  }
  return 0;
}

async function evaluate(
  translator: Translator, back: Translator | undefined, pairs: EmojiPairs, n: number, S: number, judgeDir: string,
  from: EmojiStyle, to: EmojiStyle, grid: string | undefined,
): Promise<TranslatorEvaluation> {
  const picture = (x: Float32Array): RgbaImage => ({ width: S, height: S, data: unitsToBytes(x) });
  const sources: RgbaImage[] = [];
  const targets: RgbaImage[] = [];
  const labels = new Int32Array(n);
  const subcategories = emojiJudgeSubcategories();
  const toIndex = EMOJI_JUDGE_STYLES.indexOf(to);
  for (let i = 0; i < n; i++) {
    sources.push(picture(pairs.source.get(i).image));
    const t = pairs.target.get(i);
    targets.push(picture(t.image));
    labels[i] = subcategories.indexOf(String(t.attributes!.subcategory)) * 2 + toIndex;
  }
  const t0 = performance.now();
  const translated: RgbaImage[] = [];
  for (const image of sources) translated.push(await translator.translate({ image }));
  const secondsPerImage = (performance.now() - t0) / 1000 / n;
  let cycled: RgbaImage[] | undefined;
  if (back) {
    cycled = [];
    for (const image of translated) cycled.push(await back.translate({ image }));
  }

  const judgePixels = (ims: RgbaImage[]) => {
    const out = new Float32Array(ims.length * 32 * 32 * 3);
    ims.forEach((im, i) => out.set(rgbaForJudge(im.data, S, S), i * 32 * 32 * 3));
    return out;
  };
  const truthVerdict = await judgeSamples(judgeDir, judgePixels(targets), undefined, { features: true });
  const F = truthVerdict.features!.length / n;
  const score = async (ims: RgbaImage[]): Promise<TranslationScore> => {
    const v = ims === targets ? truthVerdict : await judgeSamples(judgeDir, judgePixels(ims), undefined, { features: true });
    const acc = pairAccuracy(v.predicted, labels, 2);
    return {
      images: n,
      l1: mean(ims.map((im, i) => meanL1Bytes(im.data, targets[i]!.data))),
      psnr: mean(ims.map((im, i) => psnrSeen(im.data, targets[i]!.data))),
      style: acc.inner,
      subcategory: acc.outer,
      // the truth against itself is 0 up to rounding (never "-0.0")
      fid: Math.max(0, featureFid(v.features!, truthVerdict.features!, F)),
    };
  };
  const result: TranslatorEvaluation = {
    source: STYLE_WORD[from],
    target: STYLE_WORD[to],
    translated: await score(translated),
    unchanged: await score(sources),
    truth: await score(targets),
    fidFloor: halvesFid(truthVerdict.features!, F),
    ...(cycled && {
      cycle: { l1: mean(cycled.map((im, i) => meanL1Bytes(im.data, sources[i]!.data))), psnr: mean(cycled.map((im, i) => psnrSeen(im.data, sources[i]!.data))) },
    }),
    secondsPerImage,
  };
  if (grid) await writeGrid(grid, [sources, translated, targets, ...(cycled ? [cycled] : [])], S);
  return result;
}

/** Rows of 8: one row per picture set, repeated for the first 16 pairs. */
async function writeGrid(path: string, sets: RgbaImage[][], S: number): Promise<void> {
  const rows: ArrayLike<number>[] = [];
  for (let start = 0; start < Math.min(16, sets[0]!.length); start += 8) {
    for (const set of sets) for (const im of set.slice(start, start + 8)) rows.push(im.data);
    // a short last group: pad with transparent pictures so the rows stay aligned
    const short = 8 - Math.min(8, sets[0]!.length - start);
    for (let k = 0; k < short * sets.length; k++) rows.push(new Uint8ClampedArray(S * S * 4));
  }
  const all = new Float32Array(rows.length * S * S * 4);
  rows.forEach((r, i) => all.set(Float32Array.from(r, (v) => v / 127.5 - 1), i * S * S * 4));
  await writeImageGrid(path, all, [rows.length, S, S, 4], { cols: 8, alpha: 'checkerboard' });
}

/** The card's table. */
export function formatTranslatorTable(r: TranslatorEvaluation, pairs: number): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const row = (name: string, s: TranslationScore, psnr = s.psnr.toFixed(2)) =>
    `| ${name} | ${s.l1.toFixed(4)} | ${psnr} | ${pct(s.style)} | ${pct(s.subcategory)} | ${s.fid.toFixed(1)} |`;
  return [
    `${r.source} → ${r.target}, ${pairs} held-out-concept pairs; judge: models/emoji-judge (FID floor, targets' halves: ${r.fidFloor.toFixed(1)})`,
    '',
    `| pictures | L1 to the true ${r.target} | PSNR (dB) | judge: ${r.target} style | judge: subcategory kept | FID vs true ${r.target} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('translations', r.translated),
    row(`${r.source} left as it is`, r.unchanged),
    row(`true ${r.target} (ceiling)`, r.truth, '∞'),
    ...(r.cycle ? ['', `cycle ${r.source} → ${r.target} → ${r.source}: L1 ${r.cycle.l1.toFixed(4)}, PSNR ${r.cycle.psnr.toFixed(2)} dB`] : []),
    '',
    `${(1000 * r.secondsPerImage).toFixed(1)} ms per picture (onnxruntime-node, one at a time)`,
  ].join('\n');
}

/** "2,533", plus "of the recipe's 20,000 (…)" when the run was stopped early and exported. */
function stepsCell(recipe: string, steps: number): string {
  const planned = TRANSLATOR_RECIPES[recipe] ? TRANSLATOR_RECIPES[recipe]!.config.steps ?? TRANSLATOR_BASE_CONFIG.steps
    : CYCLEGAN_RECIPES[recipe] ? CYCLEGAN_RECIPES[recipe]!.config.steps ?? CYCLEGAN_BASE_CONFIG.steps : undefined;
  const n = steps.toLocaleString('en-US');
  return planned !== undefined && steps < planned ? `${n} of the recipe's ${planned.toLocaleString('en-US')}: a stopped run, exported; \`--resume\` continues it` : n;
}

/** The training settings a card names, those the manifest has. */
function settings(cfg: Record<string, unknown>): string {
  const names: [string, string][] = [['widths', 'U-Net G widths'], ['dLayers', 'PatchGAN D strided layers'], ['l1Weight', 'L1 λ'], ['cycleWeight', 'cycle λ'], ['identityWeight', 'identity λ'], ['batchSize', 'batch'], ['lr', 'lr'], ['decayStart', 'then linear to 0 from this fraction of the steps:']];
  const parts = names.filter(([k]) => cfg[k] !== undefined).map(([k, label]) => `${label} ${String(cfg[k])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The model card: what the model does, how it was trained, the held-out table, the grid, the command. */
export function translatorCard(m: Manifest, table: string, command: string, cycle: boolean, comparison?: string): string {
  const t = m.training;
  const cfg = t.config as Record<string, unknown>;
  const { width: S, channels: C } = m.image;
  const dParams = m.metrics?.discriminatorParameters;
  const parity = m.parity as { maxAbsError: number; fp16MaxAbsError?: number } | undefined;
  return `# ${m.name}

An image-to-image translator: \`model.onnx\` redraws an emoji drawn in the ${m.translator!.source} style as ${m.translator!.target}, one forward pass (input \`image\` [batch, ${C}, ${S}, ${S}] in [-1, 1], output \`translated\`, the same shape). Load it with \`createTranslator({ model })\` (browser or \`webgen/node\`), or \`webgen translate --model DIR --in PNG --out PNG\`.

| | |
| --- | --- |
| recipe | \`${t.recipe}\`${settings(cfg)} |
| steps | ${stepsCell(t.recipe, t.steps)} |
| training time | ${t.wallTimeSeconds} s (${(t.wallTimeSeconds / 3600).toFixed(2)} h) on 2 CPU cores (wasm) |
| generator parameters | ${t.parameters.toLocaleString('en-US')}${dParams !== undefined ? ' (discriminator ' + Number(dParams).toLocaleString('en-US') + ', not shipped)' : ''} |
| data | ${cfg.cycleWeight !== undefined
    ? `unpaired: the ${m.translator!.source} and the ${m.translator!.target} pictures of the emoji split's training part, drawn in two independent orders (the pairing is never used in training)`
    : "paired emoji (the same code points in both styles), the emoji split's training part"}; the held-out concepts below were never trained on |
| parity (ONNX vs trainer) | ${parity ? parity.maxAbsError.toExponential(2) : '-'} |

## Held-out concepts

${table}

The do-nothing row is the scale: a translation should be closer to the true ${m.translator!.target} picture than the ${m.translator!.source} picture it started from, and read as ${m.translator!.target} by the judge, without losing what it shows (subcategory).

Rows of 8 held-out emoji: ${m.translator!.source} (source), translation, true ${m.translator!.target}${cycle ? ', and back again (cycle)' : ''}:

![held-out translations](samples.png)
${comparison ? `\n## Beside other translators of this direction\n\n${comparison}\n` : ''}
Numbers from: \`${command}\`
`;
}
