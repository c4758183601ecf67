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
import type { GeneratedImage } from '../../sdk/image/generated-image.js';
import { convertChannels } from '../../sdk/image/pixels.js';
import { resizePixels } from '../../sdk/image/resize.js';
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
import { intFlag, numberFlag } from './flags.js';

export const EVAL_EMOJI_HELP = `webgen-train eval-emoji --model DIR [options]

Draws one emoji per caption of the sets a text-to-emoji model never trained on, through the SDK's Node entry, and
lets the independent emoji judge read each drawing's subcategory and style; the judge's accuracy on the real images
of the same set is the scale. CLIP scores (models/emoji-clip) of drawings and real images with the same captions.

  --model DIR      latent-diffusion (or text diffusion) model folder trained on emoji
  --judge DIR      emoji judge folder (default models/emoji-judge)
  --clip DIR       CLIP for the CLIP score (default models/emoji-clip)
  --steps N        DDIM steps (default 25)
  --guidance S     classifier-free guidance scale (default 3)
  --limit N        at most N captions per set (default all: 386 concepts, 163 style pairs; train: as many as concepts)
  --seed N         seed of the first drawing; drawing i uses seed + i (default 0)
  --json FILE      write the results as JSON
  --grid FILE      PNG: real held-out concepts (odd rows) above their drawings (even rows), 16 of each`;

/** One set's figures. */
export interface EmojiPromptScore {
  images: number;
  /** Judge subcategory accuracy on the drawings, on the real images, and the ratio. */
  subcategory: { generated: number; real: number; ratio: number };
  /** Judge style accuracy (Noto vs Twemoji) on the drawings and on the real images. */
  style: { generated: number; real: number };
  /** Mean CLIP score (100·max(cos, 0)) of drawing–caption and real image–caption pairs. */
  clipScore: { generated: number; real: number };
}

const SETS = ['held-out-concept', 'held-out-style', 'train'] as const;

