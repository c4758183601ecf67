/**
 * `webgen sample`: draws images from an exported diffusion model with the Node SDK (onnxruntime-node and the shared
 * schedulers), so anyone can reproduce a model card's pictures without a browser.
 *   webgen sample --model models/shapes-t2i --prompt "a red circle" --steps 20 --seed 1 --out out.png
 *   webgen sample --model models/mnist-ddim --class 7 --batch 16 --out digits/      → digits/0000.png …
 *   webgen sample --model models/shapes-t2i --prompt "a blue star" --init in.png --strength 0.6 --out out.png
 */
import { SCHEDULER_NAMES, type SchedulerName } from '../../sdk/schedulers/scheduler-names.js';
import { mkdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { PNG } from 'pngjs';
import { InvalidInputError } from '../../sdk/errors/invalid-input-error.js';
import type { AttentionMaps, GeneratedImage, Generator, RgbaImage } from '../../sdk/types.js';
import { attentionOverlay } from '../explain/attention-overlay.js';
import { OutputError } from '../errors/output-error.js';
import { UsageError } from '../errors/usage-error.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readPngFlag } from '../image/read-png-flag.js';
import { intervalFlag, intFlag, numberFlag } from '../eval/flags.js';
import { parseFlags } from './config-flags.js';

/** Most images of one run: the files are DIR/0000.png … DIR/9999.png, four digits that list in order. */
export const MAX_BATCH = 10_000;

/** Largest seed (seeds are uint32, as the SDK's). */
const MAX_SEED = 2 ** 32 - 1;

/** Names that read as one picture: with --batch > 1, --out must be a folder instead. */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp']);

export const SAMPLE_HELP = `webgen sample --model DIR [options]

Draws images from an exported diffusion model (onnxruntime-node, the SDK's schedulers).

  --model DIR         the model folder (manifest.json + ONNX files)
  --prompt TEXT       prompt of a text-conditioned model ("a red circle"); leave out for unconditional
  --class C           class of a class-conditional model: an index (7) or a name; leave out for unconditional
  --steps N           denoising steps (default 20; 1 … the model's training timesteps)
  --scheduler S       ddim (default), dpm-solver++ (DPM-Solver++(2M): 10 steps do what DDIM needs 20 for)
                      or ddpm (ancestral; use all training steps, e.g. --steps 1000)
  --eta E             DDIM eta in [0, 1] (default 0: deterministic)
  --guidance S        classifier-free guidance scale (default 2 when conditioned)
  --guidance-interval LO,HI
                      guide only the steps with LO*T <= t <= HI*T, T the training timesteps
                      (default 0,1: every step; 0.3,1 leaves the least noisy 30% unguided)
  --seed N            seed of the noise, an integer in [0, ${MAX_SEED}] (default 0); image i of a batch
                      uses seed + i (the picture --seed <seed + i> draws alone), so seed + N - 1 must
                      fit in that range too: seeds do not wrap
  --batch N           how many images, 1 … ${MAX_BATCH} (default 1); with N > 1, --out is a folder:
                      DIR/0000.png …, each written as soon as it is drawn (a stopped run keeps them)
  --init FILE.png     img2img: start from this picture (resized to the model's size)
  --strength S        img2img: how much to redraw, in [0, 1] (default 0.6)
  --out PATH          a .png file, or a folder ending in / (default out.png; samples/ with --batch > 1)
  --attention DIR     with --prompt: also write where each prompt word's cross-attention looked, DIR/NN-word.png
                      over the image, and DIR/attention.json (a model exported with its cross-attention outputs)
  --threads N         onnxruntime threads (default: onnxruntime's choice)`;

/** The SDK's option names as this command's flags, for error messages. */
const FLAG_OF: Record<string, string> = {
  steps: '--steps', eta: '--eta', seed: '--seed', guidanceScale: '--guidance', guidanceInterval: '--guidance-interval', scheduler: '--scheduler', classLabel: '--class',
  prompt: '--prompt', strength: '--strength', image: '--init', batch: '--batch',
};

export async function sampleCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    prompt: { type: 'string' },
    class: { type: 'string' },
    steps: { type: 'string' },
    scheduler: { type: 'string' },
    eta: { type: 'string' },
    guidance: { type: 'string' },
    'guidance-interval': { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    init: { type: 'string' },
    strength: { type: 'string' },
    attention: { type: 'string' },
    out: { type: 'string' },
    threads: { type: 'string' },
  }, 'See webgen sample --help.', { positionals: false });
  if (values.help) {
    console.log(SAMPLE_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('webgen sample needs --model DIR (see webgen sample --help)');
  if (values.prompt !== undefined && values.prompt.trim() === '') {
    throw new UsageError('--prompt is empty: give a prompt like "a red circle", or leave --prompt out for an unconditional sample');
  }
  if (values.prompt !== undefined && values.class !== undefined) throw new UsageError('give --prompt (text-conditioned models) or --class (class-conditional models), not both');
  if (values.scheduler !== undefined && !SCHEDULER_NAMES.includes(values.scheduler as SchedulerName)) {
    throw new UsageError(`--scheduler must be one of ${SCHEDULER_NAMES.join(', ')}, got '${values.scheduler}'`);
  }
  if (values.strength !== undefined && values.init === undefined) throw new UsageError('--strength applies to img2img: give --init FILE.png too');
  if (values.attention !== undefined && (values.prompt === undefined || values.init !== undefined || (values.batch ?? '1') !== '1')) {
    throw new UsageError('--attention draws the cross-attention maps of one text-to-image picture: give --prompt, one image (no --batch) and no --init');
  }
  const batch = intFlag('batch', values.batch ?? '1', 1, MAX_BATCH);
  const seed = intFlag('seed', values.seed ?? '0', 0, MAX_SEED);
  // checked here, not at image seed + i: a run that stops half-way after minutes of work is worse than no run
  if (seed + batch - 1 > MAX_SEED) {
    throw new UsageError(`--seed ${seed} with --batch ${batch} needs seeds up to ${seed + batch - 1}, beyond the largest seed ${MAX_SEED} (seeds do not wrap): use --seed ${MAX_SEED - batch + 1} or lower`);
  }
  const common = {
    ...(values.steps !== undefined && { steps: intFlag('steps', values.steps) }),
    ...(values.eta !== undefined && { eta: numberFlag('eta', values.eta) }),
    ...(values.guidance !== undefined && { guidanceScale: numberFlag('guidance', values.guidance) }),
    ...(values['guidance-interval'] !== undefined && { guidanceInterval: intervalFlag('guidance-interval', values['guidance-interval']) }),
    ...(values.scheduler !== undefined && { scheduler: values.scheduler as SchedulerName }),
  };
  const classLabel = values.class === undefined ? undefined : /^\d+$/.test(values.class) ? Number(values.class) : values.class;
  const strength = values.strength === undefined ? undefined : numberFlag('strength', values.strength);
  const init = values.init === undefined ? undefined : readPngFlag(values.init, '--init', 'img2img');
  const out = values.out ?? (batch > 1 ? 'samples/' : 'out.png');
  const existing = statSync(out, { throwIfNoEntry: false });
  if (batch > 1 && !out.endsWith('/') && !existing?.isDirectory() && (IMAGE_EXTENSIONS.has(extname(out).toLowerCase()) || existing)) {
    const folder = out.slice(0, out.length - extname(out).length) || 'samples';
    throw new UsageError(
      `--out '${out}' ${existing ? 'is a file' : 'names an image file'}, but --batch ${batch} writes ${batch} images into a folder: ` +
        `give a folder such as '${folder}/' (then ${join(folder, '0000.png')} …), or leave out --batch for one image`,
    );
  }
  const toFolder = batch > 1 || out.endsWith('/') || !!existing?.isDirectory();
  if (!toFolder && !out.toLowerCase().endsWith('.png')) throw new UsageError(`--out must be a .png file or a folder ending in /, got '${out}'`);
  const threads = values.threads === undefined ? undefined : intFlag('threads', values.threads);

  const { createGenerator } = await import('../../sdk/node.js');
  const generator = await createGenerator({ model: values.model, ...(threads !== undefined && { threads }) });
  try {
    if (toFolder) makeFolder(out);
    const paths = Array.from({ length: batch }, (_, i) => (toFolder ? join(out, `${String(i).padStart(4, '0')}.png`) : out));
    let steps = 0;
    let seconds = 0;
    let unknown: string[] = [];
    // Each picture is written (temp file + rename) as soon as it is drawn: memory holds one image whatever --batch
    // is, and a run stopped at image k leaves 0000.png … k-1 whole.
    for (let i = 0; i < batch; i++) {
      const opts = { ...common, seed: seed + i };
      const t0 = performance.now();
      const image = await withFlagNames(() => drawOne(generator, opts, { classLabel, prompt: values.prompt, init, strength, attention: values.attention !== undefined }));
      seconds += (performance.now() - t0) / 1000;
      steps = image.timings.steps;
      unknown = image.unknownWords ?? [];
      await writeFileAtomic(paths[i]!, encodePng(image));
      if (values.attention !== undefined && image.attentionMaps) await writeAttention(values.attention, image, image.attentionMaps);
    }
    if (unknown.length > 0) {
      console.error(`webgen: warning: model '${generator.manifest.name}' does not know ${unknown.map((w) => `'${w}'`).join(', ')}; it read ${unknown.length === 1 ? 'it' : 'them'} as unknown words (its vocabulary: manifest.json conditioning.tokenizer.vocab)`);
    }
    const what = values.prompt !== undefined ? `"${values.prompt}"` : classLabel !== undefined ? `class ${classLabel}` : 'unconditional';
    console.log(`${batch} image${batch > 1 ? 's' : ''} (${what}, ${steps} steps, seed ${seed}${batch > 1 ? `…${seed + batch - 1}` : ''}) in ${seconds.toFixed(2)} s`);
    console.log(toFolder ? `wrote ${paths[0]} … ${paths[paths.length - 1]}` : `wrote ${out}`);
    return 0;
  } finally {
    await generator.dispose();
  }
}

interface Conditioning {
  classLabel: number | string | undefined;
  prompt: string | undefined;
  init: RgbaImage | undefined;
  strength: number | undefined;
  /** textToImage's attentionMaps. */
  attention?: boolean;
}

/** DIR/NN-word.png per prompt word (the map over the image) and DIR/attention.json (each map's share and peak). */
async function writeAttention(dir: string, image: GeneratedImage, maps: AttentionMaps): Promise<void> {
  makeFolder(dir);
  const P = maps.width * maps.height;
  const files: { token: string; file: string; mean: number; max: number }[] = [];
  for (const [k, token] of maps.tokens.entries()) {
    const file = join(dir, `${String(k).padStart(2, '0')}-${token.replace(/[^a-z0-9_-]+/gi, '_')}.png`);
    await writeFileAtomic(file, encodePng({ width: maps.width, height: maps.height, data: attentionOverlay(image, maps, k) }));
    const map = maps.maps.subarray(k * P, (k + 1) * P);
    files.push({ token, file, mean: map.reduce((a, b) => a + b, 0) / P, max: Math.max(...map) });
  }
  await writeFileAtomic(join(dir, 'attention.json'), `${JSON.stringify({ tokens: maps.tokens, width: maps.width, height: maps.height, maps: files }, null, 2)}\n`);
  console.log(`wrote ${maps.tokens.length} cross-attention maps to ${dir} (${maps.tokens.map((t, k) => `${t} ${(100 * files[k]!.mean).toFixed(0)}%`).join(', ')} of the attention on average)`);
}

async function drawOne(g: Generator, opts: Record<string, unknown>, c: Conditioning): Promise<GeneratedImage> {
  const cond = { ...(c.classLabel !== undefined && { classLabel: c.classLabel }), ...(c.prompt !== undefined && { prompt: c.prompt }) };
  if (c.init) return g.img2img({ ...opts, ...cond, image: c.init, ...(c.strength !== undefined && { strength: c.strength }) });
  if (c.prompt !== undefined) return g.textToImage({ ...opts, prompt: c.prompt, ...(c.attention && { attentionMaps: true }) });
  const [image] = await g.sample({ ...opts, ...(c.classLabel !== undefined && { classLabel: c.classLabel }) });
  return image!;
}

/** The SDK names its options ('guidanceScale'); on this command line they are flags (--guidance). */
async function withFlagNames<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof InvalidInputError && FLAG_OF[err.parameter]) throw new UsageError(err.message.replace(`'${err.parameter}'`, FLAG_OF[err.parameter]!));
    throw err;
  }
}

/** Creates the output folder, or an OutputError naming it (a file in the way, no permission). */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new OutputError(dir, `cannot create the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function encodePng(image: RgbaImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data.set(image.data);
  return new Uint8Array(PNG.sync.write(png));
}
