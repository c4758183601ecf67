/**
 * Training a judging classifier, top to bottom: data, model, optimiser, loop (step, log), then
 * held-out evaluation, export with parity, and the same evaluation through the exported ONNX file.
 *
 * The classifiers judge generated samples (MNIST digits, shapes with colour) and their
 * penultimate layer is the feature space for FID/KID, so they are trained on exactly the images
 * the generators train on and tested on the images the generators never saw.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { selectBackend, type BackendChoice } from '../backend/select-backend.js';
import { batchIterator, subsetDataset } from '../data/dataset.js';
import { hashInts } from '../data/rng.js';
import { UsageError } from '../errors/usage-error.js';
import { OutputError } from '../errors/output-error.js';
import { WebgenError } from '../errors/webgen-error.js';
import { validateManifest, type Manifest } from '../export/manifest.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { LossWatch } from '../train/loss-watch.js';
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
import { SIZES } from '../data/shapes.js';

/** Options of {@link trainClassifier}. */
export interface TrainClassifierOptions {
  /** Which classifier: 'mnist' (digits) or 'shapes' (colour + shape of one shape, 36 classes). */
  data: ClassifierData;
  /** Held-out examples. Default 1000 (mnist: the mnist-small recipe's held-out digits). */
  holdOut?: number;
  /** Optimiser steps. Default 800; at least 1. */
  steps?: number;
  /** Images per step. Default 64. */
  batchSize?: number;
  /** AdamW peak learning rate (warm-up min(50, steps/10), cosine decay to 10%). Default 2e-3. */
  lr?: number;
  /** AdamW decoupled weight decay. Default 1e-4. */
  weightDecay?: number;
  /** Seed of weights, batch order and augmentation (not of the split, which stays 0). Default 0. */
  seed?: number;
  /** Largest random translation in pixels. Default 2 for mnist, 0 for shapes (positions are the data). */
  maxShift?: number;
  /** Model folder to write (model.onnx + manifest.json); none = do not export. */
  out?: string;
  /** Channel widths of the net. Default [32, 64, 32]. */
  widths?: [number, number, number];
  /** Pooled grid side before the feature layer (see ClassifierNetConfig.poolGrid). Default 4 (a global pool, 1, learnt shapes far worse: 18.5% shape accuracy after 200 steps). */
  poolGrid?: number;
  /** Feature size. Default 128. */
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
  /** Mean training loss over the first and the last logging window. */
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

export async function trainClassifier(opts: TrainClassifierOptions): Promise<TrainClassifierResult> {
  const t0 = Date.now();
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!CLASSIFIER_DATA.includes(opts.data)) {
    throw new UsageError(`unknown classifier data '${String(opts.data)}'; use one of ${CLASSIFIER_DATA.join(', ')}`);
  }
  const isMnist = opts.data === 'mnist';
  const cfg = {
    data: opts.data,
    holdOut: opts.holdOut ?? 1000,
    steps: opts.steps ?? 800,
    batchSize: opts.batchSize ?? 64,
    lr: opts.lr ?? 2e-3,
    weightDecay: opts.weightDecay ?? 1e-4,
    // 50 steps, or a tenth of a very short run (tests), so the learning rate is not still ramping at the end
    warmupSteps: Math.min(50, Math.floor((opts.steps ?? 800) / 10)),
    seed: opts.seed ?? 0,
    maxShift: opts.maxShift ?? (isMnist ? 2 : 0),
    widths: opts.widths ?? ([32, 64, 32] as [number, number, number]),
    featureDim: opts.featureDim ?? 128,
    poolGrid: opts.poolGrid ?? 4,
    ...(opts.trainLimit !== undefined && { trainLimit: opts.trainLimit }),
  };
  const positiveInt = (name: string, v: number, min = 1) => {
    if (!Number.isInteger(v) || v < min) throw new UsageError(`'${name}' must be an integer >= ${min}, got ${v}`);
  };
  positiveInt('steps', cfg.steps);
  positiveInt('batchSize', cfg.batchSize);
  positiveInt('seed', cfg.seed, 0);
  positiveInt('maxShift', cfg.maxShift, 0);
  if (!(cfg.lr > 0 && cfg.lr < 1)) throw new UsageError(`'lr' must be in (0, 1), got ${cfg.lr}`);
  if (opts.out !== undefined) {
    try {
      mkdirSync(opts.out, { recursive: true });
    } catch (err) {
      throw new OutputError(opts.out, `${(err as Error).message}; choose another --out`);
    }
  }

  // 1. backend and data
  await selectBackend({ prefer: opts.backend ?? 'wasm', threads: opts.threads ?? 1, log });
  const split = await openClassifierData(opts.data, {
    holdOut: cfg.holdOut,
    ...(opts.mnistDir !== undefined && { mnistDir: opts.mnistDir }),
    ...(opts.shapesCount !== undefined && { shapesCount: opts.shapesCount }),
  });
  let train = split.train;
  if (opts.trainLimit !== undefined) {
    positiveInt('trainLimit', opts.trainLimit);
    const n = Math.min(train.size, opts.trainLimit);
    train = subsetDataset(train, Int32Array.from({ length: n }, (_, i) => i), `${train.name}/first-${n}`);
  }
  const { heldOut, classNames } = split;
  const { width: S, channels: C } = train;
  if (train.width !== train.height) throw new UsageError(`classifier data must be square, got ${train.width}x${train.height}`);
  log(`data: ${split.description}${opts.trainLimit !== undefined ? ` (limited to ${train.size})` : ''}`);