export async function evalEmojiCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    judge: { type: 'string' },
    clip: { type: 'string' },
    steps: { type: 'string' },
    guidance: { type: 'string' },
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
  const steps = intFlag('steps', values.steps ?? '25');
  const guidance = numberFlag('guidance', values.guidance ?? '3');
  const limit = values.limit === undefined ? Infinity : intFlag('limit', values.limit);
  const seed = intFlag('seed', values.seed ?? '0', 0);

  const judgeData = await openEmojiJudgeData(32, defaultEmojiDir(), (l) => console.error(l));
  const generator = await createGenerator({ model: values.model });
  const clip = await createClip({ model: clipDir });
  const L = generator.manifest.conditioning?.tokenizer?.maxLength;
  if (L === undefined) throw new UsageError(`${values.model} is not text-conditioned: eval-emoji draws from captions`);
  const results: Record<string, EmojiPromptScore> = {};
  const gridRows: Float32Array[] = [];
  try {
    const concepts = judgeData.heldOutGroups['held-out-concept'].length;
    for (const set of SETS) {
      const t0 = performance.now();
      // Real images: the judge's 32×32 RGB over white (its labels) and the 64×64 RGBA the model draws (CLIP's input).
      const judged = set === 'train' ? strided(judgeData.train, Math.min(concepts, limit)) : pick(judgeData.heldOut, judgeData.heldOutGroups[set].slice(0, limit));
      const rgba = loadEmojiDataset({ dir: defaultEmojiDir(), part: set, width: 64, height: 64, channels: 4 });
      const key = (a: Record<string, string | number>) => `${a.unified}/${a.style}`;
      const byKey = new Map(Array.from({ length: rgba.size }, (_, i) => [key(rgba.get(i).attributes!), i]));
      const prompts: string[] = [];
      const labels = new Int32Array(judged.length);
      const realRgba: RgbaImage[] = [];
      const realJudge = new Float32Array(judged.length * 32 * 32 * 3);
      judged.forEach((ex, i) => {
        prompts.push(captionWords(ex.caption!, L));
        labels[i] = ex.label!;
        realJudge.set(ex.image, i * 32 * 32 * 3);
        realRgba.push(toRgba(rgba.get(byKey.get(key(ex.attributes!))!).image, 64, 64));
      });
      const drawn: GeneratedImage[] = [];
      for (const [i, prompt] of prompts.entries()) drawn.push(await generator.textToImage({ prompt, steps, guidanceScale: guidance, seed: seed + i }));
      const genJudge = new Float32Array(judged.length * 32 * 32 * 3);
      drawn.forEach((im, i) => genJudge.set(forJudge(im.data), i * 32 * 32 * 3));
      const real = pairAccuracy((await judgeSamples(judgeDir, realJudge)).predicted, labels, 2);
      const gen = pairAccuracy((await judgeSamples(judgeDir, genJudge)).predicted, labels, 2);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const clipGen = mean(await clip.clipScore(drawn, prompts));
      const clipReal = mean(await clip.clipScore(realRgba, prompts));
      results[set] = {
        images: judged.length,
        subcategory: { generated: gen.outer, real: real.outer, ratio: real.outer > 0 ? gen.outer / real.outer : 0 },
        style: { generated: gen.inner, real: real.inner },
        clipScore: { generated: clipGen, real: clipReal },
      };
      console.error(`${set}: ${judged.length} captions, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      if (set === 'held-out-concept' && values.grid) {
        for (let i = 0; i < Math.min(16, drawn.length); i += 8) {
          const n = Math.min(8, drawn.length - i);
          const row = (ims: RgbaImage[]) => Float32Array.from(ims.slice(i, i + n).flatMap((im) => Array.from(im.data, (v) => v / 127.5 - 1)));
          gridRows.push(row(realRgba), row(drawn));
        }
      }
    }
  } finally {
    await generator.dispose();
    await clip.dispose();
  }
  console.log(formatEmojiTable(results, { steps, guidance }));
  if (values.json) await writeFileAtomic(values.json, `${JSON.stringify({ model: values.model, judge: judgeDir, clip: clipDir, steps, guidance, seed, results }, null, 2)}\n`);
  if (values.grid && gridRows.length) {
    const all = new Float32Array(gridRows.reduce((n, r) => n + r.length, 0));
    let o = 0;
    for (const r of gridRows) (all.set(r, o), (o += r.length));
    await writeImageGrid(values.grid, all, [all.length / (64 * 64 * 4), 64, 64, 4], { cols: 8, alpha: 'checkerboard' });
  }
  return 0;
}

/** The markdown table of the card. */
export function formatEmojiTable(results: Record<string, EmojiPromptScore>, s: { steps: number; guidance: number }): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `DDIM ${s.steps} steps, guidance ${s.guidance}; judge: models/emoji-judge; CLIP score: models/emoji-clip`,
    '',
    '| set | captions | subcategory: drawn / real (ratio) | style: drawn / real | CLIP score: drawn / real |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const [set, r] of Object.entries(results)) {
    lines.push(`| ${set} | ${r.images} | ${pct(r.subcategory.generated)} / ${pct(r.subcategory.real)} (${r.subcategory.ratio.toFixed(2)}) | ${pct(r.style.generated)} / ${pct(r.style.real)} | ${r.clipScore.generated.toFixed(1)} / ${r.clipScore.real.toFixed(1)} |`);
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
  return { width, height, data: Uint8ClampedArray.from(x, (v) => Math.round((v + 1) * 127.5)) };
}

/** A drawing's RGBA bytes as the judge's data is made: over white, resized to 32×32, in [-1, 1]. */
function forJudge(rgba: Uint8ClampedArray): Float32Array {
  const rgb = convertChannels(new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length), 4, 3, 255, 255);
  return Float32Array.from(resizePixels(rgb, 64, 64, 3, 32, 32), (v) => v / 127.5 - 1);
}
