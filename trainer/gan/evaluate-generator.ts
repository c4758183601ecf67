/**
 * Measures an exported GAN generator the way its card reports it: N samples drawn through the SDK's createGan
 * from seeded latents (a conditional model: N/K per class), judged by a classifier (per-class
 * coverage; mode collapse shows as empty or crowded classes; conditional: agreement with the asked
 * class), and FID/KID between the samples' and the held-out real images' classifier features.
 */
import { copyFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inceptionScore } from '../../sdk/fid/inception-score.js';
import { inceptionSplits } from '../eval/inception-splits.js';
import { FidScorer } from '../../sdk/fid/scorer.js';
import { Rng } from '../../sdk/random/rng.js';
import { judgeSamples } from '../classifier/judge.js';
import { openDataset } from '../data/open-dataset.js';
import { splitDataset } from '../data/dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { nchwToNhwc } from '../../sdk/image/pixels.js';
import { createGan } from '../../sdk/node.js';
import { verifyModelFolder } from '../export/model-folder.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeImageGrid } from '../image/image-grid.js';
import type { GanConfig } from './gan-config.js';
import { GAN_RECIPES } from './recipes.js';

export interface EvaluateGeneratorOptions {
  /** The generator's model folder (kind 'gan-generator'). */
  modelDir: string;
  /** Classifier model folder (kind 'classifier', outputs logits and features). */
  classifierDir: string;
  /** Samples to draw. Default 1000. */
  samples?: number;
  /** Seed of the latents. Default 0. */
  seed?: number;
  /** A style-based generator's truncation in w-space (ψ, the SDK's truncationPsi). Default 1 (none). */
  truncationPsi?: number;
}

/** Largest KID subset (clean-fid's 1,000): KID is averaged over subsets of min(this, samples, real images). */
const KID_MAX_SUBSET = 1000;

export interface GanEvalResult {
  samples: number;
  /** [K] samples the classifier put in each class. */
  histogram: number[];
  classNames: string[];
  /** Classes holding fewer than 20% of a uniform share (N/K/5): modes the generator dropped. */
  missingClasses: string[];
  /** Smallest over largest class count (1 = perfectly even). */
  coverageRatio: number;
  /** Conditional models: share of samples the classifier puts in the class they were drawn for. */
  classAgreement?: number;
  fid: number;
  kid: number;
  kidStd: number;
  /** Inception Score with the classifier's logits (10 splits) of the samples and of the held-out real images. */
  inceptionScore: { samples: number; samplesStd: number; real: number; realStd: number };
  /** Real images the statistics came from. */
  realImages: number;
  /** ψ of a style-based generator's samples (absent: 1, none). */
  truncationPsi?: number;
  realData: string;
}

/**
 * Draws `n` images [n, H, W, C] (NHWC, the generator's own values in [-1, 1]) from the exported generator through the
 * SDK's Node createGan — the code users run — with latents from `seed` (one Rng stream, 64 latents a call) and, for a
 * conditional model, classes in turn.
 */
export async function drawFromExportedGan(modelDir: string, n: number, seed: number, truncationPsi?: number): Promise<{ images: Float32Array; labels?: Int32Array; shape: [number, number, number, number] }> {
  const manifest = await verifyModelFolder(modelDir);
  if (manifest.kind !== 'gan-generator') throw new UsageError(`${modelDir} holds a '${manifest.kind}' model; gan eval needs a 'gan-generator' (export one with webgen-train gan <recipe> --export DIR)`);
  const gan = await createGan({ model: modelDir });
  const K = manifest.conditioning?.classes?.length;
  const { width: W, height: H, channels: C } = manifest.image;
  const rng = new Rng(seed);
  const images = new Float32Array(n * H * W * C);
  const labels = K !== undefined ? Int32Array.from({ length: n }, (_, i) => i % K) : undefined;
  try {
    for (let start = 0; start < n; start += GAN_CALL_BATCH) {
      const b = Math.min(GAN_CALL_BATCH, n - start);
      const drawn = await gan.generate({ latents: rng.normalArray(b * gan.latentDim), count: b, ...(labels && { classLabel: Array.from(labels.subarray(start, start + b)) }), ...(truncationPsi !== undefined && { truncationPsi }) });
      const nchw = new Float32Array(b * C * H * W);
      drawn.forEach((img, i) => nchw.set(img.values!, i * C * H * W));
      images.set(nchwToNhwc(nchw, b, C, H, W), start * H * W * C);
    }
  } finally {
    await gan.dispose();
  }
  return { images, ...(labels && { labels }), shape: [n, H, W, C] };
}

