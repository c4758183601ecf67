/**
 * Training CycleGAN (Zhu et al. 2017) on emoji treated as unpaired, on the run scaffold: two U-Net generators
 * (G: Noto → Twemoji, F: Twemoji → Noto), two unconditional PatchGANs, LSGAN + cycle + identity losses
 * (cyclegan-step.ts) and a history pool of fakes per D (image-pool.ts). The folder, resume, checkpoints, metrics,
 * divergence and Ctrl-C are trainer/run/training-run.ts's; data, optimisers, sample grid and held-out L1 are shared
 * with pix2pix (translator-run.ts).
 *
 * Unpaired: the Noto batch and the Twemoji batch of a step are drawn by two independent shuffles of the training part,
 * so a step almost never sees the same emoji on both sides, and the pairing is never used in training. Pairs exist,
 * so the end of the run measures each direction's L1 against the held-out concepts' true counterpart.
 */
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compactNumber } from '../cli/compact-number.js';
import { batchIterator, fixedImages } from '../data/dataset.js';
import type { EmojiPairs } from '../data/emoji/emoji-pairs.js';
import { UsageError } from '../errors/usage-error.js';
import { PatchDiscriminator } from '../models/patch-discriminator.js';
import type { UnetTranslator } from '../models/pix2pix-unet.js';
import { stepRng } from '../run/step-rng.js';
import type { Rng } from '../../sdk/random/rng.js';
import { jitterImages } from './pair-jitter.js';
import { TrainingRun, type RunIo } from '../run/training-run.js';
import type { ResumePolicy } from '../train/resume-config.js';
import { linearDecayRate } from '../train/lr-schedule.js';
import { CYCLEGAN_BASE_CONFIG, type CycleGanConfig } from './cyclegan-config.js';
import { cycleGanLosses, discriminatorStep, generatorStep, type CycleGanParts } from './cyclegan-step.js';
import { exportTranslator, type ExportTranslatorResult } from './export-translator.js';
import { ImagePool } from './image-pool.js';
import type { TranslatorDirection } from './translator-config.js';
import {
  buildGenerator, checkTranslatorShared, directionStyles, GRID_COLUMNS, loadTranslatorPairs, pairsL1, tensorOf, translatorOptimisers, TRANSLATOR_LOSS_WATCH, writeRowsGrid,
} from './translator-run.js';

export interface CycleGanTrainResult {
  step: number;
  losses: Record<string, number>;
  /** Mean |truth − translation| over the held-out concepts' pairs, by direction; undefined when the split has none. */
  heldOutL1?: Record<TranslatorDirection, number>;
  wallTimeSeconds: number;
  checkpoint: string;
  samples: string[];
  /** `dir` holds one kind 'translator' folder per direction, named by it. */
  exported?: { dir: string; directions: Record<TranslatorDirection, ExportTranslatorResult & { dir: string }> };
}

/** On --resume the checkpoint fixes the architecture, the pools and the seed; training settings may change. */
export const CYCLEGAN_RESUME_POLICY: ResumePolicy<CycleGanConfig> = {
  fixed: ['imageSize', 'widths', 'dWidth', 'dLayers', 'poolSize', 'seed'],
  fromCommandLine: ['steps', 'export', 'resume', 'backend', 'threads', 'out'],
};

/** The held-out pairs the other way round (Twemoji source, Noto target): F's ground truth. */
const reversed = (p: EmojiPairs): EmojiPairs => ({ source: p.target, target: p.source, unified: p.unified });

