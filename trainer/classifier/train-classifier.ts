/**
 * Training a judging classifier, top to bottom, on the run scaffold (trainer/run/training-run.ts: run folder,
 * checkpoints, resume, metrics, divergence, Ctrl-C): data, model, optimiser, the step, then held-out evaluation,
 * export with parity, and the same evaluation through the exported ONNX file.
 *
 * The classifiers judge generated samples (MNIST digits, shapes with colour) and their
 * penultimate layer is the feature space for FID/KID, so they are trained on exactly the images
 * the generators train on and tested on the images the generators never saw.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import type { BackendChoice } from '../backend/select-backend.js';
import { createProgress } from '../cli/progress.js';
import { batchIterator, subsetDataset } from '../data/dataset.js';
import { hashInts } from '../data/rng.js';
import { UsageError } from '../errors/usage-error.js';
import { validateManifest, type Manifest } from '../export/manifest.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { ResumePolicy } from '../train/resume-config.js';
import { TrainingRun, type RunConfig } from '../run/training-run.js';
import { compactNumber } from '../cli/compact-number.js';
import { ClassifierNet } from '../models/classifier-net.js';
import { AdamW } from '../optim/adamw.js';
import { learningRate } from '../train/lr-schedule.js';
import { randomShift } from './augment.js';
import { CLASSIFIER_DATA, openClassifierData, type ClassifierData } from './classifier-data.js';
import { evaluateClassifier } from './evaluate.js';
import { exportClassifier } from './export-classifier.js';
import { judgeSamples } from './judge.js';
import { shapeColourAccuracy } from './shapes-verdict.js';
import { pairAccuracy } from './pair-accuracy.js';
import { EMOJI_JUDGE_STYLES } from './emoji-judge-data.js';
import { SIZES } from '../data/shapes.js';

/** Options of {@link trainClassifier}. */
export interface TrainClassifierOptions {
  /** Which classifier: 'mnist' (digits), 'shapes' (colour + shape of one shape, 36 classes) or 'emoji' (subcategory + style, 198 classes). */
  data: ClassifierData;
  /** Held-out examples. Default 1000 (mnist: the mnist-small recipe's held-out digits). */
  holdOut?: number;
  /** Optimiser steps. Default 800 (emoji 3000); at least 1. */
  steps?: number;
  /** Images per step. Default 64. */
  batchSize?: number;
  /** AdamW peak learning rate (warm-up min(50, steps/10), cosine decay to 10%). Default 2e-3. */
  lr?: number;
  /** AdamW decoupled weight decay. Default 1e-4. */
  weightDecay?: number;
  /** Seed of weights, batch order and augmentation (not of the split, which stays 0). Default 0. */
  seed?: number;
  /** Largest random translation in pixels. Default 2 for mnist and emoji, 0 for shapes (positions are the data). */
  maxShift?: number;
  /** Model folder to write (model.onnx + manifest.json); none = do not export. */
  out?: string;
  /**
   * Run folder: checkpoint.wgck and metrics.jsonl (trainer/run/training-run.ts), so an interrupted run continues with
   * `resume`. Default: a temporary folder, removed at the end.
   */
  run?: string;
  /** Continue the run in `run` from its checkpoint (its config, with `explicit` laid over it). Default false. */
  resume?: boolean;
  /** The options given explicitly (a command line's flags): on resume they override the checkpoint's config. */
  explicit?: Partial<ClassifierRunConfig>;
  /** A checkpoint every this many steps (and at the end). Default 200. */
  checkpointEvery?: number;
  /** Set to true (e.g. on SIGINT) to stop after the current step with a checkpoint. */
  stopRequested?: () => boolean;
  /** Channel widths of the net. Default [32, 64, 32] (emoji [48, 96, 128]). */
  widths?: [number, number, number];
  /** Pooled grid side before the feature layer (see ClassifierNetConfig.poolGrid). Default 4 (a global pool, 1, learnt shapes far worse: 18.5% shape accuracy after 200 steps). */
  poolGrid?: number;
  /** Feature size. Default 128 (emoji 256). */
  featureDim?: number;
  /** MNIST folder. Default ../shared/data/mnist. */
  mnistDir?: string;
  /** Generated shapes images (train + held out). Default 20000. */
  shapesCount?: number;
  /** Use at most this many training examples (tests). Default all. */
  trainLimit?: number;
  /** tfjs backend. Default 'wasm'. */
  backend?: BackendChoice;
  /** wasm threads. Default 1. */
  threads?: number;
  /** Progress line every this many steps. Default 50. */
  logEvery?: number;
  /** Where progress lines go. Default console.log. */
  log?: (line: string) => void;
}

