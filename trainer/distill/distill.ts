/**
 * One stage of progressive distillation (Salimans & Ho 2022) with classifier-free guidance distilled in (Meng et al.
 * 2023), on the run scaffold (trainer/run/training-run.ts: folder, resume, checkpoints, metrics, Ctrl-C/kill).
 *
 * The teacher is a shipped model folder: the original class-conditional U-Net (its guided prediction
 * v_u + w·(v_c − v_u) inside its manifest's guidance interval, v_c outside, two rows per image) or the previous
 * stage's student (which takes w as an input). The student starts as the teacher (its weights read back from the
 * teacher's model.onnx, trainer/export/load-onnx-weights.ts) plus a guidance-scale embedding whose last layer is zero,
 * and learns to take in one DDIM step what the teacher takes in two (progressive-target.ts), for w drawn uniformly from
 * the guidance range and for the null class (no guidance) at rate `nullRate`. Export: the student's model folder with
 * sampling.supportedSteps [N], sampling.guidanceRange, schedule.timestepSpacing 'trailing' and its lineage.
 */
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Manifest, ManifestDistillation } from '../../sdk/manifest/types.js';
import { DDIMScheduler } from '../../sdk/schedulers/ddim.js';
import { schedulerConfigOf } from '../../sdk/schedulers/manifest-schedule.js';
import { batchIterator, splitDataset } from '../data/dataset.js';
import { openDataset } from '../data/open-dataset.js';
import { GaussianDiffusion } from '../diffusion/gaussian-diffusion.js';
import { exportUNet, type ExportResult } from '../diffusion/export-unet.js';
import { exportLatentDiffusion } from '../latent/export-latent-diffusion.js';
import { UsageError } from '../errors/usage-error.js';
import { loadOnnxWeights } from '../export/load-onnx-weights.js';
import { verifyModelFolder } from '../export/model-folder.js';
import { UNet, UNET_PRESETS, type UNetConfig } from '../models/unet.js';
import { AdamW } from '../optim/adamw.js';
import { Ema } from '../optim/ema.js';
import { stepRng } from '../run/step-rng.js';
import { TrainingRun, type RunConfig, type RunIo } from '../run/training-run.js';
import { clipByGlobalNorm, disposeAll } from '../train/gradients.js';
import { learningRate } from '../train/lr-schedule.js';
import type { ResumePolicy } from '../train/resume-config.js';
import { alphaSigma, ddimStep, distillGrid, predictX0, studentVTarget } from './progressive-target.js';
import { classCondition, textCondition, type DistillCondition, type RowConditions } from './distill-condition.js';
import { FrozenAutoencoder } from '../latent/frozen-autoencoder.js';
import { FrozenTextEncoder } from '../latent/frozen-text-encoder.js';
import { encodeLatentDataset } from '../latent/latent-dataset.js';

export interface DistillConfig extends RunConfig {
  /** The teacher's model folder. */
  teacher: string;
  /** The student's DDIM steps N (the teacher runs 2N); a power of two. */
  studentSteps: number;
  batchSize: number;
  lr: number;
  warmupSteps: number;
  gradClip: number;
  emaDecay: number;
  /** Guidance scales w ~ U[guidanceMin, guidanceMax] the student learns. */
  guidanceMin: number;
  guidanceMax: number;
  /** Share of rows drawn as the null class (the unconditional model, no guidance). */
  nullRate: number;
  /** The student's default guidance in its manifest. */
  defaultGuidance: number;
  fp16: boolean;
}

export const DISTILL_DEFAULTS: DistillConfig = {
  teacher: 'models/mnist-ddim',
  studentSteps: 4,
  batchSize: 32,
  lr: 2e-4,
  warmupSteps: 20,
  gradClip: 1,
  emaDecay: 0.995,
  guidanceMin: 1,
  guidanceMax: 3,
  nullRate: 0.1,
  defaultGuidance: 1.5,
  fp16: true,
  out: '',
  export: '',
  resume: false,
  backend: 'auto',
  threads: 2,
  steps: 300,
  seed: 0,
  logEvery: 10,
  sampleEvery: 0,
  checkpointEvery: 25,
};