export async function trainCycleGan(recipe: string, cfg: CycleGanConfig, io: RunIo<CycleGanConfig>): Promise<CycleGanTrainResult> {
  checkCycleGanConfig(cfg);
  const run = await TrainingRun.open({ ...io, recipe, family: 'cyclegan', cfg, policy: CYCLEGAN_RESUME_POLICY, defaults: CYCLEGAN_BASE_CONFIG, validate: checkCycleGanConfig });
  cfg = run.cfg;
  const { progress } = io;

  // --- data: domain A = Noto, B = Twemoji, each the training part's images drawn on their own
  const { train, heldOut } = await loadTranslatorPairs('noto-to-twemoji', cfg.imageSize, progress);
  const A = train.source;
  const B = train.target;
  progress.log(`data: unpaired emoji, ${A.size} noto and ${B.size} twemoji training images ${cfg.imageSize}x${cfg.imageSize}x4 (independent batches); ${heldOut?.source.size ?? 0} held-out-concept pairs for evaluation`);

  // --- models: G, F; D_A, D_B (unconditional)
  const C = A.channels;
  const G = buildGenerator(cfg, C, cfg.seed);
  const F = buildGenerator(cfg, C, cfg.seed + 1);
  const DA = new PatchDiscriminator({ channels: C, width: cfg.dWidth, layers: cfg.dLayers, conditional: false }, cfg.seed + 2);
  const DB = new PatchDiscriminator({ channels: C, width: cfg.dWidth, layers: cfg.dLayers, conditional: false }, cfg.seed + 3);
  const prefixed = (parts: Record<string, { namedVariables(): Map<string, tf.Variable> }>) =>
    new Map(Object.entries(parts).flatMap(([p, m]) => [...m.namedVariables()].map(([k, v]) => [`${p}.${k}`, v] as const)));
  const gParams = prefixed({ G, F });
  const dParams = prefixed({ DA, DB });
  progress.log(
    `model: CycleGAN, U-Net G and F (${cfg.widths}) ${G.parameterCount().toLocaleString('en-US')} parameters each, unconditional PatchGAN D_A and D_B ` +
      `${DA.parameterCount().toLocaleString('en-US')} each (${DA.receptiveField}x${DA.receptiveField} receptive field); LSGAN, cycle λ ${compactNumber(cfg.cycleWeight)}, ` +
      `identity ${compactNumber(cfg.identityWeight)}·λ, pool ${cfg.poolSize}, lr ${compactNumber(cfg.lr)}${cfg.decayStart < 1 ? ` (linear to 0 from step ${Math.floor(cfg.decayStart * cfg.steps)})` : ''}`,
  );

  // --- optimisers and the pools (training state: checkpointed beside the weights)
  const { adamG, adamD, groups, state } = translatorOptimisers(run, gParams, dParams, cfg);
  const shape = [cfg.imageSize, cfg.imageSize, C] as const;
  const poolA = new ImagePool(cfg.poolSize, shape, 'pool.a'); // fakes of domain A: F(b)
  const poolB = new ImagePool(cfg.poolSize, shape, 'pool.b'); // fakes of domain B: G(a)
  const poolGroups = { 'pool.a': new Map([['images', poolA.images]]), 'pool.b': new Map([['images', poolB.images]]) };
  run.restore(poolGroups);
  const saved = run.savedState<{ poolACount: number; poolBCount: number }>();
  if (saved) {
    poolA.restore(saved.poolACount);
    poolB.restore(saved.poolBCount);
  }
  const parts: CycleGanParts = { G, F, DA, DB, gParams, dParams, adamG, adamD, cycleWeight: cfg.cycleWeight, identityWeight: cfg.identityWeight, lr: cfg.lr };

  const batchesA = batchIterator(A, cfg.batchSize, cfg.seed, run.step);
  const batchesB = batchIterator(B, cfg.batchSize, cfg.seed + 1, run.step);
  const batchAt = (step: number) => ({
    a: tensorOf(batchIterator(A, cfg.batchSize, cfg.seed, step).next().images, A),
    b: tensorOf(batchIterator(B, cfg.batchSize, cfg.seed + 1, step).next().images, B),
  });

  const gridSet = heldOut ?? train;
  const samples: string[] = [];
  const sample = async (step: number) => {
    const path = join(run.out, `samples-${String(step).padStart(6, '0')}.png`);
    const a = fixedImages(gridSet.source, GRID_COLUMNS);
    const b = fixedImages(gridSet.target, GRID_COLUMNS);
    const [ga, fga, fb, gfb] = tf.tidy(() => {
      const fake = [G.apply(tensorOf(a, A)), F.apply(tensorOf(b, B))] as const;
      return [fake[0], F.apply(fake[0]), fake[1], G.apply(fake[1])].map((t) => Float32Array.from(t.dataSync() as Float32Array));
    });
    await writeRowsGrid(path, [a, ga!, fga!, b, fb!, gfb!], cfg.imageSize, C);
    samples.push(path);
    progress.log(`samples: ${path} (rows: ${heldOut ? 'held-out' : 'training'} noto, G(noto), F(G(noto)), twemoji, F(twemoji), G(F(twemoji)))`);
  };

  // --- loop (the scaffold's): a G-and-F step, then a D step on the pools' answers to its fakes
  const result = await run.loop({
    groups: { ...groups, ...poolGroups },
    state: () => ({ ...state(), poolACount: poolA.count, poolBCount: poolB.count }),
    watches: { dLoss: TRANSLATOR_LOSS_WATCH, gLoss: TRANSLATOR_LOSS_WATCH },
    advice: `a lower --lr (now ${compactNumber(cfg.lr)})`,
    updatesWhileMeasuring: true,
    step: (step) => {
      parts.lr = linearDecayRate(step, cfg);
      // The paper's random jitter, A and B each by their own boxes, from a stream of its own (the pools' draws below
      // stay those of a run without jitter).
      const jitterRng = stepRng(cfg.seed + JITTER_STREAM, step);
      const a = jittered(tensorOf(batchesA.next().images, A), cfg.jitter, jitterRng); // [B, S, S, C]
      const b = jittered(tensorOf(batchesB.next().images, B), cfg.jitter, jitterRng);
      const g = generatorStep(parts, a, b);
      // The pools' draws come from (seed, step): a resumed run replays them.
      const rng = stepRng(cfg.seed, step);
      const fakeA = tensorOf(poolA.query(g.fakeA, rng), A);
      const fakeB = tensorOf(poolB.query(g.fakeB, rng), B);
      const d = discriminatorStep(parts, a, b, fakeA, fakeB);
      tf.dispose([a, b, fakeA, fakeB]);
      const { gLoss, ...metrics } = g.terms;
      return { losses: { dLoss: d.dA + d.dB, gLoss }, metrics: { dA: d.dA, dB: d.dB, ...metrics }, apply: () => undefined, discard: () => undefined };
    },
    measure: (step) => {
      const { a, b } = batchAt(step);
      const now = cycleGanLosses(parts, a, b);
      tf.dispose([a, b]);
      return { dLoss: now.dA + now.dB, gLoss: now.gLoss };
    },
    sample,
  });
  if (!result.stopped) await sample(result.step);

  // --- the held-out concepts, against their true counterpart in the other style
  const generators: Record<TranslatorDirection, { net: UnetTranslator; pairs?: EmojiPairs }> = {
    'noto-to-twemoji': { net: G, ...(heldOut && { pairs: heldOut }) },
    'twemoji-to-noto': { net: F, ...(heldOut && { pairs: reversed(heldOut) }) },
  };
  let heldOutL1: CycleGanTrainResult['heldOutL1'];
  if (heldOut) {
    heldOutL1 = { 'noto-to-twemoji': pairsL1(G, heldOut, cfg.batchSize), 'twemoji-to-noto': pairsL1(F, reversed(heldOut), cfg.batchSize) };
    for (const [d, v] of Object.entries(heldOutL1)) progress.log(`held-out L1 ${d} (mean |truth − translation| over ${heldOut.source.size} held-out-concept pairs, [-1, 1] units): ${v.toFixed(4)}`);
  }

  let exported: CycleGanTrainResult['exported'];
  if (cfg.export && !result.stopped) {
    const out = resolve(cfg.export);
    const directions = {} as Record<TranslatorDirection, ExportTranslatorResult & { dir: string }>;
    for (const [direction, { net }] of Object.entries(generators) as [TranslatorDirection, (typeof generators)[TranslatorDirection]][]) {
      const styles = directionStyles(direction);
      const dir = join(out, direction);
      const sourceSet = direction === 'noto-to-twemoji' ? gridSet.source : gridSet.target;
      const r = await exportTranslator({
        dir, name: `${basename(out)}-${direction}`, G: net, source: styles.fromWord, target: styles.toWord, parityImages: fixedImages(sourceSet, 2),
        training: {
          recipe, data: JSON.stringify({ unpaired: [A.describe(), B.describe()] }), steps: result.step, wallTimeSeconds: Math.round(run.elapsed()),
          parameters: net.parameterCount(), config: { ...cfg, method: 'cyclegan', direction } as unknown as Record<string, unknown>,
        },
        metrics: {
          finalDLoss: result.losses.dLoss!, finalGLoss: result.losses.gLoss!, ...(heldOutL1 && { heldOutL1: heldOutL1[direction] }),
          discriminatorParameters: DA.parameterCount(),
        },
      });
      directions[direction] = { ...r, dir };
      progress.log(`exported ${join(dir, 'model.onnx')}: parity max abs error ${r.maxAbsError.toExponential(2)} (tolerance 1e-4); onnx.checker ${r.checker}`);
    }
    exported = { dir: out, directions };
  }
  return { step: result.step, losses: result.losses, ...(heldOutL1 && { heldOutL1 }), wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples, ...(exported && { exported }) };
}

