import { UsageError } from '../errors/usage-error.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeImageGrid } from '../image/image-grid.js';
import { judgeSamples } from '../classifier/judge.js';
import { etaListFlag, intervalFlag, intFlag, listFlag, numberFlag } from './flags.js';
import { nchwToNhwc } from '../../sdk/image/pixels.js';
import { DiffusionSampler } from './diffusion-sampler.js';
import { parseFlags } from '../cli/config-flags.js';
import { samplerTable } from './steps-eta-table.js';
import { rowName, samplerSettings, settingLabel, type SamplerSetting } from './sampler-settings.js';

export const EVAL_CLASSES_HELP = `webgen-train eval-classes --model DIR --classifier DIR [options]

Samples a class-conditional diffusion model folder through the SDK's Node entry (the engine apps run),
and lets a classifier judge the images:
  guided accuracy   share of images drawn for class k (with guidance) that the classifier calls k
  coverage          classes the classifier finds among unconditional samples, and the rarest share
One row per sampler setting, in the layout of the DDIM paper's Table 1 (steps across, eta down).

  --model DIR        diffusion model folder (manifest.json + model.onnx)
  --classifier DIR   classifier folder (webgen-train classifier …)
  --samples N        images per row for each of guided and unconditional (default 1000)
  --steps LIST       DDIM steps, comma-separated (default 10,20,50)
  --eta LIST         DDIM eta values, comma-separated (default 0)
  --dpm-solver LIST  DPM-Solver++(2M) steps, comma-separated (default none)
  --ddpm             add a DDPM row with 1000 ancestral steps (slow)
  --guidance S       classifier-free guidance scale for the guided samples (default 2)
  --guidance-interval LO,HI
                     guide only the steps with LO*T <= t <= HI*T (default 0,1: every step)
  --batch N          images per model call (default 100)
  --seed N           seed of the noise (default 0)
  --json FILE        write the table as JSON
  --grid FILE        write a PNG grid of guided samples (one row per class) from the first setting`;

interface Row extends SamplerSetting {
  guidedAccuracy: number;
  perClassAccuracy: number[];
  unconditionalHistogram: number[];
  classesCovered: number;
  rarestClassShare: number;
  secondsPerImage: number;
}

export async function evalClassesCommand(argv: string[]): Promise<number> {
  const { values } = parseArgsStrict(argv);
  if (values.help) {
    console.log(EVAL_CLASSES_HELP);
    return 0;
  }
  if (!values.model || !values.classifier) throw new UsageError('eval-classes needs --model DIR and --classifier DIR (see --help)');
  const samples = intFlag('samples', values.samples ?? '1000');
  const batch = intFlag('batch', values.batch ?? '100');
  const seed = intFlag('seed', values.seed ?? '0', 0);
  const guidance = numberFlag('guidance', values.guidance ?? '2');
  const guidanceInterval = values['guidance-interval'] === undefined ? undefined : intervalFlag('guidance-interval', values['guidance-interval']);
  const stepsList = listFlag('steps', values.steps ?? '10,20,50');
  const etaList = etaListFlag(values.eta ?? '0');

  const model = await DiffusionSampler.load(values.model);
  const K = model.numClasses;
  if (K === undefined) throw new UsageError(`${values.model} is unconditional: eval-classes needs a class-conditional model`);
  const { width: W, height: H, channels: C } = model.manifest.image;
  const dpmList = values['dpm-solver'] === undefined ? [] : listFlag('dpm-solver', values['dpm-solver']);
  const settings = samplerSettings({ steps: stepsList, etas: etaList, dpmSolver: dpmList, ddpm: values.ddpm === true, trainSteps: model.manifest.schedule!.trainSteps });

  const rows: Row[] = [];
  for (const [si, s] of settings.entries()) {
    const t0 = performance.now();
    // Guided: classes 0…K−1 in turn; unconditional: the null class.
    const wanted = Int32Array.from({ length: samples }, (_, i) => i % K);
    const guided = await drawAll(model, { ...s, n: samples, labels: wanted, guidanceScale: guidance, ...(guidanceInterval && { guidanceInterval }), seed, batch });
    const uncond = await drawAll(model, { ...s, n: samples, seed: seed + 1, batch });
    const seconds = (performance.now() - t0) / 1000;
    const g = await judgeSamples(values.classifier, nchwToNhwc(guided, samples, C, H, W), wanted);
    const u = await judgeSamples(values.classifier, nchwToNhwc(uncond, samples, C, H, W));
    const perClass = Array.from({ length: K }, (_, k) => {
      let hit = 0;
      let total = 0;
      for (let i = 0; i < samples; i++) if (wanted[i] === k) {
        total++;
        if (g.predicted[i] === k) hit++;
      }
      return total ? hit / total : 0;
    });
    const row: Row = {
      ...s,
      guidedAccuracy: g.accuracy!,
      perClassAccuracy: perClass,
      unconditionalHistogram: u.histogram,
      classesCovered: u.histogram.filter((c) => c > 0).length,
      rarestClassShare: Math.min(...u.histogram) / samples,
      secondsPerImage: seconds / (2 * samples),
    };
    rows.push(row);
    console.log(
      `${settingLabel(s)}: guided accuracy ${(100 * row.guidedAccuracy).toFixed(1)}%, ` +
        `unconditional covers ${row.classesCovered}/${K} classes (rarest ${(100 * row.rarestClassShare).toFixed(1)}%), ` +
        `${(1000 * row.secondsPerImage).toFixed(1)} ms/image`,
    );
    if (si === 0 && values.grid) {
      const perRow = Math.min(10, Math.floor(samples / K));
      const pick = new Float32Array(K * perRow * C * H * W);
      const per = C * H * W;
      const nhwc = nchwToNhwc(guided, samples, C, H, W);
      for (let k = 0; k < K; k++) for (let j = 0; j < perRow; j++) pick.set(nhwc.subarray((j * K + k) * per, (j * K + k + 1) * per), (k * perRow + j) * per);
      await writeImageGrid(values.grid, pick, [K * perRow, H, W, C], { cols: perRow, scale: 2 });
    }
  }
  await model.release();
  console.log(`\n${formatTable(rows)}`);
  if (values.json) await writeFileAtomic(values.json, `${JSON.stringify({ model: values.model, classifier: values.classifier, samples, guidance, guidanceInterval: guidanceInterval ?? [0, 1], seed, rows }, null, 2)}\n`);
  return 0;
}

