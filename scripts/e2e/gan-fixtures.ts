/**
 * GAN test models for the SDK: tiny random-weight generators exported by the trainer's own export
 * (trainer/gan/export-generator.ts, parity-checked) into tests/.fixtures/<name>-<hash>/ (gitignored), rebuilt only
 * when their config or the exporter's sources change, under the same lock as model-fixtures.ts.
 *
 *   gan-dcgan   — conditional DCGAN generator (10 classes '0' … '9'), 16×16 grey, like models/mnist-dcgan
 *   gan-vitgan  — unconditional ViTGAN generator (SLN, patch decoder), 16×16 grey, like models/mnist-vitgan
 *   gan-stylegan — conditional StyleGAN generator (mapping network, modulated convs, truncation and mixing inputs), 16×16 grey
 *
 * ganFixtureGenerator(name) rebuilds the same tfjs generator (same seed, same perturbation), for parity tests.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GanGenerator } from '../../trainer/models/gan-model.js';
import { fixtureHash, FIXTURES_DIR, REPO, withLock } from './model-fixtures.js';

const FIXTURE_VERSION = 1;
const CONFIGS = {
  'gan-dcgan': { arch: 'dcgan', imageSize: 16, channels: 1, width: 16, zDim: 8, numClasses: 10, seed: 21 },
  'gan-vitgan': { arch: 'vitgan', imageSize: 16, channels: 1, zDim: 8, dim: 16, depth: 1, heads: 2, patch: 4, seed: 22 },
  'gan-stylegan': { arch: 'stylegan', imageSize: 16, channels: 1, zDim: 8, width: 64, mappingLayers: 2, numClasses: 10, seed: 23 },
} as const;

export type GanFixtureName = keyof typeof CONFIGS;

// The layers' sources too (trainer/nn): their initialisation decides the fixture's weights.
const NN = readdirSync(join(REPO, 'trainer/nn')).filter((f) => f.endsWith('.ts')).sort().map((f) => `trainer/nn/${f}`);
const SOURCES = ['trainer/gan/export-generator.ts', 'trainer/models/gan-dcgan.ts', 'trainer/models/gan-vitgan.ts', 'trainer/models/gan-stylegan.ts', 'trainer/export/model-folder.ts', 'scripts/e2e/gan-fixtures.ts', ...NN];

const hashOf = (name: GanFixtureName): string => fixtureHash(FIXTURE_VERSION, name, CONFIGS[name], SOURCES);

/** The fixture's tfjs generator, weights as exported (call with tfjs on the 'cpu' backend). */
export async function ganFixtureGenerator(name: GanFixtureName): Promise<GanGenerator> {
  const { perturbVariables } = await import('./perturb-variables.js');
  let G: GanGenerator;
  if (name === 'gan-dcgan') {
    const c = CONFIGS[name];
    const { ConvGenerator } = await import('../../trainer/models/gan-dcgan.js');
    G = new ConvGenerator({ imageSize: c.imageSize, channels: c.channels, width: c.width, zDim: c.zDim, numClasses: c.numClasses, spectralNorm: 'none', attentionAt: 0 }, c.seed);
  } else if (name === 'gan-stylegan') {
    const c = CONFIGS[name];
    const { StyleGenerator } = await import('../../trainer/models/gan-stylegan.js');
    const S = new StyleGenerator({ imageSize: c.imageSize, channels: c.channels, zDim: c.zDim, width: c.width, mappingLayers: c.mappingLayers, numClasses: c.numClasses }, c.seed);
    const tf = await import('@tensorflow/tfjs');
    // a w_avg away from 0, so that truncation moves the images
    const { Rng } = await import('../../sdk/random/rng.js');
    S.wAvg.assign(tf.tensor1d(new Rng(c.seed).normalArray(c.zDim)));
    G = S;
  } else {
    const c = CONFIGS[name as 'gan-vitgan'];
    const { VitGenerator } = await import('../../trainer/models/gan-vitgan.js');
    G = new VitGenerator(
      { imageSize: c.imageSize, channels: c.channels, zDim: c.zDim, dim: c.dim, depth: c.depth, heads: c.heads, patch: c.patch, mlpRatio: 2, selfModulation: true, fourierFeatures: 8, decoderHidden: 12 },
      c.seed,
    );
  }
  // Random weights everywhere: zero-initialised modulations would make every image alike.
  perturbVariables(G, CONFIGS[name].seed, 0.05);
  return G;
}

/** The folder of GAN fixture `name`, built first when missing. */
export async function ganFixtureModel(name: GanFixtureName): Promise<string> {
  const dir = join(FIXTURES_DIR, `${name}-${hashOf(name)}`);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  return withLock(join(FIXTURES_DIR, `.lock-${name}`), async () => {
    if (existsSync(join(dir, 'manifest.json'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const { exportGenerator } = await import('../../trainer/gan/export-generator.js');
    const G = await ganFixtureGenerator(name);
    const c = CONFIGS[name];
    const training = { recipe: `fixture-${name}`, data: 'none (random weights: an SDK test fixture)', steps: 0, wallTimeSeconds: 0, parameters: 0, config: { fixture: name, ...c } };
    await exportGenerator({ dir: tmp, name: `fixture-${name}`, G, training, fp16: false, ...('numClasses' in c && { classNames: Array.from({ length: c.numClasses }, (_, i) => String(i)) }) });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    for (const old of readdirSync(FIXTURES_DIR)) {
      if (old.startsWith(`${name}-`) && join(FIXTURES_DIR, old) !== dir) rmSync(join(FIXTURES_DIR, old), { recursive: true, force: true });
    }
    return dir;
  });
}
