/**
 * `webgen eval fid --model DIR`: samples a diffusion model folder through the SDK's Node entry (the engine apps run) and its
 * samplers at each (steps, η) and scores the samples' FID (and KID) against reference statistics of the
 * real data — the DDIM paper's Table 1 (Song et al. 2021: FID vs dim(τ), one row per η) for our models.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_KID_SAMPLES } from '../../sdk/fid/kid-limits.js';
import { FidScorer } from '../../sdk/fid/scorer.js';
import { decodeStats } from '../../sdk/fid/stats-file.js';
import { readFile } from 'node:fs/promises';
import { DataError } from '../errors/data-error.js';
import { UsageError } from '../errors/usage-error.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeLineChart } from './fid-chart.js';
import { etaListFlag, intFlag, listFlag, numberFlag } from './flags.js';
import { loadExtractor } from './fid-inputs.js';
import { DiffusionSampler } from './diffusion-sampler.js';
import { parseFlags } from '../cli/config-flags.js';
import { samplerTable } from './steps-eta-table.js';
import { rowName, samplerSettings, settingLabel, type SamplerSetting } from './sampler-settings.js';

export const EVAL_FID_HELP = `webgen eval fid --model DIR [options]

Samples a diffusion model folder (the SDK's Node entry) with DDIM at every --steps × --eta setting
and with DPM-Solver++(2M) at every --dpm-solver step count, and prints FID (and KID) against
reference statistics of real images, in the layout of the DDIM paper's Table 1 (steps across, eta
down, a DPM-Solver++ row below). Class-conditional models draw labels 0…K−1 in turn.

  --model DIR          diffusion model folder (manifest.json + model.onnx)
  --extractor DIR      feature extractor (default models/mnist-classifier)
  --reference FILE     statistics of the real images (default <extractor>/reference-stats.fidstats;
                       make your own with: webgen fid --save-stats data:SPEC OUT --extractor DIR)
  --samples N          images per setting (default 1000, at most ${MAX_KID_SAMPLES.toLocaleString('en-US')}: KID keeps them all)
  --steps LIST         DDIM steps, comma-separated (default 10,20,50,100)
  --eta LIST           DDIM eta values, comma-separated (default 0,1)
  --dpm-solver LIST    DPM-Solver++(2M) steps, comma-separated (default none)
  --guidance S         classifier-free guidance scale of conditional models (default 1: none)
  --kid                also KID (clean-fid defaults: 100 subsets of up to 1000)
  --is                 also the Inception Score of the same samples, with the extractor's class logits (10 splits;
                       the real data's: webgen fid --is data:mnist --extractor DIR)
  --batch N            images per model call (default 100)
  --seed N             seed of the noise (default 0)
  --json FILE          write the table as JSON
  --chart FILE         write FID vs steps as a PNG chart (one line per eta)
  --markdown FILE      write the table as Markdown (for a model card)`;

interface Row extends SamplerSetting {
  fid: number;
  kid?: number;
  kidStd?: number;
  is?: number;
  isStd?: number;
  samples: number;
  secondsPerImage: number;
}

export async function evalFidCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv);
  if (values.help) {
    console.log(EVAL_FID_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('eval fid needs --model DIR (see webgen eval fid --help)');
  const samples = intFlag('samples', values.samples ?? '1000', 2, MAX_KID_SAMPLES);
  const batch = intFlag('batch', values.batch ?? '100');
  const seed = intFlag('seed', values.seed ?? '0', 0);
  const stepsList = listFlag('steps', values.steps ?? '10,20,50,100');
  const etaList = etaListFlag(values.eta ?? '0,1');
  const dpmList = values['dpm-solver'] === undefined ? [] : listFlag('dpm-solver', values['dpm-solver']);
  const guidance = numberFlag('guidance', values.guidance ?? '1');
  const extractorDir = values.extractor ?? 'models/mnist-classifier';
  const referencePath = values.reference ?? join(extractorDir, 'reference-stats.fidstats');
  if (!existsSync(referencePath)) {
    throw new DataError(referencePath, `no reference statistics; make them with: webgen fid --save-stats data:mnist ${referencePath} --extractor ${extractorDir}`);
  }
  const reference = decodeStats(await readFile(referencePath), referencePath);

  const model = await DiffusionSampler.load(values.model);
  const ext = await loadExtractor({ path: extractorDir, ...(values.is && { logitsName: 'logits' }) });
  const { width: W, height: H, channels: C } = model.manifest.image;
  const [eC, eH, eW] = ext.inputShape;
  if (C !== eC || H !== eH || W !== eW) {
    throw new UsageError(`--model makes ${C}x${H}x${W} images (CxHxW) but --extractor ${extractorDir} takes ${eC}x${eH}x${eW}; pick an extractor trained on this model's data`);
  }
  const trainSteps = model.manifest.schedule?.trainSteps ?? 1000;
  if (trainSteps < Math.max(...stepsList, ...dpmList)) {
    throw new UsageError(`--steps / --dpm-solver ${Math.max(...stepsList, ...dpmList)} exceeds the model's ${trainSteps} training timesteps`);
  }
  const settings = samplerSettings({ steps: stepsList, etas: etaList, dpmSolver: dpmList, trainSteps });
  const K = model.numClasses;
  console.log(`model ${values.model} (${K ? `${K} classes, labels drawn in turn` : 'unconditional'}), extractor ${ext.extractor.name}, reference ${referencePath} (${reference.count} images)`);
  const rows: Row[] = [];
  try {
    for (const setting of settings) {
      {
        const { sampler, steps, eta } = setting;
        const scorer = await FidScorer.create({ extractor: ext.extractor, reference, kidSamples: values.kid ? samples : 0, seed });
        const t0 = performance.now();
        for (let start = 0; start < samples; start += batch) {
          const n = Math.min(batch, samples - start);
          const labels = K ? Int32Array.from({ length: n }, (_, i) => (start + i) % K) : undefined;
          const x = await model.sample({ n, steps, sampler, eta, seed: seed * 100_003 + start, ...(labels && { labels, guidanceScale: guidance }) });
          // what a PNG of the sample would hold: values clipped to [-1, 1]
          for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(-1, x[i]!));
          await scorer.addFake({ data: x, shape: [n, C, H, W] });
        }
        const seconds = (performance.now() - t0) / 1000;
        const f = await scorer.fid();
        const k = values.kid ? await scorer.kid({ seed }) : undefined;
        const is = values.is ? scorer.inceptionScore('fake') : undefined;
        const row: Row = { ...setting, fid: f.fid, ...(k && { kid: k.kid, kidStd: k.std }), ...(is && { is: is.mean, isStd: is.std }), samples, secondsPerImage: seconds / samples };
        rows.push(row);
        console.log(`${settingLabel(setting)}: FID ${f.fid.toFixed(3)}${k ? `, KID ${k.kid.toPrecision(4)} ± ${k.std.toPrecision(2)}` : ''}${is ? `, IS ${is.mean.toFixed(3)} ± ${is.std.toFixed(3)}` : ''} (${samples} samples, ${(1000 * row.secondsPerImage).toFixed(1)} ms/image)${f.note ? `; ${f.note}` : ''}`);
      }
    }
  } finally {
    await model.release();
    await ext.release();
  }
  console.log(`\n${formatTable(rows, !!values.kid, !!values.is)}`);
  if (values.json) {
    await writeFileAtomic(values.json, `${JSON.stringify({ model: values.model, extractor: ext.extractor.name, reference: referencePath, referenceCount: reference.count, samples, guidance, seed, rows }, null, 2)}\n`);
  }
  if (values.markdown) {
    const steps = [...new Set(rows.map((r) => r.steps))].sort((a, b) => a - b);
    const names = [...new Set(rows.map(rowName))];
    // DDIM alone keeps the DDIM paper's header (η rows); with other samplers each row says its sampler
    const ddimOnly = rows.every((r) => r.sampler === 'ddim');
    const head = `| ${ddimOnly ? 'η \\ DDIM steps' : 'sampler \\ steps'} | ${steps.join(' | ')} |\n| --- |${steps.map(() => ' ---: |').join('')}\n`;
    const body = names
      .map((name) => `| ${name === 'DPM-Solver++' || name === 'DDPM' || ddimOnly ? name : `DDIM η ${name}`} | ${steps.map((st) => {
        const r = rows.find((q) => rowName(q) === name && q.steps === st);
        return r ? `${r.fid.toFixed(2)}${r.kid !== undefined ? ` (KID ${r.kid.toPrecision(3)})` : ''}` : '-';
      }).join(' | ')} |`)
      .join('\n');
    // the command that made the table, without where its outputs went
    const shown = argv.filter((a, i) => !['--json', '--chart', '--markdown'].includes(a) && !['--json', '--chart', '--markdown'].includes(argv[i - 1] ?? ''));
    const caption = `FID${values.kid ? ' (KID)' : ''} of ${samples} samples per setting against ${reference.count} real images, features ${ext.extractor.name}; \`webgen eval fid ${shown.join(' ')}\``;
    await writeFileAtomic(values.markdown, `${caption}\n\n${head}${body}\n`);
  }
  if (values.chart) {
    const names = [...new Set(rows.map(rowName))];
    await writeLineChart(values.chart, names.map((name) => ({ label: name === 'DPM-Solver++' || name === 'DDPM' ? name : `eta=${name}`, points: rows.filter((r) => rowName(r) === name).map((r) => ({ x: r.steps, y: r.fid })) })), { title: 'FID', logX: true });
  }
  return 0;
}

/** DDIM Table 1 layout: η rows (and a DPM-Solver++ row), steps columns; FID, and KID below when measured. */
export function formatTable(rows: Row[], kid: boolean, is = false): string {
  const lines = samplerTable('FID', rows, rowName, (r) => r.fid.toFixed(2));
  if (kid) lines.push('', ...samplerTable('KID', rows, rowName, (r) => (r.kid ?? NaN).toPrecision(3)));
  if (is) lines.push('', ...samplerTable('IS', rows, rowName, (r) => `${(r.is ?? NaN).toFixed(2)} ± ${(r.isStd ?? NaN).toFixed(2)}`));
  return lines.join('\n');
}

function parse(argv: string[]) {
  return parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    extractor: { type: 'string' },
    reference: { type: 'string' },
    samples: { type: 'string' },
    steps: { type: 'string' },
    eta: { type: 'string' },
    'dpm-solver': { type: 'string' },
    guidance: { type: 'string' },
    kid: { type: 'boolean' },
    is: { type: 'boolean' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    chart: { type: 'string' },
    markdown: { type: 'string' },
  }, 'See webgen eval fid --help.', { positionals: false });
}