/** Latents per generate() call: the SDK's largest `count`. */
const GAN_CALL_BATCH = 64;

export async function evaluateGenerator(opts: EvaluateGeneratorOptions): Promise<GanEvalResult> {
  const n = opts.samples ?? 1000;
  const manifest = await verifyModelFolder(opts.modelDir);
  const { images, labels, shape } = await drawFromExportedGan(opts.modelDir, n, opts.seed ?? 0, opts.truncationPsi);
  const fake = await judgeSamples(opts.classifierDir, { data: images, shape }, labels, { features: true });

  // The real side: the images the run held out of training (same data, hold-out and seed).
  const cfg = manifest.training.config as Partial<GanConfig>;
  if (typeof cfg.data !== 'string' || !(Number(cfg.holdOut) > 0)) {
    throw new UsageError(`${opts.modelDir}: training.config has no data and holdOut, so there are no held-out real images to compare with`);
  }
  const source = await openDataset(cfg.data, { seed: cfg.seed ?? 0 });
  const held = splitDataset(source, cfg.holdOut!, cfg.seed ?? 0).heldOut;
  const pixels = shape[1] * shape[2] * shape[3];
  const realImages = new Float32Array(held.size * pixels);
  for (let i = 0; i < held.size; i++) realImages.set(held.get(i).image, i * pixels);
  const real = await judgeSamples(opts.classifierDir, { data: realImages, shape: [held.size, shape[1], shape[2], shape[3]] }, undefined, { features: true });

  const F = fake.features!.length / n;
  const scorer = await FidScorer.create({ extractor: { name: `classifier:${opts.classifierDir}`, dim: F, extract: () => Promise.reject(new Error('features are added directly')) }, kidSamples: Math.max(n, held.size) });
  await scorer.addFeatures(real.features!, 'real', F);
  await scorer.addFeatures(fake.features!, 'fake', F);
  const fid = (await scorer.fid()).fid;
  const kid = await scorer.kid({ subsetSize: Math.min(KID_MAX_SUBSET, n, held.size) });

  const K = fake.histogram.length;
  const floor = n / K / 5;
  const isFake = inceptionScore(fake.logits, n, K, { splits: inceptionSplits(n) });
  const isReal = inceptionScore(real.logits, held.size, K, { splits: inceptionSplits(held.size) });
  return {
    samples: n,
    histogram: fake.histogram,
    classNames: fake.classNames,
    missingClasses: fake.classNames.filter((_, k) => fake.histogram[k]! < floor),
    coverageRatio: Math.min(...fake.histogram) / Math.max(...fake.histogram),
    ...(fake.accuracy !== undefined && { classAgreement: fake.accuracy }),
    fid,
    kid: kid.kid,
    kidStd: kid.std,
    inceptionScore: { samples: isFake.mean, samplesStd: isFake.std, real: isReal.mean, realStd: isReal.std },
    realImages: held.size,
    realData: `${cfg.data} held-out ${held.size} (hold-out ${cfg.holdOut}, seed ${cfg.seed ?? 0})`,
    ...(opts.truncationPsi !== undefined && { truncationPsi: opts.truncationPsi }),
  };
}

/**
 * Writes the model's card.md (and eval.json, samples.png, and losses.png copied from the run folder
 * when `runDir` is given): recipe, steps, time, parameters, FID/KID, per-class coverage, the command.
 */
