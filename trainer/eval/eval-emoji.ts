/**
 * `webgen-train eval-emoji`: prompt following of a text-to-emoji model (emoji-ldm), judged by the independent emoji
 * judge (models/emoji-judge), never only by the CLIP the model was conditioned on. For every image of a set the model
 * never trained on, it draws one image from that image's caption (as the CLIP reads it) through the SDK's Node entry,
 * and the judge reads the subcategory and the style of the drawing; the judge's accuracy on the real images of the set
 * is the scale (ratio = generated / real). The CLIP score of each drawing with its caption is reported beside that of
 * the real image with the same caption. Sets: held-out concepts, held-out (concept, style) pairs, and as many
 * training images (the trained reference).
 */
import { createGenerator, createClip } from '../../sdk/node.js';
import type { GeneratedImage } from '../../sdk/node.js';
import { inceptionScore } from '../../sdk/fid/inception-score.js';
import { inceptionSplits } from './inception-splits.js';
import type { RgbaImage } from '../../sdk/types.js';
import { captionWords } from '../clip/clip-text.js';
import { judgeSamples } from '../classifier/judge.js';
import { openEmojiJudgeData } from '../classifier/emoji-judge-data.js';
import { pairAccuracy } from '../classifier/pair-accuracy.js';
import { parseFlags } from '../cli/config-flags.js';
import type { Dataset } from '../data/dataset.js';
import { loadEmojiDataset } from '../data/emoji/emoji-dataset.js';
import { defaultEmojiDir } from '../data/emoji/packages.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { intFlag, intervalFlag, listFlag, numberFlag } from './flags.js';
import { featureFid, halvesFid } from './judge-fid.js';
import { rgbaForJudge, unitsToBytes } from './judge-pixels.js';

export const EVAL_EMOJI_HELP = `webgen-train eval-emoji --model DIR [options]

Draws one emoji per caption of the sets a text-to-emoji model never trained on, through the SDK's Node entry, and
lets the independent emoji judge read each drawing's subcategory and style; the judge's accuracy on the real images
of the same set is the scale. Beside it: FID in the judge's features against the set's real images (the floor: its
two halves of real images against each other), and CLIP scores (models/emoji-clip) of drawings and real images with
the same captions. The first setting runs every set; the others (a sweep) the held-out concepts only.

  --model DIR          latent-diffusion (or text diffusion) model folder trained on emoji
  --judge DIR          emoji judge folder (default models/emoji-judge)
  --clip DIR           CLIP for the CLIP score (default models/emoji-clip)
  --steps LIST         DDIM steps, comma-separated (default 25)
  --guidance LIST      classifier-free guidance scales, comma-separated (default 3)
  --guidance-interval LO,HI  guide only the steps with LO*T <= t <= HI*T (default 0,1)
  --dpm-solver LIST    add sweep rows with DPM-Solver++(2M) at these step counts (at the first --guidance)
  --ddpm               add a sweep row with DDPM over all the training steps (slow: use --limit)
  --limit N            at most N captions per set (default all: 386 concepts, 163 style pairs; train: as many as concepts)
  --seed N             seed of the noise: batch k of 32 captions draws from seed + k (default 0)
  --json FILE          write the results as JSON
  --grid FILE          PNG: real held-out concepts (odd rows) above their drawings (even rows), 16 of each`;

/** One set's figures. */
export interface EmojiPromptScore {
  images: number;
  /** Judge subcategory accuracy on the drawings, on the real images, and the ratio. */
  subcategory: { generated: number; real: number; ratio: number };
  /** Judge style accuracy (Noto vs Twemoji) on the drawings and on the real images. */
  style: { generated: number; real: number };
  /** Mean CLIP score (100·max(cos, 0)) of drawing–caption and real image–caption pairs. */
  clipScore: { generated: number; real: number };
  /** FID in the judge's features, drawings vs the set's real images; floor: the real images' two halves (even, odd). */
  fid: { generated: number; floor: number };
  /** Inception Score with the judge's logits (its subcategory × style classes; one split per 100 images, 1 … 10), drawings and real images. */
  inceptionScore: { generated: number; generatedStd: number; real: number; realStd: number };
  secondsPerImage: number;
}