/** What a run measured and wrote. */
export interface TrainClassifierResult {
  /** Held-out accuracy of the tfjs model. */
  heldOutAccuracy: number;
  /** Held-out accuracy of the exported ONNX file in onnxruntime-node (when exported). */
  onnxHeldOutAccuracy?: number;
  /** [K] held-out accuracy per class. */
  perClassAccuracy: number[];
  classNames: string[];
  /** Stopped by stopRequested before `steps` (nothing evaluated or exported). */
  stopped?: boolean;
  /** Mean training loss over the first and the last logging window (of this process's steps). */
  firstLoss: number;
  finalLoss: number;
  steps: number;
  wallTimeSeconds: number;
  parameters: number;
  /** The manifest written, when `out` was given. */
  manifest?: Manifest;
  /** Max abs error of the ONNX parity check, when exported. */
  parityMaxAbsError?: number;
}

/** The classifier's config as the run scaffold keeps it in its checkpoint. */
export interface ClassifierRunConfig extends RunConfig {
  data: ClassifierData;
  holdOut: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  warmupSteps: number;
  maxShift: number;
  widths: [number, number, number];
  featureDim: number;
  poolGrid: number;
  trainLimit: number;
  mnistDir: string;
  shapesCount: number;
}

/** On resume the checkpoint fixes the data, its split, the net's shape and the seed; training settings may change. */
export const CLASSIFIER_RESUME_POLICY: ResumePolicy<ClassifierRunConfig> = {
  fixed: ['data', 'holdOut', 'seed', 'widths', 'featureDim', 'poolGrid', 'trainLimit', 'mnistDir', 'shapesCount'],
  fromCommandLine: ['steps', 'export', 'resume', 'backend', 'threads', 'out'],
};

export async function trainClassifier(opts: TrainClassifierOptions): Promise<TrainClassifierResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!CLASSIFIER_DATA.includes(opts.data)) {
    throw new UsageError(`unknown classifier data '${String(opts.data)}'; use one of ${CLASSIFIER_DATA.join(', ')}`);
  }
  const isMnist = opts.data === 'mnist';
  const isEmoji = opts.data === 'emoji';
  // The emoji judge tells 99 subcategories apart in two styles: a wider net than the digits' and shapes' judges.
  const netDefaults = isEmoji ? { widths: [48, 96, 128] as [number, number, number], featureDim: 256, steps: 3000 } : { widths: [32, 64, 32] as [number, number, number], featureDim: 128, steps: 800 };
  const steps = opts.steps ?? netDefaults.steps;
  const temporaryRun = opts.run === undefined ? await mkdtemp(join(tmpdir(), 'webgen-classifier-run-')) : undefined;
  const defaults: ClassifierRunConfig = {
    out: '', export: '', resume: false, backend: 'wasm', threads: 1, steps: netDefaults.steps, seed: 0, logEvery: 50, sampleEvery: 0, checkpointEvery: 200,
    data: opts.data, holdOut: 1000, batchSize: 64, lr: 2e-3, weightDecay: 1e-4, warmupSteps: 50, maxShift: isMnist || isEmoji ? 2 : 0,
    widths: netDefaults.widths, featureDim: netDefaults.featureDim, poolGrid: 4, trainLimit: 0, mnistDir: '', shapesCount: 20000,
  };
  let cfg: ClassifierRunConfig = {
    ...defaults,
    out: opts.run ?? temporaryRun!,
    export: opts.out ?? '',
    resume: opts.resume ?? false,
    backend: opts.backend ?? 'wasm',
    threads: opts.threads ?? 1,
    steps,
    seed: opts.seed ?? 0,
    logEvery: opts.logEvery ?? 50,
    checkpointEvery: opts.checkpointEvery ?? 200,
    holdOut: opts.holdOut ?? 1000,
    batchSize: opts.batchSize ?? 64,
    lr: opts.lr ?? 2e-3,
    weightDecay: opts.weightDecay ?? 1e-4,
    // 50 steps, or a tenth of a very short run (tests), so the learning rate is not still ramping at the end
    warmupSteps: Math.min(50, Math.floor(steps / 10)),
    maxShift: opts.maxShift ?? defaults.maxShift,
    widths: opts.widths ?? defaults.widths,
    featureDim: opts.featureDim ?? defaults.featureDim,
    poolGrid: opts.poolGrid ?? 4,
    trainLimit: opts.trainLimit ?? 0,
    mnistDir: opts.mnistDir ?? '',
    shapesCount: opts.shapesCount ?? 20000,
  };
  checkClassifierConfig(cfg);
  try {
    // 1. run folder, resume, backend (trainer/run/training-run.ts)
    const progress = createProgress({ lineEvery: cfg.logEvery, write: log });
    const run = await TrainingRun.open({
      progress,
      ...(opts.explicit && { explicit: opts.explicit }),
      ...(opts.stopRequested && { stopRequested: opts.stopRequested }),
      recipe: `classifier-${opts.data}`,
      family: 'classifier',
      cfg,
      policy: CLASSIFIER_RESUME_POLICY,
      defaults,
      validate: checkClassifierConfig,
    });
    cfg = run.cfg;
    return await trainOnRun(run, cfg, opts, log);
  } finally {
    if (temporaryRun) await rm(temporaryRun, { recursive: true, force: true });
  }
}

