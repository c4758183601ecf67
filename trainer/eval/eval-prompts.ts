/**
 * `webgen-train eval-prompts`: judges a text-to-image model trained on the procedural shapes with
 * the shapes classifier. For every colour–shape pair it draws images for prompts "a <size> <colour>
 * <shape> <position>", and the classifier says whether each image shows that colour and that shape.
 * Pairs the model never saw in training (the recipe's holdOutCombos, read from the manifest) are
 * reported apart: they measure whether the model composes words it knows into new pictures.
 */
import { COLOURS, comboName, NUM_COMBOS, POSITION_PHRASES, POSITIONS, SHAPES, SIZES, type SizeName } from '../data/shapes.js';
import { judgeSamples } from '../classifier/judge.js';
import { shapeColourAccuracy } from '../classifier/shapes-verdict.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { Rng } from '../../sdk/random/rng.js';
import { etaListFlag, intervalFlag, intFlag, listFlag, numberFlag } from './flags.js';
import { nchwToNhwc } from '../../sdk/image/pixels.js';
import { inceptionScore } from '../../sdk/fid/inception-score.js';
import { inceptionSplits } from './inception-splits.js';
import { DiffusionSampler } from './diffusion-sampler.js';
import { samplerSettings, settingLabel, type SamplerSetting } from './sampler-settings.js';
import { parseFlags } from '../cli/config-flags.js';

export const EVAL_PROMPTS_HELP = `webgen-train eval-prompts --model DIR --classifier DIR [options]

Samples a text-to-image model trained on the shapes data set through the SDK's Node entry (the engine apps run)
with one prompt per colour-shape pair, "a <size> <colour> <shape> <position>", and lets the shapes
classifier (webgen-train classifier shapes) judge each image's colour and shape. Pairs held out of
training (the manifest's holdOutCombos) are reported separately from the trained ones.

  --model DIR        text-conditioned diffusion model folder (model.onnx, text_encoder.onnx)
  --classifier DIR   shapes classifier folder
  --samples N        images per colour-shape pair (default 28: 1,008 images for 36 pairs)
  --size S           large | small | both: the size word of the prompts (default large: small
                     shapes are ~5 px across, where the classifier itself reads shape less well)
  --steps LIST       DDIM steps, comma-separated (default 20)
  --eta LIST         DDIM eta values, comma-separated (default 0)
  --guidance S       classifier-free guidance scale (default 3)
  --guidance-interval LO,HI
                     guide only the steps with LO*T <= t <= HI*T (default 0,1: every step)
  --dpm-solver LIST  DPM-Solver++(2M) steps, comma-separated (default none)
  --ddpm             add a DDPM row with the model's training steps (1000), ancestral (slow)
  --held-out LIST    held-out pairs "red circle,green star" (default: from the manifest)
  --batch N          images per model call (default 84)
  --seed N           seed of the noise and the positions (default 0)
  --json FILE        write the results as JSON
  --grid FILE        PNG grid from the first setting: one row per held-out pair, then trained pairs`;

/** Accuracies of one group of pairs. */
interface GroupScore {
  images: number;
  /** Share of images showing the prompt's colour and shape. */
  both: number;
  colour: number;
  shape: number;
}

interface Row extends SamplerSetting {
  trained: GroupScore;
  heldOut: GroupScore;
  /** Accuracy (colour and shape) of each pair, by name. */
  perPair: Record<string, number>;
  /** Inception Score of all the drawings with the classifier's logits (one split per 100 images, 1 … 10). */
  inceptionScore: { mean: number; std: number };
  secondsPerImage: number;
}