/** One sampler setting. */
export interface EmojiSetting {
  scheduler: 'ddim' | 'ddpm' | 'dpm-solver++';
  steps: number;
  guidance: number;
}

const SETS = ['held-out-concept', 'held-out-style', 'train'] as const;
type SetName = (typeof SETS)[number];
/** Captions per sample() call. */
const BATCH = 32;
const PIXELS = 32 * 32 * 3;

/** A set's captions and real images, as the judge and the CLIP read them. */
interface PreparedSet {
  prompts: string[];
  labels: Int32Array;
  realJudge: Float32Array;
  realRgba: RgbaImage[];
}

export async function evalEmojiCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    judge: { type: 'string' },
    clip: { type: 'string' },
    steps: { type: 'string' },
    guidance: { type: 'string' },
    'guidance-interval': { type: 'string' },
    ddpm: { type: 'boolean' },
    'dpm-solver': { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    grid: { type: 'string' },
  }, 'See webgen-train eval-emoji --help.', { positionals: false });
  if (values.help) {
    console.log(EVAL_EMOJI_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('eval-emoji needs --model DIR (see --help)');
  const judgeDir = values.judge ?? 'models/emoji-judge';
  const clipDir = values.clip ?? 'models/emoji-clip';
  const stepsList = listFlag('steps', values.steps ?? '25');
  const guidanceList = (values.guidance ?? '3').split(',').map((g) => numberFlag('guidance', g.trim()));
  const interval = values['guidance-interval'] === undefined ? undefined : intervalFlag('guidance-interval', values['guidance-interval']);
  const limit = values.limit === undefined ? Infinity : intFlag('limit', values.limit);
  const seed = intFlag('seed', values.seed ?? '0', 0);
  const settings: EmojiSetting[] = stepsList.flatMap((steps) => guidanceList.map((guidance) => ({ scheduler: 'ddim' as const, steps, guidance })));

  const judgeData = await openEmojiJudgeData(32, defaultEmojiDir(), (l) => console.error(l));
  const generator = await createGenerator({ model: values.model });
  const clip = await createClip({ model: clipDir });
  const L = generator.manifest.conditioning?.tokenizer?.maxLength;
  if (L === undefined) throw new UsageError(`${values.model} is not text-conditioned: eval-emoji draws from captions`);
  for (const steps of values['dpm-solver'] === undefined ? [] : listFlag('dpm-solver', values['dpm-solver'])) settings.push({ scheduler: 'dpm-solver++', steps, guidance: guidanceList[0]! });
  if (values.ddpm) settings.push({ scheduler: 'ddpm', steps: generator.manifest.schedule!.trainSteps, guidance: guidanceList[0]! });
  const concepts = judgeData.heldOutGroups['held-out-concept'].length;

  /** The captions and real images of `set`. */
  const prepare = (set: SetName): PreparedSet => {
    const judged = set === 'train' ? strided(judgeData.train, Math.min(concepts, limit)) : pick(judgeData.heldOut, judgeData.heldOutGroups[set].slice(0, limit));
    const rgba = loadEmojiDataset({ dir: defaultEmojiDir(), part: set, width: 64, height: 64, channels: 4 });
    const key = (a: Record<string, string | number>) => `${a.unified}/${a.style}`;
    const byKey = new Map(Array.from({ length: rgba.size }, (_, i) => [key(rgba.get(i).attributes!), i]));
    const out: PreparedSet = { prompts: [], labels: new Int32Array(judged.length), realJudge: new Float32Array(judged.length * PIXELS), realRgba: [] };
    judged.forEach((ex, i) => {
      out.prompts.push(captionWords(ex.caption!, L));
      out.labels[i] = ex.label!;
      out.realJudge.set(ex.image, i * PIXELS);
      out.realRgba.push(toRgba(rgba.get(byKey.get(key(ex.attributes!))!).image, 64, 64));
    });
    return out;
  };

  /** One drawing per caption of `p` with setting `s` (batches of BATCH, batch k from seed + k). */
  const draw = async (p: PreparedSet, s: EmojiSetting): Promise<GeneratedImage[]> => {
    const drawn: GeneratedImage[] = [];
    for (let k = 0; k * BATCH < p.prompts.length; k++) {
      const part = p.prompts.slice(k * BATCH, (k + 1) * BATCH);
      drawn.push(...(await generator.sample({ batch: part.length, prompt: part, steps: s.steps, guidanceScale: s.guidance, scheduler: s.scheduler, seed: seed + k, ...(interval && { guidanceInterval: interval }) })));
    }
    return drawn;
  };

  /** The judge's, FID's and CLIP's figures of drawings `drawn` of set `p`. */
  const score = async (p: PreparedSet, drawn: GeneratedImage[], seconds: number): Promise<EmojiPromptScore> => {
    const genJudge = new Float32Array(drawn.length * PIXELS);
    drawn.forEach((im, i) => genJudge.set(rgbaForJudge(im.data, 64, 64), i * PIXELS));
    const realVerdict = await judgeSamples(judgeDir, p.realJudge, undefined, { features: true });
    const genVerdict = await judgeSamples(judgeDir, genJudge, undefined, { features: true });
    const real = pairAccuracy(realVerdict.predicted, p.labels, 2);
    const gen = pairAccuracy(genVerdict.predicted, p.labels, 2);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const K = realVerdict.classNames.length;
    const isGen = inceptionScore(genVerdict.logits, drawn.length, K, { splits: inceptionSplits(drawn.length) });
    const isReal = inceptionScore(realVerdict.logits, p.labels.length, K, { splits: inceptionSplits(p.labels.length) });
    return {
      images: drawn.length,
      subcategory: { generated: gen.outer, real: real.outer, ratio: real.outer > 0 ? gen.outer / real.outer : 0 },
      style: { generated: gen.inner, real: real.inner },
      clipScore: { generated: mean(await clip.clipScore(drawn, p.prompts)), real: mean(await clip.clipScore(p.realRgba, p.prompts)) },
      fid: { generated: featureFid(genVerdict.features!, realVerdict.features!, 256), floor: halvesFid(realVerdict.features!, 256) },
      inceptionScore: { generated: isGen.mean, generatedStd: isGen.std, real: isReal.mean, realStd: isReal.std },
      secondsPerImage: seconds / drawn.length,
    };
  };

  const results: Record<string, EmojiPromptScore> = {};
  const sweep: (EmojiSetting & EmojiPromptScore)[] = [];
  const gridRows: Float32Array[] = [];
  try {
    const prepared = new Map(SETS.map((set) => [set, prepare(set)]));
    for (const [si, s] of settings.entries()) {
      for (const set of si === 0 ? SETS : (['held-out-concept'] as const)) {
        const p = prepared.get(set)!;
        const t0 = performance.now();
        const drawn = await draw(p, s);
        const r = await score(p, drawn, (performance.now() - t0) / 1000);
        console.error(`${settingName(s)}, ${set}: ${p.prompts.length} captions, ${(r.secondsPerImage * p.prompts.length).toFixed(0)} s`);
        if (si === 0) results[set] = r;
        if (set === 'held-out-concept') sweep.push({ ...s, ...r });
        if (si === 0 && set === 'held-out-concept' && values.grid) {
          for (let i = 0; i < Math.min(16, drawn.length); i += 8) {
            const n = Math.min(8, drawn.length - i);
            const row = (ims: RgbaImage[]) => Float32Array.from(ims.slice(i, i + n).flatMap((im) => Array.from(im.data, (v) => v / 127.5 - 1)));
            gridRows.push(row(p.realRgba), row(drawn));
          }
        }
      }
    }
  } finally {
    await generator.dispose();
    await clip.dispose();
  }
  console.log(formatEmojiTable(results, settings[0]!));
  if (sweep.length > 1) console.log(`\n${formatSweep(sweep, interval)}`);
  if (values.json) await writeFileAtomic(values.json, `${JSON.stringify({ model: values.model, judge: judgeDir, clip: clipDir, setting: settings[0], guidanceInterval: interval ?? [0, 1], seed, results, sweep }, null, 2)}\n`);
  if (values.grid && gridRows.length) {
    const all = new Float32Array(gridRows.reduce((n, r) => n + r.length, 0));
    let o = 0;
    for (const r of gridRows) (all.set(r, o), (o += r.length));
    await writeImageGrid(values.grid, all, [all.length / (64 * 64 * 4), 64, 64, 4], { cols: 8, alpha: 'checkerboard' });
  }
  return 0;
}

const SCHEDULER_NAMES: Record<EmojiSetting['scheduler'], string> = { ddim: 'DDIM', ddpm: 'DDPM', 'dpm-solver++': 'DPM-Solver++' };
const settingName = (s: EmojiSetting) => `${SCHEDULER_NAMES[s.scheduler]} ${s.steps} steps, guidance ${s.guidance}`;

/** The sweep's table: held-out concepts per setting. */
export function formatSweep(rows: (EmojiSetting & EmojiPromptScore)[], interval?: [number, number]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    `held-out concepts per sampler setting${interval ? ` (guidance on ${interval[0]}..${interval[1]} of the steps)` : ''}:`,
    '',
    '| sampler | guidance | subcategory (ratio to real) | style | FID (floor) | CLIP score | IS | s / image |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${SCHEDULER_NAMES[r.scheduler]} ${r.steps} | ${r.guidance} | ${pct(r.subcategory.generated)} (${r.subcategory.ratio.toFixed(2)}) | ${pct(r.style.generated)} | ${r.fid.generated.toFixed(1)} (${r.fid.floor.toFixed(1)}) | ${r.clipScore.generated.toFixed(1)} | ${r.inceptionScore.generated.toFixed(1)} | ${r.secondsPerImage.toFixed(3)} |`),
  ].join('\n');
}