const POLICY: ResumePolicy<DistillConfig> = {
  fixed: ['teacher', 'studentSteps', 'seed', 'guidanceMin', 'guidanceMax'],
  fromCommandLine: ['steps', 'export', 'fp16', 'resume', 'backend', 'threads', 'out'],
};

export interface DistillResult {
  step: number;
  finalLoss: number;
  wallTimeSeconds: number;
  stopped: boolean;
  exported?: ExportResult & { dir: string };
}

/** A model folder's manifest and the U-Net config its weights were exported from. */
async function openTeacher(dir: string, label: string): Promise<{ manifest: Manifest; config: UNetConfig; file: string }> {
  // The folder as the evals read it: manifest validated, every file's sha256 checked.
  const manifest = await verifyModelFolder(dir);
  const unet = manifest.files.unet;
  const latent = manifest.kind === 'latent-diffusion';
  if ((manifest.kind !== 'diffusion-unet' && !latent) || !unet) throw new UsageError(`--teacher ${label} is a ${manifest.kind}, not a diffusion U-Net or a latent diffusion model`);
  if (manifest.conditioning?.tokenizer && !latent) throw new UsageError(`--teacher ${label} is a pixel text-to-image model; distillation takes class-conditional teachers and latent text-to-image ones (on a frozen CLIP)`);
  if (latent && !manifest.conditioning?.tokenizer) throw new UsageError(`--teacher ${label} is an unconditional latent model; guidance distillation needs prompts`);
  if (manifest.schedule!.predictionType !== 'v') throw new UsageError(`--teacher ${label} predicts ${manifest.schedule!.predictionType}; distillation needs a v-prediction teacher`);
  const preset = UNET_PRESETS[manifest.training.config.model as keyof typeof UNET_PRESETS];
  if (!preset) throw new UsageError(`--teacher ${label}: training.config.model '${String(manifest.training.config.model)}' is not a U-Net preset this trainer knows`);
  const classes = manifest.conditioning?.classes;
  // A latent model's U-Net works on the latent [C, H, W] and attends to the text states [L, D].
  const shape = manifest.latentDiffusion?.latentShape;
  const contextDim = unet.inputs.find((s) => s.name === 'encoder_hidden_states')?.shape[2];
  const config: UNetConfig = {
    ...preset,
    imageSize: shape ? shape[1]! : manifest.image.width,
    inChannels: shape ? shape[0]! : manifest.image.channels,
    ...(classes && { numClasses: classes.length }),
    ...(typeof contextDim === 'number' && { contextDim }),
    ...(unet.inputs.some((s) => s.name === 'guidance_scale') && { guidanceInput: true }),
  };
  return { manifest, config, file: join(dir, unet.path) };
}