  // 2. model and optimiser
  const net = new ClassifierNet(
    { imageSize: S, inChannels: C, numClasses: classNames.length, widths: cfg.widths, featureDim: cfg.featureDim, poolGrid: cfg.poolGrid },
    cfg.seed,
  );
  const params = net.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map([...params].map(([path, v]) => [v.name, path]));
  const optimizer = new AdamW(params, { weightDecay: cfg.weightDecay });
  log(`model: classifier ${cfg.widths.join('/')} → ${cfg.featureDim} features → ${classNames.length} classes, ${net.parameterCount().toLocaleString('en-US')} parameters`);

  // 3. loop
  const batches = batchIterator(train, cfg.batchSize, cfg.seed);
  const K = classNames.length;
  let window = 0;
  let windowSteps = 0;
  let firstLoss = NaN;
  let finalLoss = NaN;
  const logEvery = opts.logEvery ?? 50;
  const tLoop = Date.now();
  // NaN/±Infinity, or a cross-entropy 1000× its lowest running average (trainer/train/loss-watch.ts defaults).
  const watch = new LossWatch();
  for (let step = 0; step < cfg.steps; step++) {
    const batch = batches.next();
    randomShift(batch.images, cfg.batchSize, S, S, C, cfg.maxShift, new Rng(hashInts(cfg.seed, step, 0xa96)));
    const { value, grads } = tf.variableGrads(() => {
      const { logits } = net.apply(tf.tensor4d(batch.images, [cfg.batchSize, S, S, C]));
      const y = tf.oneHot(tf.tensor1d(batch.labels!, 'int32'), K);
      return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1))) as tf.Scalar;
    }, varList);
    const loss = value.dataSync()[0]!;
    value.dispose();
    const diverged = watch.judge(loss);
    if (diverged !== undefined) {
      for (const g of Object.values(grads)) g.dispose();
      throw new WebgenError(`${diverged} at step ${step + 1}; lower 'lr' (now ${compactNumber(cfg.lr)})`);
    }
    watch.observe(loss);
    const byPath = new Map(Object.entries(grads).map(([name, g]) => [pathOf.get(name)!, g]));
    optimizer.step(byPath, learningRate(step, cfg));
    for (const g of byPath.values()) g.dispose();
    window += loss;
    windowSteps++;
    const last = step === cfg.steps - 1;
    if ((step + 1) % logEvery === 0 || last) {
      const mean = window / windowSteps;
      if (Number.isNaN(firstLoss)) firstLoss = mean;
      finalLoss = mean;
      const rate = (step + 1) / ((Date.now() - tLoop) / 1000);
      const eta = (cfg.steps - step - 1) / rate;
      log(`step ${step + 1}/${cfg.steps} | loss ${mean.toFixed(4)} | ${rate.toFixed(2)} steps/s | ETA ${Math.round(eta)}s`);
      window = 0;
      windowSteps = 0;
    }
  }
  optimizer.dispose();

  // 4. held-out evaluation
  const ev = evaluateClassifier(net, heldOut);
  log(`held-out: accuracy ${(100 * ev.accuracy).toFixed(2)}% on ${heldOut.size} images, loss ${ev.loss.toFixed(4)}`);
  const metrics: Record<string, number | string> = {
    heldOutAccuracy: ev.accuracy,
    heldOutLoss: ev.loss,
    heldOutExamples: heldOut.size,
    finalTrainLoss: finalLoss,
  };
  if (!isMnist) {
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

  const wallTimeSeconds = (Date.now() - t0) / 1000;
  const result: TrainClassifierResult = {
    heldOutAccuracy: ev.accuracy,
    perClassAccuracy: ev.perClass,
    classNames,
    firstLoss,
    finalLoss,
    steps: cfg.steps,
    wallTimeSeconds,
    parameters: net.parameterCount(),
  };

  // 5. export, then judge the held-out images again through the ONNX file
  if (opts.out !== undefined) {
    const dir = resolve(opts.out);
    const pixels = S * S * C;
    const nParity = Math.min(4, heldOut.size);
    const parityImages = new Float32Array(nParity * pixels);
    for (let i = 0; i < nParity; i++) parityImages.set(heldOut.get(i).image, i * pixels);
    const exported = await exportClassifier(net, {
      dir,
      name: `${opts.data}-classifier`,
      classNames,
      parityImages,
      training: {
        recipe: `classifier-${opts.data}`,
        data: split.description,
        steps: cfg.steps,
        wallTimeSeconds,
        parameters: net.parameterCount(),
        config: { ...cfg, backend: opts.backend ?? 'wasm', threads: opts.threads ?? 1 },
      },
      metrics,
    });
    log(`exported ${join(opts.out, 'model.onnx')} (${exported.manifest.files.classifier!.bytes.toLocaleString('en-US')} bytes), parity max abs error ${exported.maxAbsError.toExponential(2)}, onnx.checker ${exported.checker}`);
    const all = new Float32Array(heldOut.size * pixels);
    for (let i = 0; i < heldOut.size; i++) all.set(heldOut.get(i).image, i * pixels);
    const verdict = await judgeSamples(dir, all, ev.labels);
    log(`held-out through ONNX: accuracy ${(100 * verdict.accuracy!).toFixed(2)}%`);
    const manifest = validateManifest({ ...exported.manifest, metrics: { ...metrics, onnxHeldOutAccuracy: verdict.accuracy! } });
    await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    result.manifest = manifest;
    result.onnxHeldOutAccuracy = verdict.accuracy!;
    result.parityMaxAbsError = exported.maxAbsError;
  }
  net.dispose();
  return result;
}