/** The markdown table of the card. */
export function formatEmojiTable(results: Record<string, EmojiPromptScore>, s: EmojiSetting): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `${settingName(s)}; judge: models/emoji-judge; CLIP score: models/emoji-clip`,
    '',
    '| set | captions | subcategory: drawn / real (ratio) | style: drawn / real | FID drawn vs real (floor) | CLIP score: drawn / real | IS: drawn / real |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [set, r] of Object.entries(results)) {
    lines.push(`| ${set} | ${r.images} | ${pct(r.subcategory.generated)} / ${pct(r.subcategory.real)} (${r.subcategory.ratio.toFixed(2)}) | ${pct(r.style.generated)} / ${pct(r.style.real)} | ${r.fid.generated.toFixed(1)} (${r.fid.floor.toFixed(1)}) | ${r.clipScore.generated.toFixed(1)} / ${r.clipScore.real.toFixed(1)} | ${r.inceptionScore.generated.toFixed(1)} / ${r.inceptionScore.real.toFixed(1)} |`);
  }
  return lines.join('\n');
}

/** The examples of `ds` at `indices`. */
function pick(ds: Dataset, indices: number[]) {
  return indices.map((i) => ds.get(i));
}

/** `n` examples of `ds` spread evenly over it. */
function strided(ds: Dataset, n: number) {
  return Array.from({ length: Math.min(n, ds.size) }, (_, i) => ds.get(Math.floor((i * ds.size) / Math.min(n, ds.size))));
}

/** [H, W, 4] in [-1, 1] → RGBA bytes. */
function toRgba(x: Float32Array, width: number, height: number): RgbaImage {
  return { width, height, data: unitsToBytes(x) };
}