export async function evalPromptsCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv);
  if (values.help) {
    console.log(EVAL_PROMPTS_HELP);
    return 0;
  }
  if (!values.model || !values.classifier) throw new UsageError('eval-prompts needs --model DIR and --classifier DIR (see --help)');
  const perPair = intFlag('samples', values.samples ?? '28');
  const batch = intFlag('batch', values.batch ?? '84');
  const seed = intFlag('seed', values.seed ?? '0', 0);
  const guidance = numberFlag('guidance', values.guidance ?? '3');
  const guidanceInterval = values['guidance-interval'] === undefined ? undefined : intervalFlag('guidance-interval', values['guidance-interval']);
  const stepsList = listFlag('steps', values.steps ?? '20');
  const etaList = etaListFlag(values.eta ?? '0');
  const sizeFlag = values.size ?? 'large';
  if (sizeFlag !== 'both' && !SIZES.includes(sizeFlag as SizeName)) throw new UsageError(`--size must be large, small or both, got '${sizeFlag}'`);
  const sizes: SizeName[] = sizeFlag === 'both' ? [...SIZES] : [sizeFlag as SizeName];

  const model = await DiffusionSampler.load(values.model);
  if (!model.tokenizer) throw new UsageError(`${values.model} is not text-conditioned: eval-prompts needs a text-to-image model`);
  const heldOut = new Set(parsePairs(values['held-out'] ?? heldOutFromManifest(model)));

  // The prompts: pair k gets `perPair` images, each with a seeded size and position.
  const rng = new Rng(seed ^ 0x5eed);
  const prompts: string[] = [];
  const expected = new Int32Array(NUM_COMBOS * perPair);
  for (let j = 0; j < perPair; j++) {
    for (let k = 0; k < NUM_COMBOS; k++) {
      const size = rng.pick(sizes);
      const position = POSITION_PHRASES[rng.pick(POSITIONS)];
      expected[prompts.length] = k;
      prompts.push(`a ${size} ${COLOURS[Math.floor(k / SHAPES.length)]} ${SHAPES[k % SHAPES.length]} ${position}`);
    }
  }
  const unknown = model.tokenizer.unknownWords(prompts.join(' '));
  if (unknown.length) throw new UsageError(`${values.model}'s vocabulary lacks ${[...new Set(unknown)].join(', ')}: is it a shapes model?`);

  const { width: W, height: H, channels: C } = model.manifest.image;
  const per = C * H * W;
  const dpmList = values['dpm-solver'] === undefined ? [] : listFlag('dpm-solver', values['dpm-solver']);
  const settings = samplerSettings({ steps: stepsList, etas: etaList, dpmSolver: dpmList, ddpm: values.ddpm === true, trainSteps: model.manifest.schedule!.trainSteps });
  const rows: Row[] = [];
  for (const setting of settings) {
    const { sampler, steps, eta } = setting;
    const t0 = performance.now();
    const images = new Float32Array(prompts.length * per);
    for (let start = 0; start < prompts.length; start += batch) {
      const n = Math.min(batch, prompts.length - start);
      const x = await model.sample({ n, prompts: prompts.slice(start, start + n), steps, sampler, ...(sampler === 'ddim' && { eta }), guidanceScale: guidance, ...(guidanceInterval && { guidanceInterval }), seed: seed * 100_003 + start });
      images.set(x, start * per);
    }
    const seconds = (performance.now() - t0) / 1000;
    const nhwc = nchwToNhwc(images, prompts.length, C, H, W);
    const verdict = await judgeSamples(values.classifier, nhwc, expected);
    const group = (held: boolean): GroupScore => {
      const idx = [...expected.keys()].filter((i) => heldOut.has(comboName(expected[i]!)) === held);
      if (idx.length === 0) return { images: 0, both: NaN, colour: NaN, shape: NaN };
      const a = shapeColourAccuracy(idx.map((i) => verdict.predicted[i]!), idx.map((i) => expected[i]!));
      return { images: idx.length, ...a };
    };
    const pairs: Record<string, number> = {};
    for (let k = 0; k < NUM_COMBOS; k++) {
      let hit = 0;
      for (let i = k; i < expected.length; i += NUM_COMBOS) if (verdict.predicted[i] === k) hit++;
      pairs[comboName(k)] = hit / perPair;
    }
    const is = inceptionScore(verdict.logits, prompts.length, verdict.classNames.length, { splits: inceptionSplits(prompts.length) });
    const row: Row = { sampler, steps, eta, trained: group(false), heldOut: group(true), perPair: pairs, inceptionScore: { mean: is.mean, std: is.std }, secondsPerImage: seconds / prompts.length };
    rows.push(row);
    console.log(
      `${settingLabel(setting)}: trained pairs ${fmt(row.trained)}; held-out pairs ${fmt(row.heldOut)}; ` +
        `IS ${is.mean.toFixed(2)} ± ${is.std.toFixed(2)}; ${(1000 * row.secondsPerImage).toFixed(1)} ms/image`,
    );
    for (const name of heldOut) console.log(`  held out ${name}: ${(100 * pairs[name]!).toFixed(1)}%`);
    if (rows.length === 1 && values.grid) await writeGrid(values.grid, nhwc, [H, W, C], heldOut, perPair);
  }
  await model.release();
  if (values.json) {
    const doc = { model: values.model, classifier: values.classifier, samplesPerPair: perPair, sizes, guidance, guidanceInterval: guidanceInterval ?? [0, 1], seed, heldOutPairs: [...heldOut], rows };
    await writeFileAtomic(values.json, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return 0;
}

function fmt(g: GroupScore): string {
  if (g.images === 0) return 'none';
  return `${(100 * g.both).toFixed(1)}% right (colour ${(100 * g.colour).toFixed(1)}%, shape ${(100 * g.shape).toFixed(1)}%, ${g.images} images)`;
}

/** The recipe's holdOutCombos as the manifest recorded them ('' when none). */
function heldOutFromManifest(model: DiffusionSampler): string {
  const v = model.manifest.training?.config?.holdOutCombos;
  return typeof v === 'string' ? v : '';
}

/** "red circle, green star" → validated pair names. */
function parsePairs(raw: string): string[] {
  const names = new Set(Array.from({ length: NUM_COMBOS }, (_, k) => comboName(k)));
  return raw
    .split(',')
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .map((p) => {
      if (!names.has(p)) throw new UsageError(`--held-out: '${p}' is not "<colour> <shape>" (colours ${COLOURS.join('|')}, shapes ${SHAPES.join('|')})`);
      return p;
    });
}

/** Up to 8 images per row: the held-out pairs first, then the first trained pairs, 12 rows at most. */
async function writeGrid(path: string, nhwc: Float32Array, [H, W, C]: number[], heldOut: Set<string>, perPair: number): Promise<void> {
  const all = Array.from({ length: NUM_COMBOS }, (_, k) => k);
  const order = [...all.filter((k) => heldOut.has(comboName(k))), ...all.filter((k) => !heldOut.has(comboName(k)))].slice(0, 12);
  const cols = Math.min(8, perPair);
  const per = H! * W! * C!;
  const out = new Float32Array(order.length * cols * per);
  order.forEach((k, r) => {
    for (let j = 0; j < cols; j++) out.set(nhwc.subarray((j * NUM_COMBOS + k) * per, (j * NUM_COMBOS + k + 1) * per), (r * cols + j) * per);
  });
  await writeImageGrid(path, out, [order.length * cols, H!, W!, C!], { cols, scale: 2 });
}

function parse(argv: string[]) {
  return parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    classifier: { type: 'string' },
    samples: { type: 'string' },
    size: { type: 'string' },
    steps: { type: 'string' },
    eta: { type: 'string' },
    guidance: { type: 'string' },
    ddpm: { type: 'boolean' },
    'dpm-solver': { type: 'string' },
    'guidance-interval': { type: 'string' },
    'held-out': { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    grid: { type: 'string' },
  }, 'See webgen-train eval-prompts --help.', { positionals: false });
}