export async function distill(cfg: DistillConfig, io: RunIo<DistillConfig>): Promise<DistillResult> {
  const { progress } = io;
  const run = await TrainingRun.open({ ...io, recipe: 'distill', family: 'distillation', cfg, policy: POLICY, defaults: DISTILL_DEFAULTS });
  cfg = run.cfg;
  if (!(cfg.guidanceMin >= 0 && cfg.guidanceMin <= cfg.guidanceMax)) throw new UsageError(`--guidance-range must be LO,HI with 0 ≤ LO ≤ HI, got ${cfg.guidanceMin},${cfg.guidanceMax}`);
  const teacherDir = resolve(cfg.teacher);
  const t = await openTeacher(teacherDir, cfg.teacher);
  const tm = t.manifest;
  const betaSchedule = tm.schedule!.kind;
  // The trainer's diffusion process has the schedules webgen trains with; scaled_linear comes only from `webgen import`.
  if (betaSchedule === 'scaled_linear') throw new UsageError(`--teacher ${cfg.teacher} has a scaled_linear schedule (an imported model); distillation trains linear or cosine teachers only`);
  const T = tm.schedule!.trainSteps;
  const grid = distillGrid(cfg.studentSteps, T);
  const K = t.config.numClasses;
  const latent = tm.kind === 'latent-diffusion';
  if (K === undefined && !latent) throw new UsageError(`--teacher ${cfg.teacher} is unconditional; guidance distillation needs a class-conditional teacher`);
  const lineage = tm.distillation;
  const interval = lineage?.teacherGuidanceInterval ?? tm.sampling?.guidanceInterval ?? [0, 1];

  // --- data: the teacher's own training images (a latent teacher's: encoded by its autoencoder), and the conditions
  const tc = tm.training.config as { data?: string; holdOut?: number; seed?: number; autoencoder?: string; textModel?: string };
  const source = await openDataset(tc.data ?? 'mnist', { seed: tc.seed ?? 0 });
  const pixels = (tc.holdOut ?? 0) > 0 ? splitDataset(source, tc.holdOut!, tc.seed ?? 0).train : source;
  let data = pixels;
  let condition: DistillCondition;
  // A latent teacher's frozen parts: its autoencoder and CLIP, as its training named them (the export copies them).
  let frozen: { ae: FrozenAutoencoder; text: FrozenTextEncoder; nullContext: Float32Array } | undefined;
  if (latent) {
    if (!tc.autoencoder || !tc.textModel) throw new UsageError(`--teacher ${cfg.teacher}: its training.config names no autoencoder and text model to encode the data with`);
    const ae = await FrozenAutoencoder.open(tc.autoencoder, `--teacher ${cfg.teacher}'s training.config.autoencoder`);
    data = await encodeLatentDataset(pixels, ae);
    const text = await FrozenTextEncoder.open(tc.textModel, `--teacher ${cfg.teacher}'s training.config.textModel`);
    const contexts = await text.encode(Array.from({ length: data.size }, (_, i) => data.get(i).caption ?? ''));
    const nullContext = await text.encode(['']);
    condition = textCondition(contexts, nullContext, text.length, text.dim);
    frozen = { ae, text, nullContext };
  } else condition = classCondition(K!);
  progress.log(`teacher: ${cfg.teacher} (${lineage ? `a ${tm.sampling?.supportedSteps?.join('/')}-step student` : tm.name}), ${grid.teacher.length} DDIM steps; student: ${cfg.studentSteps} steps [${[...grid.student].join(', ')}]; guidance ${cfg.guidanceMin}…${cfg.guidanceMax}${lineage ? '' : ` on t ≥ ${interval[0]}·T`}; data ${data.name}, ${data.size} images`);

  // --- models: the teacher as shipped, the student as the teacher plus a zero guidance embedding
  const teacher = new UNet(t.config, 0);
  await loadOnnxWeights(teacher, t.file);
  const student = new UNet({ ...t.config, guidanceInput: true }, cfg.seed);
  const fresh = await loadOnnxWeights(student, t.file, { allowMissing: (p) => p.startsWith('guidance_') });
  if (!run.checkpoint) progress.log(`student: ${student.parameterCount().toLocaleString('en-US')} parameters from the teacher${fresh.length ? ` (+ ${fresh.join(', ')})` : ''}`);
  const params = student.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map(varList.map((v, i) => [v.name, [...params.keys()][i]!]));
  const adam = new AdamW(params, { weightDecay: 0 });
  const ema = new Ema(params, cfg.emaDecay);
  const groups = { params, ema: ema.shadow, 'adam.m': adam.m, 'adam.v': adam.v };
  run.restore(groups);
  const saved = run.savedState<{ adamT: number; emaUpdates: number }>();
  if (saved) {
    adam.t = saved.adamT;
    ema.updates = saved.emaUpdates;
  }
  const schedulerConfig = schedulerConfigOf(tm.schedule!);
  const alphas = new DDIMScheduler(schedulerConfig).alphasCumprod;
  const { imageSize: S, inChannels: C } = t.config;
  const per = S * S * C;
  const clipSample = tm.schedule!.clipSample ?? true;

  /** The teacher's v for rows (z, t, condition, w), guided as its manifest samples. */
  const teacherV = (z: Float32Array, ts: Float32Array, rows: RowConditions, w: Float32Array): Float32Array => {
    const B = ts.length;
    if (t.config.guidanceInput) {
      return tf.tidy(() => teacher.apply(tf.tensor4d(z, [B, S, S, C]), tf.tensor1d(ts), { ...condition.inputs(rows), guidanceScale: tf.tensor1d(w) }).dataSync() as Float32Array);
    }
    const both = tf.tidy(() => {
      const zz = tf.tensor4d(z, [B, S, S, C]);
      const x = tf.concat([zz, zz]) as tf.Tensor4D;
      const c = condition.inputs(rows);
      const u = condition.nullInputs(B);
      const cond = c.classLabels ? { classLabels: tf.concat([c.classLabels, u.classLabels!]) as tf.Tensor1D } : { context: tf.concat([c.context!, u.context!]) as tf.Tensor3D };
      return teacher.apply(x, tf.concat([tf.tensor1d(ts), tf.tensor1d(ts)]) as tf.Tensor1D, cond).dataSync() as Float32Array;
    });
    const out = new Float32Array(B * per);
    for (let r = 0; r < B; r++) {
      const guided = !rows.isNull[r] && w[r] !== 1 && ts[r]! >= interval[0] * T && ts[r]! <= interval[1] * T;
      for (let j = r * per; j < (r + 1) * per; j++) {
        const c = both[j]!;
        out[j] = guided ? both[B * per + j]! + w[r]! * (c - both[B * per + j]!) : c;
      }
    }
    return out;
  };

  /** Step `step`'s rows: z_t, t, labels, w, and the student's v target from two teacher DDIM steps. */
  const makeBatch = (step: number) => {
    const rng = stepRng(cfg.seed, step);
    const batch = batchIterator(data, cfg.batchSize, cfg.seed, step).next();
    const B = batch.images.length / per;
    const idx = Int32Array.from({ length: B }, () => rng.int(cfg.studentSteps));
    const triples = [...idx].map((i) => grid.triple(i));
    const rows = condition.draw(batch, rng, cfg.nullRate);
    const w = Float32Array.from({ length: B }, () => cfg.guidanceMin + (cfg.guidanceMax - cfg.guidanceMin) * rng.uniform());
    const eps = rng.normalArray(batch.images.length);
    const a0 = triples.map(([t0]) => alphaSigma(alphas, t0));
    const a1 = triples.map(([, t1]) => alphaSigma(alphas, t1));
    const a2 = triples.map(([, , t2]) => alphaSigma(alphas, t2));
    const z = new Float32Array(batch.images.length);
    for (let i = 0; i < z.length; i++) {
      const [a, s] = a0[Math.floor(i / per)]!;
      z[i] = a * batch.images[i]! + s * eps[i]!;
    }
    const t0 = Float32Array.from(triples, ([x]) => x);
    const x1 = predictX0(z, teacherV(z, t0, rows, w), a0, per, clipSample);
    const z1 = ddimStep(z, x1, a0, a1, per);
    const x2 = predictX0(z1, teacherV(z1, Float32Array.from(triples, ([, x]) => x), rows, w), a1, per, clipSample);
    const z2 = ddimStep(z1, x2, a1, a2, per);
    return { z, t0, rows, w, target: studentVTarget(z, z2, a0, a2, per), B };
  };
  const lossOf = (b: ReturnType<typeof makeBatch>) => () =>
    student
      .apply(tf.tensor4d(b.z, [b.B, S, S, C]), tf.tensor1d(b.t0), { ...condition.inputs(b.rows), guidanceScale: tf.tensor1d(b.w) })
      .sub(tf.tensor4d(b.target, [b.B, S, S, C]))
      .square()
      .mean() as tf.Scalar;

  const result = await run.loop({
    groups,
    state: () => ({ adamT: adam.t, emaUpdates: ema.updates }),
    watches: { loss: { factor: 1e3, warmup: 1, decay: 0.9, floor: 1e-2 } },
    advice: `a lower --lr (now ${cfg.lr})`,
    step: (step) => {
      const b = makeBatch(step);
      const { value, grads: g } = tf.variableGrads(lossOf(b), varList);
      const loss = value.dataSync()[0]!;
      value.dispose();
      const grads = new Map([...Object.entries(g)].map(([name, grad]) => [pathOf.get(name)!, grad]));
      const metrics: Record<string, number> = { lr: learningRate(step, cfg) };
      return {
        losses: { loss },
        metrics,
        apply: () => {
          metrics.gradNorm = clipByGlobalNorm(grads, cfg.gradClip);
          adam.step(grads, learningRate(step, cfg));
          disposeAll(grads);
          ema.update();
        },
        discard: () => disposeAll(grads),
      };
    },
    measure: (step) => ({ loss: tf.tidy(() => lossOf(makeBatch(step))().dataSync()[0]!) }),
  });
  const loss = result.losses.loss!;
  if (result.stopped || !cfg.export) return { step: result.step, finalLoss: loss, wallTimeSeconds: run.elapsed(), stopped: result.stopped };

  // --- export (EMA weights) with the lineage
  const dir = resolve(cfg.export);
  const stage = { studentSteps: cfg.studentSteps, steps: result.step, wallTimeSeconds: Math.round(run.elapsed()), finalLoss: loss };
  const distillation: ManifestDistillation = lineage
    ? { ...lineage, stages: [...lineage.stages, stage] }
    : { method: 'progressive', teacher: tm.name, teacherSteps: grid.teacher.length, teacherGuidanceInterval: [interval[0], interval[1]], stages: [stage] };
  const sampling = { steps: cfg.studentSteps, supportedSteps: [cfg.studentSteps], guidanceScale: cfg.defaultGuidance, guidanceRange: [cfg.guidanceMin, cfg.guidanceMax] as [number, number] };
  const training = {
    recipe: 'distill',
    data: tm.training.data,
    steps: distillation.stages.reduce((n, s) => n + s.steps, 0),
    wallTimeSeconds: distillation.stages.reduce((n, s) => n + s.wallTimeSeconds, 0),
    parameters: student.parameterCount(),
    config: { ...tm.training.config, ...cfg, model: tm.training.config.model, teacher: basename(teacherDir), out: '…', export: basename(dir) } as unknown as Record<string, unknown>,
  };
  const common = { dir, name: basename(dir), fp16: cfg.fp16, timestepSpacing: 'trailing' as const, sampling, distillation, training, metrics: { finalLoss: loss } };
  const done = frozen
    ? await ema.withAveragedWeights(() =>
        exportLatentDiffusion({
          ...common,
          diffusion: new GaussianDiffusion(student, { frozenContext: { length: frozen!.text.length, dim: frozen!.text.dim, nullContext: frozen!.nullContext }, condDropout: 0, trainTimesteps: T, betaSchedule, prediction: 'v', clipSample: false }),
          autoencoder: frozen!.ae,
          textEncoder: frozen!.text,
          previewMap: tm.latentDiffusion!.previewMap,
        }),
      )
    : await ema.withAveragedWeights(() =>
        exportUNet({
          ...common,
          diffusion: new GaussianDiffusion(student, { numClasses: K, condDropout: 0, trainTimesteps: T, betaSchedule, prediction: 'v' }),
          ...(tm.conditioning?.classes && { classNames: tm.conditioning.classes }),
        }),
      );
  progress.log(`exported ${join(dir, 'model.onnx')}: parity max abs error ${done.maxAbsError.toExponential(2)}; onnx.checker ${done.checker}`);
  return { step: result.step, finalLoss: loss, wallTimeSeconds: run.elapsed(), stopped: false, exported: { ...done, dir } };
}