async function drawAll(
  model: DiffusionSampler,
  o: {
    sampler: SamplerSetting['sampler'];
    steps: number;
    eta: number;
    n: number;
    labels?: Int32Array;
    guidanceScale?: number;
    guidanceInterval?: [number, number];
    seed: number;
    batch: number;
  },
): Promise<Float32Array> {
  const { width: W, height: H, channels: C } = model.manifest.image;
  const per = C * H * W;
  const out = new Float32Array(o.n * per);
  for (let start = 0; start < o.n; start += o.batch) {
    const n = Math.min(o.batch, o.n - start);
    const x = await model.sample({
      n,
      steps: o.steps,
      sampler: o.sampler,
      ...(o.sampler === 'ddim' && { eta: o.eta }),
      ...(o.labels && { labels: o.labels.subarray(start, start + n), guidanceScale: o.guidanceScale ?? 1 }),
      ...(o.guidanceInterval && { guidanceInterval: o.guidanceInterval }),
      seed: o.seed * 100_003 + start,
    });
    out.set(x, start * per);
  }
  return out;
}

/** Guided accuracy in the DDIM paper's Table 1 layout: η rows, steps columns (+ DPM-Solver++ and DDPM rows). */
function formatTable(rows: Row[]): string {
  const cell = (r: Row) => `${(100 * r.guidedAccuracy).toFixed(1)}% / ${r.classesCovered}`;
  // DDPM runs all the training steps: a line of its own below, not a column of the table
  const lines = samplerTable('guided accuracy / classes covered', rows.filter((r) => r.sampler !== 'ddpm'), rowName, cell);
  for (const r of rows.filter((q) => q.sampler === 'ddpm')) lines.push(`DDPM ${r.steps} steps: ${cell(r)}`);
  return lines.join('\n');
}

function parseArgsStrict(argv: string[]) {
  return parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    classifier: { type: 'string' },
    samples: { type: 'string' },
    steps: { type: 'string' },
    eta: { type: 'string' },
    ddpm: { type: 'boolean' },
    'dpm-solver': { type: 'string' },
    guidance: { type: 'string' },
    'guidance-interval': { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    grid: { type: 'string' },
  }, 'See webgen-train eval-classes --help.', { positionals: false });
}