function checkClassifierConfig(cfg: ClassifierRunConfig): void {
  const positiveInt = (name: string, v: number, min = 1) => {
    if (!Number.isInteger(v) || v < min) throw new UsageError(`'${name}' must be an integer >= ${min}, got ${v}`);
  };
  positiveInt('steps', cfg.steps);
  positiveInt('batchSize', cfg.batchSize);
  positiveInt('seed', cfg.seed, 0);
  positiveInt('maxShift', cfg.maxShift, 0);
  positiveInt('trainLimit', cfg.trainLimit, 0);
  positiveInt('checkpointEvery', cfg.checkpointEvery);
  positiveInt('logEvery', cfg.logEvery);
  if (!(cfg.lr > 0 && cfg.lr < 1)) throw new UsageError(`'lr' must be in (0, 1), got ${cfg.lr}`);
}

async function trainOnRun(run: TrainingRun<ClassifierRunConfig>, cfg: ClassifierRunConfig, opts: TrainClassifierOptions, log: (line: string) => void): Promise<TrainClassifierResult> {
  const isMnist = cfg.data === 'mnist';
  // 2. data
  const split = await openClassifierData(cfg.data, {
    holdOut: cfg.holdOut,
    ...(cfg.mnistDir !== '' && { mnistDir: cfg.mnistDir }),
    shapesCount: cfg.shapesCount,
  });
  let train = split.train;
  if (cfg.trainLimit > 0) {
    const n = Math.min(train.size, cfg.trainLimit);
    train = subsetDataset(train, Int32Array.from({ length: n }, (_, i) => i), `${train.name}/first-${n}`);
  }
  const { heldOut, classNames } = split;
  const { width: S, channels: C } = train;
  if (train.width !== train.height) throw new UsageError(`classifier data must be square, got ${train.width}x${train.height}`);
  log(`data: ${split.description}${cfg.trainLimit > 0 ? ` (limited to ${train.size})` : ''}`);

  // 3. model and optimiser
  const net = new ClassifierNet(
    { imageSize: S, inChannels: C, numClasses: classNames.length, widths: cfg.widths, featureDim: cfg.featureDim, poolGrid: cfg.poolGrid },
    cfg.seed,
  );
  const params = net.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map([...params].map(([path, v]) => [v.name, path]));
  const optimizer = new AdamW(params, { weightDecay: cfg.weightDecay });
  run.restore({ params, 'adam.m': optimizer.m, 'adam.v': optimizer.v });
  const saved = run.savedState<{ adamT: number }>();
  if (saved) optimizer.t = saved.adamT;
  log(`model: classifier ${cfg.widths.join('/')} → ${cfg.featureDim} features → ${classNames.length} classes, ${net.parameterCount().toLocaleString('en-US')} parameters`);

  // 4. loop (the scaffold's). Batch `step` of the seeded stream with its own shifts: a resumed run draws the same ones.
  const K = classNames.length;
  const batchOf = (step: number) => {
    const batch = batchIterator(train, cfg.batchSize, cfg.seed, step).next();
    randomShift(batch.images, cfg.batchSize, S, S, C, cfg.maxShift, new Rng(hashInts(cfg.seed, step, 0xa96)));
    return batch;
  };
  const lossOf = (batch: { images: Float32Array; labels?: Int32Array }) => {
    const { logits } = net.apply(tf.tensor4d(batch.images, [cfg.batchSize, S, S, C]));
    const y = tf.oneHot(tf.tensor1d(batch.labels!, 'int32'), K);
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  };
  let window = 0;
  let windowSteps = 0;
  let firstLoss = NaN;
  let finalLoss = NaN;
  const result = await run.loop({
    groups: { params, 'adam.m': optimizer.m, 'adam.v': optimizer.v },
    state: () => ({ adamT: optimizer.t }),
    // NaN/±Infinity, or a cross-entropy 1000× its lowest running average (trainer/train/loss-watch.ts defaults).
    watches: { loss: {} },
    advice: `lower 'lr' (now ${compactNumber(cfg.lr)})`,
    step: (step) => {
      const batch = batchOf(step);
      const { value, grads } = tf.variableGrads(() => lossOf(batch), varList);
      const loss = value.dataSync()[0]!;
      value.dispose();
      const byPath = new Map(Object.entries(grads).map(([name, g]) => [pathOf.get(name)!, g]));
      const free = () => byPath.forEach((g) => g.dispose());
      return {
        losses: { loss },
        metrics: { lr: learningRate(step, cfg) },
        apply: () => {
          optimizer.step(byPath, learningRate(step, cfg));
          free();
          window += loss;
          windowSteps++;
          if ((step + 1) % cfg.logEvery === 0 || step + 1 === cfg.steps) {
            if (Number.isNaN(firstLoss)) firstLoss = window / windowSteps;
            finalLoss = window / windowSteps;
            window = 0;
            windowSteps = 0;
          }
        },
        discard: free,
      };
    },
    measure: (step) => ({ loss: tf.tidy(() => lossOf(batchOf(step)).dataSync()[0]!) }),
  });
  optimizer.dispose();
  const wallTimeSeconds = run.elapsed();
  if (result.stopped) {
    const parameters = net.parameterCount();
    net.dispose();
    return { stopped: true, heldOutAccuracy: NaN, perClassAccuracy: [], classNames, firstLoss, finalLoss, steps: result.step, wallTimeSeconds, parameters };
  }

  // 5. held-out evaluation
  const ev = evaluateClassifier(net, heldOut);
  log(`held-out: accuracy ${(100 * ev.accuracy).toFixed(2)}% on ${heldOut.size} images, loss ${ev.loss.toFixed(4)}`);
  const metrics: Record<string, number | string> = {
    heldOutAccuracy: ev.accuracy,
    heldOutLoss: ev.loss,
    heldOutExamples: heldOut.size,
    finalTrainLoss: finalLoss,
  };
  if (cfg.data === 'emoji') {
    // Pair classes subcategory·2 + style: each part apart, over all held-out images and per held-out part.
    const groups: [string, number[]][] = [['', [...ev.labels.keys()]], ...Object.entries(split.heldOutGroups ?? {}).map(([g, idx]) => [`.${g}`, idx] as [string, number[]])];
    for (const [suffix, idx] of groups) {
      if (idx.length === 0) continue;
      const a = pairAccuracy(idx.map((i) => ev.predicted[i]!), idx.map((i) => ev.labels[i]!), EMOJI_JUDGE_STYLES.length);
      metrics[`heldOutSubcategoryAccuracy${suffix}`] = a.outer;
      metrics[`heldOutStyleAccuracy${suffix}`] = a.inner;
      if (suffix !== '') metrics[`heldOutExamples${suffix}`] = idx.length;
      log(`held-out${suffix === '' ? '' : ` ${suffix.slice(1)}`} (${idx.length}): subcategory ${(100 * a.outer).toFixed(2)}%, style ${(100 * a.inner).toFixed(2)}%`);
    }
  } else if (!isMnist) {
    const f = shapeColourAccuracy(ev.predicted, ev.labels);
    metrics.heldOutShapeAccuracy = f.shape;
    metrics.heldOutColourAccuracy = f.colour;
    log(`held-out: shape ${(100 * f.shape).toFixed(2)}%, colour ${(100 * f.colour).toFixed(2)}%`);
    // Small shapes are ~5 px across: report how well shape is readable at each size.
    for (const size of SIZES) {
      const idx = [...Array(heldOut.size).keys()].filter((i) => heldOut.get(i).attributes?.size === size);
      if (idx.length === 0) continue;
      const g = shapeColourAccuracy(idx.map((i) => ev.predicted[i]!), idx.map((i) => ev.labels[i]!));
      metrics[`heldOutShapeAccuracy.${size}`] = g.shape;
      metrics[`heldOutColourAccuracy.${size}`] = g.colour;
      log(`held-out ${size} (${idx.length}): shape ${(100 * g.shape).toFixed(2)}%, colour ${(100 * g.colour).toFixed(2)}%`);
    }
  }
  ev.perClass.forEach((a, k) => {
    if (Number.isFinite(a)) metrics[`accuracy.${classNames[k]}`] = a;
  });

  const out: TrainClassifierResult = {
    heldOutAccuracy: ev.accuracy,
    perClassAccuracy: ev.perClass,
    classNames,
    firstLoss,
    finalLoss,
    steps: result.step,
    wallTimeSeconds,
    parameters: net.parameterCount(),
  };

  // 6. export, then judge the held-out images again through the ONNX file
  if (cfg.export !== '') {
    const dir = resolve(cfg.export);
    const pixels = S * S * C;
    const nParity = Math.min(4, heldOut.size);
    const parityImages = new Float32Array(nParity * pixels);
    for (let i = 0; i < nParity; i++) parityImages.set(heldOut.get(i).image, i * pixels);
    const exported = await exportClassifier(net, {
      dir,
      name: classifierModelName(cfg.data),
      classNames,
      parityImages,
      training: {
        recipe: `classifier-${cfg.data}`,
        data: split.description,
        steps: result.step,
        wallTimeSeconds,
        parameters: net.parameterCount(),
        config: { ...cfg } as unknown as Record<string, unknown>,
      },
      metrics,
    });
    log(`exported ${join(cfg.export, 'model.onnx')} (${exported.manifest.files.classifier!.bytes.toLocaleString('en-US')} bytes), parity max abs error ${exported.maxAbsError.toExponential(2)}, onnx.checker ${exported.checker}`);
    const all = new Float32Array(heldOut.size * pixels);
    for (let i = 0; i < heldOut.size; i++) all.set(heldOut.get(i).image, i * pixels);
    const verdict = await judgeSamples(dir, all, ev.labels);
    log(`held-out through ONNX: accuracy ${(100 * verdict.accuracy!).toFixed(2)}%`);
    const manifest = validateManifest({ ...exported.manifest, metrics: { ...metrics, onnxHeldOutAccuracy: verdict.accuracy! } });
    await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    out.manifest = manifest;
    out.onnxHeldOutAccuracy = verdict.accuracy!;
    out.parityMaxAbsError = exported.maxAbsError;
  }
  net.dispose();
  return out;
}

/** The model name a classifier is exported under (and its default folder in models/): emoji's is the emoji judge. */
export function classifierModelName(data: ClassifierData): string {
  return data === 'emoji' ? 'emoji-judge' : `${data}-classifier`;
}