export async function writeGanCard(modelDir: string, result: GanEvalResult, opts: { runDir?: string; command: string; seed: number; sections?: string[]; extraJson?: Record<string, unknown> }): Promise<string> {
  const manifest = await verifyModelFolder(modelDir);
  const t = manifest.training;
  const cfg = t.config as Partial<GanConfig>;
  await writeFileAtomic(join(modelDir, 'eval.json'), `${JSON.stringify({ ...result, ...opts.extraJson }, null, 2)}\n`);
  const grid = await drawFromExportedGan(modelDir, 80, opts.seed);
  await writeImageGrid(join(modelDir, 'samples.png'), grid.images, grid.shape, { cols: 10, scale: 2 });
  const exists = (path: string) => stat(path).then(() => true, () => false);
  if (opts.runDir && (await exists(join(opts.runDir, 'losses.png')))) await copyFile(join(opts.runDir, 'losses.png'), join(modelDir, 'losses.png'));
  // A model evaluated again without its run folder (gone, or on another machine) keeps the curves it was shipped with.
  const losses = (await exists(join(modelDir, 'losses.png'))) ? '\n## Loss curves\n\n![D (red) and G (blue) losses; green: gradient penalty](losses.png)\n' : '';
  const hours = (t.wallTimeSeconds / 3600).toFixed(2);
  const rows = result.classNames.map((c, k) => `| ${c} | ${result.histogram[k]} | ${((100 * result.histogram[k]!) / result.samples).toFixed(1)}% |`).join('\n');
  const card = `# ${manifest.name}

A ${cfg.conditional ? 'class-conditional ' : ''}${cfg.arch ?? 'GAN'} generator: one forward pass per image (input \`z\` [batch, ${manifest.latent!.dim}] ~ N(0, I)${cfg.conditional ? ', `class_labels` [batch] int64' : ''}; output \`image\` [batch, ${manifest.image.channels}, ${manifest.image.height}, ${manifest.image.width}] in [-1, 1]).

| | |
| --- | --- |
| recipe | \`${t.recipe}\` (${cfg.arch === 'vitgan' ? `ViT G, ${cfg.dArch === 'conv' ? 'DCGAN' : 'ViT'} D, ` : ''}loss ${cfg.loss}, D norm ${cfg.dSpectralNorm}, G norm ${cfg.gSpectralNorm}, lr G ${cfg.lrG} / D ${cfg.lrD}, ${cfg.dSteps} D-step(s) per G-step, ${cfg.modeSeeking ? `mode seeking λ ${cfg.modeSeeking}, ` : ''}${cfg.diffAugment ? `DiffAugment ${cfg.diffAugment}, ` : ''}${cfg.bcrWeight ? `bCR λ ${cfg.bcrWeight}, ` : ''}batch ${cfg.batchSize}) |
| steps | ${stepsCell(t.recipe, t.steps)} |
| training time | ${t.wallTimeSeconds} s (${hours} h) |
| generator parameters | ${t.parameters.toLocaleString('en-US')} |
| data | \`${cfg.data ?? t.data}\`, ${cfg.holdOut} images held out (seed ${cfg.seed ?? 0}) |
| FID (classifier features, ${result.samples} samples vs ${result.realData}) | ${result.fid.toFixed(2)} |
| KID | ${kidCell(result)} |
| Inception Score (classifier logits, 10 splits): samples / held-out real | ${result.inceptionScore.samples.toFixed(2)} ± ${result.inceptionScore.samplesStd.toFixed(2)} / ${result.inceptionScore.real.toFixed(2)} ± ${result.inceptionScore.realStd.toFixed(2)} |
${result.classAgreement !== undefined ? `| class agreement (classifier = asked class) | ${(100 * result.classAgreement).toFixed(1)}% |\n` : ''}| classes with < 20% of a fair share | ${result.missingClasses.length ? result.missingClasses.join(', ') : 'none'} |
| smallest / largest class | ${result.coverageRatio.toFixed(2)} |
| parity (ONNX vs trainer) | ${manifest.parity.maxAbsError.toExponential(2)} |

## Per-class coverage of ${result.samples} samples

| class | samples | share |
| --- | --- | --- |
${rows}

![samples](samples.png)
${losses}${(opts.sections ?? []).map((sec) => `\n${sec}\n`).join('')}
Numbers from: \`${opts.command}\`
`;
  await writeFileAtomic(join(modelDir, 'card.md'), card);
  return card;
}

/**
 * KID with its spread over subsets; when every subset is the whole set (as many samples as real images, at most
 * KID_MAX_SUBSET), the subsets agree exactly and a ± of 0 would read as certainty, so the cell says so instead.
 */
export function kidCell(r: GanEvalResult): string {
  if (r.samples === r.realImages && r.samples <= KID_MAX_SUBSET) return `${r.kid.toFixed(4)} (one subset: all ${r.samples} samples against all ${r.realImages} real, so no ±)`;
  return `${r.kid.toFixed(4)} ± ${r.kidStd.toFixed(4)}`;
}

/** Reads eval.json back (for the ablation table). */
export async function readGanEval(modelDir: string): Promise<GanEvalResult> {
  return JSON.parse(await readFile(join(modelDir, 'eval.json'), 'utf8')) as GanEvalResult;
}

/** "5,000", plus "of the recipe's 10,000 (…)" when the run was stopped early and exported. */
function stepsCell(recipe: string, steps: number): string {
  const planned = GAN_RECIPES[recipe]?.defaults.steps;
  const n = steps.toLocaleString('en-US');
  return planned !== undefined && steps < planned
    ? `${n} of the recipe's ${planned.toLocaleString('en-US')}: a stopped run, exported; \`--resume\` continues it bit for bit`
    : n;
}
