/**
 * Few-step generation, ms per image: each distilled student of models/ (manifest sampling.supportedSteps) at its step
 * count against its teacher's samplers (guided DDIM 10/20 and DPM-Solver++ 5/10 with the teacher's default guidance
 * and interval), one image of class 3 per call, on onnxruntime-web wasm in headless Chromium through the SDK's worker
 * and on onnxruntime-node through the SDK's Node entry, both on THREADS threads (default 2), median of REPS calls after
 * a warm-up, measured in alternation so that load from other processes falls on both alike.
 *
 * `node --import tsx bench/few-step.ts [extra-student-dir …]` (npm run bench calls benchFewStep with none): students
 * outside models/ (earlier stages) can be given as folders; their teacher must be in models/ or given too.
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from '../sdk/node.js';
import type { Manifest } from '../sdk/manifest/types.js';
import type { PageLoad, PageRun } from '../scripts/e2e/compare.js';
import { startHarness } from '../scripts/e2e/harness.js';
import { shippedModels } from '../scripts/e2e/shipped-models.js';

type Figures = Record<string, { value: number; unit: string }>;

const THREADS = Number(process.env.BENCH_FEW_STEP_THREADS ?? 2);
const REPS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Setting {
  label: string;
  dir: string;
  url: string;
  options: Record<string, unknown>;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

/** The teacher's samplers and every student, as calls to time. */
function settings(extra: string[]): { settings: Setting[]; mounts: Record<string, string> } {
  const shipped = shippedModels().filter((m) => m.diffusion);
  const mounts: Record<string, string> = {};
  const dirs = [...shipped.map((m) => ({ dir: m.dir, url: `/models/${m.name}` })), ...extra.map((d, i) => {
    mounts[`/few-step-${i}`] = resolve(d);
    return { dir: resolve(d), url: `/few-step-${i}` };
  })];
  const students = dirs.filter((d) => manifestOf(d.dir).sampling?.supportedSteps);
  const out: Setting[] = [];
  const teachers = new Set(students.map((s) => manifestOf(s.dir).distillation?.teacher));
  for (const t of dirs.filter((d) => teachers.has(manifestOf(d.dir).name))) {
    const name = manifestOf(t.dir).name;
    for (const steps of [20, 10]) out.push({ label: `${name} DDIM ${steps} steps, guided`, dir: t.dir, url: t.url, options: { steps, classLabel: 3, seed: 1 } });
    for (const steps of [10, 5]) out.push({ label: `${name} DPM-Solver++ ${steps} steps, guided`, dir: t.dir, url: t.url, options: { steps, classLabel: 3, seed: 1, scheduler: 'dpm-solver++' } });
  }
  for (const s of students) {
    const m = manifestOf(s.dir);
    out.push({ label: `${m.name === basename(s.dir) ? m.name : basename(s.dir)} (${m.sampling!.steps}-step student), guided`, dir: s.dir, url: s.url, options: { classLabel: 3, seed: 1 } });
  }
  return { settings: out, mounts };
}

export async function benchFewStep(extra: string[] = []): Promise<Figures> {
  const figures: Figures = {};
  const put = (name: string, value: number, unit: string) => (figures[name] = { value: Number(value.toPrecision(4)), unit });
  const { settings: list, mounts } = settings(extra);
  if (list.length === 0) return figures;
  const h = await startHarness({ mounts });
  try {
    for (const s of list) {
      const loaded = (await h.page.evaluate(([u, t]) => (window as any).h.load(u, { backend: 'wasm', threads: t, cache: false }), [s.url, THREADS] as const)) as PageLoad;
      if (loaded.error) throw new Error(`${s.label}: ${loaded.error.message}`);
      const runWeb = async () => {
        const r = (await h.page.evaluate(([id, opts]) => (window as any).h.run(id, 'sample', opts), [loaded.id, s.options] as const)) as PageRun;
        if (r.error) throw new Error(`${s.label}: ${r.error.message}`);
        return r.images![0]!.timings.totalMs;
      };
      const gen = await createGenerator({ model: s.dir, threads: THREADS });
      const runNode = async () => (await gen.sample(s.options))[0]!.timings.totalMs;
      await runWeb();
      await runNode();
      const web: number[] = [];
      const node: number[] = [];
      for (let i = 0; i < REPS; i++) {
        web.push(await runWeb());
        node.push(await runNode());
      }
      await h.page.evaluate((id) => (window as any).h.dispose(id), loaded.id);
      await gen.dispose();
      put(`${s.label}: one image, Chromium wasm (${THREADS} threads)`, median(web), 'ms');
      put(`${s.label}: one image, onnxruntime-node (${THREADS} threads)`, median(node), 'ms');
    }
  } finally {
    await h.close();
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, f] of Object.entries(await benchFewStep(process.argv.slice(2)))) console.log(`${name.padEnd(90)} ${String(f.value).padStart(10)} ${f.unit}`);
  process.exit(0);
}
