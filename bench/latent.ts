/**
 * Latent diffusion speed (issue 20): each shipped latent-diffusion model of models/ draws one 64×64 image from a
 * prompt, 10 guided DDIM steps + the decoder (a distilled student: its own steps, unguided passes), through the SDK's worker on onnxruntime-web wasm in headless Chromium
 * and through the SDK's Node entry on onnxruntime-node, both on THREADS threads (default 2), median of REPS calls after
 * a warm-up, in alternation; with the U-Net + decoder share (timings.modelMs), Node's peak resident memory and
 * Chromium's (every Chromium process summed, sampled from /proc while the model loads and draws).
 *
 * `node --import tsx bench/latent.ts` (npm run bench calls benchLatent).
 */
import { fileURLToPath } from 'node:url';
import { createGenerator } from '../sdk/node.js';
import type { Manifest } from '../sdk/manifest/types.js';
import type { PageLoad, PageRun } from '../scripts/e2e/compare.js';
import { startHarness } from '../scripts/e2e/harness.js';
import { residentBytes, sampleResidentMemory } from '../scripts/e2e/process-memory.js';
import { shippedModels } from '../scripts/e2e/shipped-models.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Figures = Record<string, { value: number; unit: string }>;

const THREADS = Number(process.env.BENCH_LATENT_THREADS ?? 2);
const REPS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchLatent(): Promise<Figures> {
  const figures: Figures = {};
  const put = (name: string, value: number, unit: string) => (figures[name] = { value: Number(value.toPrecision(4)), unit });
  const models = shippedModels()
    .map((m) => ({ ...m, manifest: JSON.parse(readFileSync(join(m.dir, 'manifest.json'), 'utf8')) as Manifest }))
    .filter((m) => m.manifest.kind === 'latent-diffusion');
  if (models.length === 0) return figures;
  const h = await startHarness();
  try {
    for (const m of models) {
      const CHROMIUM = /^chrom/i;
      const before = residentBytes(CHROMIUM);
      const sampler = sampleResidentMemory(CHROMIUM);
      // a distilled student draws at its own step count and default guidance (one pass per step); a teacher 10 guided steps
      const student = m.manifest.sampling?.supportedSteps;
      const options = { prompt: 'grinning face, noto style', steps: student?.[0] ?? 10, guidanceScale: student ? m.manifest.sampling!.guidanceScale! : 3, seed: 1 };
      const what = student ? `${options.steps} steps (distilled, guidance ${options.guidanceScale} as an input) + decode` : '10 guided steps + decode';
      const loaded = (await h.page.evaluate(([u, t]) => (window as any).h.load(u, { backend: 'wasm', threads: t, cache: false }), [`/models/${m.name}`, THREADS] as const)) as PageLoad;
      if (loaded.error) throw new Error(`${m.name}: ${loaded.error.message}`);
      const runWeb = async () => {
        const r = (await h.page.evaluate(([id, opts]) => (window as any).h.run(id, 'textToImage', opts), [loaded.id, options] as const)) as PageRun;
        if (r.error) throw new Error(`${m.name}: ${r.error.message}`);
        return r.images![0]!.timings;
      };
      const gen = await createGenerator({ model: m.dir, threads: THREADS });
      let peak = process.memoryUsage().rss;
      const runNode = async () => {
        const t = (await gen.textToImage(options)).timings;
        peak = Math.max(peak, process.memoryUsage().rss);
        return t;
      };
      await runWeb();
      await runNode();
      const web: number[] = [];
      const node: number[] = [];
      const webModel: number[] = [];
      for (let i = 0; i < REPS; i++) {
        const w = await runWeb();
        web.push(w.totalMs);
        webModel.push(w.modelMs);
        node.push((await runNode()).totalMs);
      }
      const chromiumPeak = sampler.stop();
      await h.page.evaluate((id) => (window as any).h.dispose(id), loaded.id);
      await gen.dispose();
      put(`${m.name}: ${what}, Chromium wasm (${THREADS} threads), target <= 1000`, median(web), 'ms');
      put(`${m.name}: of which U-Net and decoder runs, Chromium wasm`, median(webModel), 'ms');
      put(`${m.name}: ${what}, onnxruntime-node (${THREADS} threads)`, median(node), 'ms');
      put(`${m.name}: Node peak resident memory while drawing`, peak / 1e6, 'MB');
      if (sampler.available) {
        put(`${m.name}: Chromium peak resident memory (all its processes) while loading and drawing`, chromiumPeak / 1e6, 'MB');
        put(`${m.name}: of which above the idle browser with the page open`, (chromiumPeak - before) / 1e6, 'MB');
      }
    }
  } finally {
    await h.close();
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, f] of Object.entries(await benchLatent())) console.log(`${name.padEnd(90)} ${String(f.value).padStart(10)} ${f.unit}`);
  process.exit(0);
}
