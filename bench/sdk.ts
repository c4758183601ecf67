/**
 * The SDK's figures for `npm run bench` (bench/run.ts calls benchSdk), measured in one run on this machine:
 *   - per denoising step (guided: conditional + unconditional in one batch of 2) of each model, on
 *       (a) onnxruntime-web WASM in headless Chromium, through the SDK's worker (what a web app gets),
 *       (b) onnxruntime-node on the same machine (the native limit), through the SDK's Node entry,
 *       (c) the same network in @tensorflow/tfjs-backend-wasm (what a user would otherwise pick), one forward pass;
 *     and the ratios (a)/(b) (goal ≤ 1.3) and (c)/(a) (goal ≥ 2), all on the same thread count;
 *   - a whole 20-step guided DDIM in Chromium (goal ≤ 0.5 s for a 32×32 model);
 *   - the SDK's own JavaScript, minified + gzipped (budget < 48 KB, tests/e2e-sdk-build.test.ts).
 * Models: every diffusion model in models/ plus the 2.7M-parameter 'bench' U-Net (a random-weight fixture: speed
 * does not depend on the weights). tfjs runs in a child process (`--tfjs-child`) so its wasm threads are its own.
 *
 * Standalone: `node --import tsx bench/sdk.ts` prints the same figures.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from '../sdk/node.js';
import type { Manifest } from '../sdk/manifest/types.js';
import { ensureSdkBuild, sdkGzipBytes } from '../scripts/e2e/build.js';
import type { PageLoad, PageRun } from '../scripts/e2e/compare.js';
import { startHarness } from '../scripts/e2e/harness.js';
import { fixtureModel, REPO } from '../scripts/e2e/model-fixtures.js';
import { shippedModels } from '../scripts/e2e/shipped-models.js';

type Figures = Record<string, { value: number; unit: string }>;

/** Threads for all three runtimes: one, as the probe of the goal (the machine's other cores are busy training). */
const THREADS = Number(process.env.BENCH_SDK_THREADS ?? 1);
const STEPS = 20;
const REPS = 5;

