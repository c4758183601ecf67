/**
 * Test models for the SDK: tiny random-weight U-Nets (preset 'tiny', 32×32) exported by the trainer's own export
 * (trainer/diffusion/export-unet.ts, parity-checked) into tests/.fixtures/<name>-<hash>/ (gitignored). The hash
 * covers the fixture's config and the exporter's sources, so a fixture is rebuilt only when either changes; a
 * directory lock lets parallel test files share one build.
 *
 *   class  — class-conditional (10 classes), 1 channel, like models/mnist-ddim
 *   text   — text-conditioned (word tokenizer + text encoder), 3 channels, like models/shapes-t2i
 *   bench  — the 2.7M-parameter 'bench' preset, class-conditional (6 classes), 3 channels: npm run bench's model
 *   fp16   — 'class' exported with --fp16: model.onnx plus model.fp16.onnx (files.unet.variants.float16)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = join(REPO, 'tests', '.fixtures');

const FIXTURE_VERSION = 1;
const CONFIGS = {
  class: { imageSize: 32, inChannels: 1, numClasses: 10, classNames: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'], seed: 11 },
  text: { imageSize: 32, inChannels: 3, contextDim: 16, words: ['a', 'big', 'small', 'red', 'green', 'blue', 'circle', 'square', 'star'], maxLength: 6, seed: 12 },
  bench: { imageSize: 32, inChannels: 3, numClasses: 6, seed: 13 },
  fp16: { imageSize: 32, inChannels: 1, numClasses: 10, seed: 11 },
  int8: { imageSize: 32, inChannels: 1, numClasses: 10, seed: 11 },
} as const;

export type FixtureName = keyof typeof CONFIGS;

const SOURCES = ['trainer/diffusion/export-unet.ts', 'trainer/export/quantize-int8.ts', 'trainer/models/unet.ts', 'trainer/models/text-encoder.ts', 'trainer/export/model-folder.ts', 'scripts/e2e/model-fixtures.ts'];

/** A fixture's cache key: its config and the sources that make it (a change to either rebuilds it). */
export function fixtureHash(version: number, name: string, config: unknown, sources: readonly string[]): string {
  const h = createHash('sha256').update(JSON.stringify({ FIXTURE_VERSION: version, name, config }));
  for (const f of sources) h.update(readFileSync(join(REPO, f)));
  return h.digest('hex').slice(0, 12);
}

const hashOf = (name: FixtureName): string => fixtureHash(FIXTURE_VERSION, name, CONFIGS[name], SOURCES);

/** Whether process `pid` is alive (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding a lock directory (holding its owner's pid). Another live holder makes us wait; a lock whose
 * owner died (a killed test run), or older than 10 minutes, is taken over.
 */
export async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      try {
        const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
        const stale = (pid > 0 && !alive(pid)) || Date.now() - statSync(lock).mtimeMs > 10 * 60_000;
        if (stale) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile, or its pid not written yet */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The folder of fixture `name`, built first when missing. */
export async function fixtureModel(name: FixtureName): Promise<string> {
  const dir = join(FIXTURES_DIR, `${name}-${hashOf(name)}`);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  return withLock(join(FIXTURES_DIR, `.lock-${name}`), async () => {
    if (existsSync(join(dir, 'manifest.json'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    await build(name, tmp);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    // Builds of older sources are dead weight.
    for (const old of readdirSync(FIXTURES_DIR)) {
      if (old.startsWith(`${name}-`) && join(FIXTURES_DIR, old) !== dir) rmSync(join(FIXTURES_DIR, old), { recursive: true, force: true });
    }
    return dir;
  });
}

async function build(name: FixtureName, dir: string): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const { UNet } = await import('../../trainer/models/unet.js');
  const { UNET_PRESETS } = await import('../../trainer/models/unet-presets.js');
  const { TextEncoderModel } = await import('../../trainer/models/text-encoder.js');
  const { GaussianDiffusion } = await import('../../trainer/diffusion/gaussian-diffusion.js');
  const { exportUNet } = await import('../../trainer/diffusion/export-unet.js');
  const { WordTokenizer } = await import('../../sdk/text/tokenizer.js');
  const { perturbVariables } = await import('./perturb-variables.js');
  const common = { condDropout: 0.1, trainTimesteps: 1000, betaSchedule: 'linear' as const, prediction: 'v' as const };
  const training = (recipe: string, parameters: number) => ({ recipe, data: 'none (random weights: an SDK test fixture)', steps: 0, wallTimeSeconds: 0, parameters, config: { fixture: name } });
  if (name === 'class' || name === 'fp16' || name === 'int8') {
    const c = { ...CONFIGS.class, ...CONFIGS[name] };
    const unet = new UNet({ ...UNET_PRESETS.tiny, imageSize: c.imageSize, inChannels: c.inChannels, numClasses: c.numClasses }, c.seed);
    // Random weights everywhere: the zero-initialised output conv would make every image the same.
    perturbVariables(unet, c.seed, 0.05);
    const diffusion = new GaussianDiffusion(unet, { ...common, numClasses: c.numClasses });
    const fixture = `fixture-${name}`;
    await exportUNet({ dir, name: fixture, diffusion, fp16: name === 'fp16', int8: name === 'int8', classNames: [...c.classNames], training: training(fixture, diffusion.parameterCount()) });
  } else if (name === 'bench') {
    const c = CONFIGS.bench;
    const unet = new UNet({ ...UNET_PRESETS.bench, imageSize: c.imageSize, inChannels: c.inChannels, numClasses: c.numClasses }, c.seed);
    perturbVariables(unet, c.seed, 0.05);
    const diffusion = new GaussianDiffusion(unet, { ...common, numClasses: c.numClasses });
    await exportUNet({ dir, name: 'fixture-bench', diffusion, fp16: false, training: { ...training('fixture-bench', diffusion.parameterCount()), config: { fixture: name, model: 'bench' } } });
  } else {
    const c = CONFIGS.text;
    const tokenizer = WordTokenizer.fromWords(c.words, { maxLength: c.maxLength });
    const enc = new TextEncoderModel({ vocabSize: tokenizer.vocabSize, maxLength: tokenizer.maxLength, dim: c.contextDim, layers: 1, heads: 2 }, c.seed);
    const unet = new UNet({ ...UNET_PRESETS.tiny, imageSize: c.imageSize, inChannels: c.inChannels, contextDim: c.contextDim }, c.seed);
    perturbVariables(unet, c.seed, 0.05);
    perturbVariables(enc, c.seed + 1, 0.05);
    const diffusion = new GaussianDiffusion(unet, { ...common, textEncoder: enc, padId: tokenizer.padId });
    await exportUNet({ dir, name: 'fixture-text', diffusion, fp16: false, tokenizer: tokenizer.toManifest(), training: training('fixture-text', diffusion.parameterCount()) });
  }
}