/** Throws UsageError on values the models or the losses cannot use, naming the flag. */
/** Seed offset of the jitter's random stream (apart from the pools'). */
const JITTER_STREAM = 0x6a17;

/** `x` jittered (jitterImages), with `x` itself disposed when a new tensor replaces it. */
function jittered(x: tf.Tensor4D, jitter: number, rng: Rng): tf.Tensor4D {
  const out = jitterImages(x, jitter, rng);
  if (out !== x) x.dispose();
  return out;
}

export function checkCycleGanConfig(cfg: CycleGanConfig): void {
  checkTranslatorShared(cfg);
  if (!(cfg.cycleWeight >= 0)) throw new UsageError(`--cycle-weight must be >= 0 (the paper: 10), got ${cfg.cycleWeight}`);
  if (!(cfg.identityWeight >= 0)) throw new UsageError(`--identity-weight must be >= 0 (in units of --cycle-weight; the paper: 0.5), got ${cfg.identityWeight}`);
  if (!(Number.isInteger(cfg.poolSize) && cfg.poolSize >= 0)) throw new UsageError(`--pool-size must be an integer >= 0 (the paper: 50; 0 = no pool), got ${cfg.poolSize}`);
  if (!(cfg.decayStart >= 0 && cfg.decayStart <= 1)) {
    throw new UsageError(`--decay-start must be a fraction of --steps in [0, 1] (the paper: 0.5; 1 = a constant learning rate), got ${cfg.decayStart}`);
  }
}