interface BenchModel {
  label: string;
  dir: string;
  /** URL path the test server serves it under. */
  url: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Options of one guided generation of `m` (class 0 or a prompt of its vocabulary): guidance on every step
 * (guidanceInterval [0, 1], whatever the model's own default), so each step is one batch-2 forward pass.
 */
function guidedOptions(manifest: Manifest, steps: number): { method: 'sample' | 'textToImage'; options: Record<string, unknown> } {
  const vocab = manifest.conditioning?.tokenizer?.vocab;
  if (vocab) return { method: 'textToImage', options: { prompt: vocab.slice(2, 4).join(' '), steps, seed: 1, guidanceScale: 2, guidanceInterval: [0, 1] } };
  return { method: 'sample', options: { steps, seed: 1, guidanceScale: 2, guidanceInterval: [0, 1], ...(manifest.conditioning?.classes && { classLabel: 0 }) } };
}

/** The tfjs forward pass of the same network at batch 2 (child process): median ms. */
function tfjsStepMs(manifest: Manifest): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--tfjs-child', JSON.stringify(manifest), String(THREADS)], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"ms"'));
  if (r.status !== 0 || !line) throw new Error(`tfjs bench child failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line).ms as number;
}

/** In the child: builds the manifest's U-Net in tfjs (random weights) on tfjs-backend-wasm and times forward passes. */
async function tfjsChild(manifest: Manifest, threads: number): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  const { selectBackend } = await import('../trainer/backend/select-backend.js');
  const { UNet } = await import('../trainer/models/unet.js');
  const { UNET_PRESETS } = await import('../trainer/models/unet-presets.js');
  await selectBackend({ prefer: 'wasm', threads, log: () => {} });
  const config = manifest.training.config as { model?: keyof typeof UNET_PRESETS; fixture?: string };
  const preset = UNET_PRESETS[config.model ?? (config.fixture === 'bench' ? 'bench' : 'tiny')];
  const { width: S, channels: C } = manifest.image;
  const classes = manifest.conditioning?.classes?.length;
  const ctx = manifest.files.unet!.inputs.find((i) => i.name === 'encoder_hidden_states');
  const L = typeof ctx?.shape[1] === 'number' ? ctx.shape[1] : (manifest.conditioning?.tokenizer?.maxLength ?? 8);
  const D = typeof ctx?.shape[2] === 'number' ? ctx.shape[2] : undefined;
  const unet = new UNet({ ...preset, imageSize: S, inChannels: C, ...(classes && { numClasses: classes }), ...(D && { contextDim: D }) }, 0);
  const B = 2; // guided: [cond; uncond]
  const x = tf.randomNormal([B, S, S, C]) as import('@tensorflow/tfjs').Tensor4D;
  const t = tf.tensor1d([500, 500]);
  const cond = {
    ...(classes && { classLabels: tf.tensor1d([0, classes], 'int32') as import('@tensorflow/tfjs').Tensor1D }),
    ...(D && { context: tf.randomNormal([B, L, D]) as import('@tensorflow/tfjs').Tensor3D }),
  };
  const step = async () => {
    const y = tf.tidy(() => unet.apply(x, t, cond));
    await y.data();
    y.dispose();
  };
  await step();
  await step();
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ ms: median(times) }));
  process.exit(0);
}

export async function benchSdk(): Promise<Figures> {
  const figures: Figures = {};
  const put = (name: string, value: number, unit: string) => (figures[name] = { value: Number(value.toPrecision(4)), unit });
  const dist = await ensureSdkBuild();
  put('SDK JavaScript (no onnxruntime), minified + gzipped', sdkGzipBytes(dist) / 1024, 'KB');

  const models: BenchModel[] = shippedModels()
    .filter((m) => m.diffusion && !m.student) // students: bench/few-step.ts (one step count, no doubled batch)
    .map((m) => ({ label: m.name, dir: m.dir, url: `/models/${m.name}` }));
  const benchDir = await fixtureModel('bench');
  const tinyDir = await fixtureModel('class');
  models.push({ label: 'bench U-Net 2.7M (random weights)', dir: benchDir, url: '/bench-model' });
  models.push({ label: 'tiny U-Net 0.28M, 1 channel (random weights)', dir: tinyDir, url: '/tiny-model' });

  const h = await startHarness({ mounts: { '/bench-model': benchDir, '/tiny-model': tinyDir } });
  try {
    for (const m of models) {
      const manifest = JSON.parse(readFileSync(join(m.dir, 'manifest.json'), 'utf8')) as Manifest;
      const { method, options } = guidedOptions(manifest, STEPS);
      const warm = { ...options, steps: 2 };

      // (a) Chromium, onnxruntime-web wasm in the SDK worker, and (b) onnxruntime-node through the SDK's Node entry,
      // measured in alternation so that load from other processes falls on both alike.
      const loaded = (await h.page.evaluate(([u, t]) => (window as any).h.load(u, { backend: 'wasm', threads: t, cache: false }), [m.url, THREADS] as const)) as PageLoad;
      if (loaded.error) throw new Error(`${m.label}: ${loaded.error.message}`);
      const runWeb = async (o: Record<string, unknown>) => {
        const r = (await h.page.evaluate(([id, me, opts]) => (window as any).h.run(id, me, opts), [loaded.id, method, o] as const)) as PageRun;
        if (r.error) throw new Error(`${m.label}: ${r.error.message}`);
        return r.images![0]!.timings;
      };
      const gen = await createGenerator({ model: m.dir, threads: THREADS });
      const runNode = async (o: Record<string, unknown>) => (method === 'sample' ? (await gen.sample(o))[0]! : await gen.textToImage(o)).timings;
      await runWeb(warm);
      await runNode(warm);
      const web: { total: number; model: number }[] = [];
      const node: { total: number; model: number }[] = [];
      for (let i = 0; i < REPS; i++) {
        const a = await runWeb(options);
        web.push({ total: a.totalMs, model: a.modelMs });
        const b = await runNode(options);
        node.push({ total: b.totalMs, model: b.modelMs });
      }
      await h.page.evaluate((id) => (window as any).h.dispose(id), loaded.id);
      await gen.dispose();

      // What an app gets without choosing: the SDK's default thread count (every core up to 4), guided on every step.
      const byDefault = (await h.page.evaluate((u) => (window as any).h.load(u, { backend: 'wasm', cache: false }), m.url)) as PageLoad;
      if (byDefault.error) throw new Error(`${m.label}: ${byDefault.error.message}`);
      const defaultThreads = (await h.page.evaluate(() => Math.min(4, navigator.hardwareConcurrency || 1))) as number;
      const runDefault = async () => {
        const r = (await h.page.evaluate(([id, me, opts]) => (window as any).h.run(id, me, opts), [byDefault.id, method, options] as const)) as PageRun;
        if (r.error) throw new Error(`${m.label}: ${r.error.message}`);
        return r.images![0]!.timings.totalMs;
      };
      await runDefault();
      const defaultTotals: number[] = [];
      for (let i = 0; i < REPS; i++) defaultTotals.push(await runDefault());
      await h.page.evaluate((id) => (window as any).h.dispose(id), byDefault.id);

      // (c) tfjs-backend-wasm, the same network, one forward pass at batch 2
      const tfjs = tfjsStepMs(manifest);

      const webStep = median(web.map((w) => w.total)) / STEPS;
      const nodeStep = median(node.map((w) => w.total)) / STEPS;
      const p = `${m.label}:`;
      put(`${p} step, onnxruntime-web wasm in Chromium (${THREADS} thread)`, webStep, 'ms');
      put(`${p} step, onnxruntime-node (${THREADS} thread)`, nodeStep, 'ms');
      put(`${p} step, tfjs-backend-wasm forward (${THREADS} thread)`, tfjs, 'ms');
      put(`${p} ratio Chromium wasm / onnxruntime-node (goal <= 1.3)`, webStep / nodeStep, 'x');
      put(`${p} ratio tfjs-wasm / Chromium wasm (goal >= 2)`, tfjs / webStep, 'x');
      put(`${p} ${STEPS}-step guided DDIM in Chromium (goal <= 0.5 s)`, median(web.map((w) => w.total)) / 1000, 's');
      put(`${p} ${STEPS}-step guided DDIM in Chromium, SDK default threads (${defaultThreads}) (goal <= 0.5 s)`, median(defaultTotals) / 1000, 's');
      put(`${p} share of the step inside onnxruntime (Chromium)`, median(web.map((w) => w.model / w.total)) * 100, '%');
    }
  } finally {
    await h.close();
  }
  return figures;
}

if (process.argv[2] === '--tfjs-child') {
  await tfjsChild(JSON.parse(process.argv[3]!) as Manifest, Number(process.argv[4]));
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, f] of Object.entries(await benchSdk())) console.log(`${name.padEnd(80)} ${String(f.value).padStart(10)} ${f.unit}`);
  process.exit(0);
}
