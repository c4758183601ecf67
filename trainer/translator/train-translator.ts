/**
 * Training pix2pix (Isola et al. 2017) on paired emoji, on the run scaffold: the models, their steps and the sample
 * grid are here; the folder, resume, checkpoints, metrics, divergence and Ctrl-C are trainer/run/training-run.ts's.
 * Pairs come from the emoji split's training part only, so the held-out concepts are never trained on; the sample
 * grid and the final held-out L1 are measured on them.
 */
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { batchIterator, fixedImages } from '../data/dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { PatchDiscriminator } from '../models/patch-discriminator.js';
import { compactNumber } from '../cli/compact-number.js';
import type { ResumePolicy } from '../train/resume-config.js';
import { TrainingRun, type RunIo } from '../run/training-run.js';
import { TRANSLATOR_BASE_CONFIG, TRANSLATOR_DIRECTIONS, type TranslatorConfig } from './translator-config.js';
import { discriminatorStep, generatorStep, pix2pixLosses, type Pix2PixParts } from './pix2pix-step.js';
import { exportTranslator, type ExportTranslatorResult } from './export-translator.js';
import { jitterPair } from './pair-jitter.js';
import { stepRng } from '../run/step-rng.js';
import {
  buildGenerator, checkTranslatorShared, directionStyles, GRID_COLUMNS, imagesAt, loadTranslatorPairs, pairsL1, tensorOf, translatorOptimisers, TRANSLATOR_LOSS_WATCH, writeRowsGrid,
} from './translator-run.js';

export interface TranslatorTrainResult {
  step: number;
  losses: Record<string, number>;
  /** Mean |y − G(x)| over the held-out concepts' pairs (in [-1, 1] units); undefined when the split has none. */
  heldOutL1?: number;
  wallTimeSeconds: number;
  checkpoint: string;
  samples: string[];
  exported?: ExportTranslatorResult & { dir: string };
}

/** On --resume the checkpoint fixes the architecture, the data and its direction; training settings may change. */
export const TRANSLATOR_RESUME_POLICY: ResumePolicy<TranslatorConfig> = {
  fixed: ['direction', 'imageSize', 'widths', 'dWidth', 'dLayers', 'seed'],
  fromCommandLine: ['steps', 'export', 'resume', 'backend', 'threads', 'out'],
};

export async function trainTranslator(recipe: string, cfg: TranslatorConfig, io: RunIo<TranslatorConfig>): Promise<TranslatorTrainResult> {
  checkTranslatorConfig(cfg);
  const run = await TrainingRun.open({ ...io, recipe, family: 'translator', cfg, policy: TRANSLATOR_RESUME_POLICY, defaults: TRANSLATOR_BASE_CONFIG, validate: checkTranslatorConfig });
  cfg = run.cfg;
  const { progress } = io;

  // --- data: training pairs; the held-out concepts' pairs for samples and the final L1
  const styles = directionStyles(cfg.direction);
  const { train, heldOut } = await loadTranslatorPairs(cfg.direction, cfg.imageSize, progress);
  progress.log(`data: emoji pairs ${styles.fromWord} → ${styles.toWord}, ${train.source.size} training pairs ${cfg.imageSize}x${cfg.imageSize}x4; ${heldOut?.source.size ?? 0} held-out-concept pairs`);

  // --- models
  const C = train.source.channels;
  const G = buildGenerator(cfg, C, cfg.seed);
  const D = new PatchDiscriminator({ channels: C, width: cfg.dWidth, layers: cfg.dLayers }, cfg.seed + 1);
  const gParams = G.namedVariables();
  const dParams = D.namedVariables();
  progress.log(
    `model: pix2pix, U-Net G (${cfg.widths}) ${G.parameterCount().toLocaleString('en-US')} parameters, PatchGAN D ${D.parameterCount().toLocaleString('en-US')} ` +
      `(${D.receptiveField}x${D.receptiveField} receptive field), instance norm; L1 λ ${compactNumber(cfg.l1Weight)}, lr ${compactNumber(cfg.lr)}`,
  );

  // --- optimisers
  const { adamG, adamD, groups, state } = translatorOptimisers(run, gParams, dParams, cfg);
  const parts: Pix2PixParts = { G, D, gParams, dParams, adamG, adamD, l1Weight: cfg.l1Weight, lr: cfg.lr };

  const batches = batchIterator(train.source, cfg.batchSize, cfg.seed, run.step);
  const gridSet = heldOut ?? train;
  const samples: string[] = [];
  const sample = async (step: number) => {
    const path = join(run.out, `samples-${String(step).padStart(6, '0')}.png`);
    const x = fixedImages(gridSet.source, GRID_COLUMNS);
    const fake = tf.tidy(() => G.apply(tensorOf(x, gridSet.source)).dataSync() as Float32Array);
    await writeRowsGrid(path, [x, fake, fixedImages(gridSet.target, GRID_COLUMNS)], cfg.imageSize, C);
    samples.push(path);
    progress.log(`samples: ${path} (rows: ${heldOut ? 'held-out' : 'training'} ${styles.fromWord}, translated, ${styles.toWord})`);
  };
  const batchAt = (source: Float32Array, indices: Int32Array) => ({ x: tensorOf(source, train.source), y: tensorOf(imagesAt(train.target, indices), train.target) });

  // --- loop (the scaffold's): one D-step, then one G-step through the updated D
  const result = await run.loop({
    groups,
    state,
    watches: { dLoss: TRANSLATOR_LOSS_WATCH, gLoss: TRANSLATOR_LOSS_WATCH },
    advice: `a lower --lr (now ${compactNumber(cfg.lr)})`,
    updatesWhileMeasuring: true,
    step: (step) => {
      const b = batches.next();
      const pair = batchAt(b.images, b.indices);
      const { x, y } = jitterPair(pair.x, pair.y, cfg.jitter, stepRng(cfg.seed, step));
      if (x !== pair.x) tf.dispose([pair.x, pair.y]);
      const dLoss = discriminatorStep(parts, x, y);
      const g = generatorStep(parts, x, y);
      x.dispose();
      y.dispose();
      return { losses: { dLoss, gLoss: g.loss }, metrics: { gAdv: g.adv, l1: g.l1 }, apply: () => undefined, discard: () => undefined };
    },
    measure: (step) => {
      const b = batchIterator(train.source, cfg.batchSize, cfg.seed, step).next();
      const { x, y } = batchAt(b.images, b.indices);
      const now = pix2pixLosses(parts, x, y);
      x.dispose();
      y.dispose();
      return { dLoss: now.dLoss, gLoss: now.gLoss };
    },
    sample,
  });
  if (!result.stopped) await sample(result.step);

  const heldOutL1 = heldOut ? pairsL1(G, heldOut, cfg.batchSize) : undefined;
  if (heldOutL1 !== undefined) progress.log(`held-out L1 (mean |target − translation| over ${heldOut!.source.size} held-out-concept pairs, [-1, 1] units): ${heldOutL1.toFixed(4)}`);

  let exported: TranslatorTrainResult['exported'];
  if (cfg.export && !result.stopped) {
    const out = resolve(cfg.export);
    const r = await exportTranslator({
      dir: out, name: basename(out), G, source: styles.fromWord, target: styles.toWord, parityImages: fixedImages(gridSet.source, 2),
      training: {
        recipe, data: JSON.stringify(train.source.describe()), steps: result.step, wallTimeSeconds: Math.round(run.elapsed()),
        parameters: G.parameterCount(), config: { ...cfg } as unknown as Record<string, unknown>,
      },
      metrics: { finalDLoss: result.losses.dLoss!, finalGLoss: result.losses.gLoss!, ...(heldOutL1 !== undefined && { heldOutL1 }), discriminatorParameters: D.parameterCount() },
    });
    exported = { ...r, dir: out };
    progress.log(`exported ${join(out, 'model.onnx')}: parity max abs error ${r.maxAbsError.toExponential(2)} (tolerance 1e-4); onnx.checker ${r.checker}`);
  }
  return { step: result.step, losses: result.losses, ...(heldOutL1 !== undefined && { heldOutL1 }), wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples, ...(exported && { exported }) };
}

/** Throws UsageError on values the models or the loss cannot use, naming the flag. */
export function checkTranslatorConfig(cfg: TranslatorConfig): void {
  if (!TRANSLATOR_DIRECTIONS.includes(cfg.direction)) throw new UsageError(`--direction must be one of ${TRANSLATOR_DIRECTIONS.join(', ')}, got '${String(cfg.direction)}'`);
  checkTranslatorShared(cfg);
  if (!(cfg.l1Weight >= 0)) throw new UsageError(`--l1-weight must be >= 0 (the paper: 100), got ${cfg.l1Weight}`);
}
