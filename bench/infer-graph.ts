/**
 * The inference graph for WebAssembly (issue 22, point 4): one U-Net step (batch 2: a guided image's conditional and
 * unconditional halves) of a diffusion model folder, in each graph variant — the file as exported, the other
 * GroupNorm / SiLU / attention forms of bench/graph-forms.ts, weight-only int8 (trainer/export/quantize-int8.ts) and
 * the shipped float16-weights variant — timed in onnxruntime-node and in headless Chromium on onnxruntime-web's wasm
 * backend (a module worker, THREADS threads, cross-origin isolated), round-robin over the variants in the same run,
 * median of REPS rounds; with onnxruntime-node's session profile (ms per op type per step), the file's bytes and the
 * largest |variant − as exported| over fixed inputs at three timesteps. Each variant is also written as a model folder
 * (the source folder's manifest, that file's sha256 and bytes) for the quality evals:
 *
 *   node --import tsx bench/infer-graph.ts [--model models/mnist-ddim] [--out DIR] [--reps 30] [--threads 2]
 *        [--variants LIST] [--no-browser] [--markdown FILE]
 *   then per variant: webgen-train eval-classes --model DIR/<variant> … and webgen eval fid --model DIR/<variant> …
 *
 * DIR defaults to ~/.cache/webgen-runs/infer-graph/<model name>. Run on a quiet machine for milliseconds; the ratios
 * to the exported file, measured in the same rounds, are what survives a loaded one.
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { chromium } from 'playwright';
import { startStaticServer } from '../server/static-server.js';
import { CHROMIUM } from '../scripts/e2e/harness.js';
import { REPO } from '../scripts/e2e/model-fixtures.js';
import type { Manifest } from '../sdk/manifest/types.js';
import { Rng } from '../sdk/random/rng.js';
import { sha256Bytes } from '../trainer/export/model-folder.js';
import { quantizeWeightsInt8 } from '../trainer/export/quantize-int8.js';
import { withGraphForms, type GraphForm } from './graph-forms.js';
import { calibrationFeeds, quantizeConvQdq } from './qdq.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    out: { type: 'string' },
    reps: { type: 'string' },
    threads: { type: 'string' },
    variants: { type: 'string' },
    'no-browser': { type: 'boolean' },
    markdown: { type: 'string' },
  },
});
const modelDir = resolve(values.model ?? 'models/mnist-ddim');
const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as Manifest;
const outDir = resolve(values.out ?? join(homedir(), '.cache', 'webgen-runs', 'infer-graph', manifest.name));
const REPS = Number(values.reps ?? 30);
const THREADS = Number(values.threads ?? 2);
const BATCH = 2;
const unet = manifest.files.unet!;
const base = new Uint8Array(readFileSync(join(modelDir, unet.path)));

const BUILDERS: Record<string, () => Uint8Array | Promise<Uint8Array>> = {
  exported: () => base,
  'gn-op21': () => withGraphForms(base, ['gn-op21']),
  'gn-reduce': () => withGraphForms(base, ['gn-reduce']),
  'silu-quickgelu': () => withGraphForms(base, ['silu-quickgelu']),
  'attn-mha': () => withGraphForms(base, ['attn-mha']),
  'gn-op21+attn-mha': () => withGraphForms(base, ['gn-op21', 'attn-mha'] as GraphForm[]),
  'int8-cast': () => quantizeWeightsInt8(base, { form: 'cast' }).bytes,
  'int8-dq': () => quantizeWeightsInt8(base, { form: 'dequantize-linear' }).bytes,
  'qdq-conv': async () => (await quantizeConvQdq(base, await calibrationFeeds(manifest))).bytes,
  ...(unet.variants?.float16 && { float16: () => new Uint8Array(readFileSync(join(modelDir, unet.variants!.float16!.path))) }),
};
const names = values.variants ? values.variants.split(',') : Object.keys(BUILDERS);
for (const n of names) if (!BUILDERS[n]) throw new Error(`--variants: '${n}' is not one of ${Object.keys(BUILDERS).join(', ')}`);
const variants = await Promise.all(names.map(async (name) => ({ name, bytes: await BUILDERS[name]!() })));

// 1. fixed inputs: batch 2 (class 3 and the null class), one noise, three timesteps
function feedsAt(t: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of unet.inputs) {
    const dims = spec.shape.map((d) => (typeof d === 'number' ? d : BATCH));
    const size = dims.reduce((a, b) => a * b, 1);
    if (spec.name === 'class_labels') feeds[spec.name] = new ort.Tensor('int64', BigInt64Array.from([3n, BigInt(manifest.conditioning?.nullClass ?? 0)]), dims);
    else if (spec.name === 'timestep') feeds[spec.name] = new ort.Tensor('float32', new Float32Array(size).fill(t), dims);
    else feeds[spec.name] = new ort.Tensor('float32', Float32Array.from(new Rng(7).normalArray(size)), dims);
  }
  return feeds;
}
const TIMESTEPS = [50, 500, 950];

// 2. variant folders, for eval-classes / eval fid
for (const v of variants) {
  const dir = join(outDir, v.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(modelDir)) if (!f.endsWith('.onnx') && f !== 'manifest.json') cpSync(join(modelDir, f), join(dir, f));
  for (const [role, file] of Object.entries(manifest.files)) if (role !== 'unet') cpSync(join(modelDir, file.path), join(dir, file.path));
  writeFileSync(join(dir, unet.path), v.bytes);
  const { variants: _, ...own } = unet;
  const m = { ...manifest, files: { ...manifest.files, unet: { ...own, sha256: sha256Bytes(v.bytes), bytes: v.bytes.byteLength, weights: v.name === 'float16' ? 'float16' : 'float32' } } };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
}

// 3. onnxruntime-node: parity, round-robin timing, profile
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const options = { executionProviders: ['cpu'], intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all' } as const;
const sessions = await Promise.all(variants.map((v) => ort.InferenceSession.create(v.bytes, options)));
const step = feedsAt(500);
const maxDiff: number[] = variants.map(() => 0);
for (const t of TIMESTEPS) {
  const outs = await Promise.all(sessions.map(async (s) => (await s.run(feedsAt(t))).model_output!.data as Float32Array));
  outs.forEach((o, i) => (maxDiff[i] = Math.max(maxDiff[i]!, ...o.map((x, j) => Math.abs(x - outs[0]![j]!)))));
}
for (const s of sessions) for (let i = 0; i < 3; i++) await s.run(step);
const nodeMs: number[][] = variants.map(() => []);
for (let r = 0; r < REPS; r++) {
  for (const [i, s] of sessions.entries()) {
    const t0 = performance.now();
    await s.run(step);
    nodeMs[i]!.push(performance.now() - t0);
  }
}
for (const s of sessions) await s.release();

/** ms per op type per step, from onnxruntime-node's profile of `runs` steps. */
const PROFILE_RUNS = 30;
/** ms per op type per step of each file, from onnxruntime-node's profiles of PROFILE_RUNS steps, run round-robin. */
async function profileNode(files: Uint8Array[]): Promise<Record<string, number>[]> {
  const dirs = files.map((_, i) => join(tmpdir(), `webgen-profile-${process.pid}-${i}`));
  const profiled = [];
  for (const [i, bytes] of files.entries()) {
    mkdirSync(dirs[i]!, { recursive: true });
    profiled.push(await ort.InferenceSession.create(bytes, { ...options, enableProfiling: true, profileFilePrefix: join(dirs[i]!, 'p') }));
  }
  for (let r = 0; r < PROFILE_RUNS; r++) for (const s of profiled) await s.run(step);
  const out = [];
  for (const [i, s] of profiled.entries()) {
    s.endProfiling();
    await s.release();
    const file = readdirSync(dirs[i]!).find((f) => f.endsWith('.json'))!;
    out.push(byOpType(JSON.parse(readFileSync(join(dirs[i]!, file), 'utf8')) as ProfileEvent[]));
    rmSync(dirs[i]!, { recursive: true, force: true });
  }
  return out;
}

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

/** ms per op type per step from onnxruntime's profile events (the Node file, or the JSON lines onnxruntime-web logs). */
function byOpType(events: ProfileEvent[]): Record<string, number> {
  // kernel events are '<node>_kernel_time', one per node per run: each node's median over the runs (robust to the
  // load spikes of a shared machine, and to the first run's allocations), summed per op type
  const byNode = new Map<string, { op: string; us: number[] }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
    const n = byNode.get(e.name) ?? { op: e.args.op_name, us: [] };
    n.us.push(e.dur);
    byNode.set(e.name, n);
  }
  const byOp: Record<string, number> = {};
  for (const n of byNode.values()) byOp[n.op] = (byOp[n.op] ?? 0) + median(n.us) / 1000;
  return byOp;
}
const profiles = await profileNode(variants.map((v) => v.bytes));

// 4. Chromium, onnxruntime-web wasm in a module worker: round-robin timing
let webMs: number[][] | undefined;
const webProfiles: Record<string, number>[] = [];
if (!values['no-browser']) {
  const page = join(tmpdir(), `webgen-infer-page-${process.pid}`);
  mkdirSync(page, { recursive: true });
  writeFileSync(join(page, 'index.html'), '<!doctype html><meta charset="utf-8"><p id="status">ready</p>');
  writeFileSync(
    join(page, 'worker.js'),
    `import * as ort from '/ort/ort.wasm.min.mjs';
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.proxy = false;
const tensors = (feeds) => Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor(v.type, v.type === 'int64' ? BigInt64Array.from(v.data.map(BigInt)) : Float32Array.from(v.data), v.dims)]));
onmessage = async ({ data: { urls, threads, reps, feeds, profile } }) => {
  try {
    ort.env.wasm.numThreads = threads;
    if (profile) {
      // onnxruntime-web writes the profile through its logger: one console line per event, at EndProfiling; a marker
      // line before each session's says whose events follow
      const sessions = [];
      for (const u of urls) sessions.push(await ort.InferenceSession.create(u, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', enableProfiling: true, logSeverityLevel: 0 }));
      const f = tensors(feeds);
      for (let r = 0; r < reps; r++) for (const s of sessions) await s.run(f);
      for (const [i, s] of sessions.entries()) { console.log('@@profile ' + i); s.endProfiling(); }
      console.log('@@profile end');
      postMessage({ profiled: true });
      return;
    }
    const sessions = [];
    for (const u of urls) sessions.push(await ort.InferenceSession.create(u, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }));
    const f = tensors(feeds);
    for (const s of sessions) for (let i = 0; i < 3; i++) await s.run(f);
    const ms = sessions.map(() => []);
    for (let r = 0; r < reps; r++) for (const [i, s] of sessions.entries()) { const t0 = performance.now(); await s.run(f); ms[i].push(performance.now() - t0); }
    postMessage({ ms, isolated: self.crossOriginIsolated });
  } catch (e) { postMessage({ error: String(e && e.stack || e) }); }
};`,
  );
  const server = await startStaticServer({ mounts: { '/': page, '/ort': join(REPO, 'node_modules', 'onnxruntime-web', 'dist'), '/v': outDir }, crossOriginIsolation: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const p = await browser.newPage();
    await p.goto(`${server.url}/index.html`);
    const feeds = Object.fromEntries(Object.entries(step).map(([k, t]) => [k, { type: t.type, dims: t.dims, data: Array.from(t.data as ArrayLike<number | bigint>, Number) }]));
    const logged: string[] = [];
    p.on('console', (m) => logged.push(m.text()));
    const inWorker = (message: object) =>
      p.evaluate(
        (m) =>
          new Promise((done) => {
            const w = new Worker('/worker.js', { type: 'module' });
            w.onmessage = (e) => (w.terminate(), done(e.data));
            w.onerror = (e) => done({ error: e.message });
            w.postMessage(m);
          }),
        message,
      ) as Promise<{ ms?: number[][]; isolated?: boolean; error?: string }>;
    const urlOf = (v: { name: string }) => `/v/${v.name}/${unet.path}`;
    const r = await inWorker({ urls: variants.map(urlOf), threads: THREADS, reps: REPS, feeds });
    if (r.error) throw new Error(`Chromium: ${r.error}`);
    if (!r.isolated) throw new Error('Chromium: the page is not cross-origin isolated, onnxruntime-web would run on one thread');
    webMs = r.ms;
    logged.length = 0;
    const done = await inWorker({ profile: true, urls: variants.map(urlOf), threads: THREADS, reps: PROFILE_RUNS, feeds });
    if (done.error) throw new Error(`Chromium profile: ${done.error}`);
    for (let wait = 0; !logged.includes('@@profile end') && wait < 50; wait++) await new Promise((r) => setTimeout(r, 100));
    let events: ProfileEvent[] = [];
    for (const line of [...logged, '@@profile end']) {
      if (line.startsWith('@@profile')) {
        if (line !== '@@profile 0') webProfiles.push(byOpType(events));
        events = [];
      } else if (line.startsWith('{"cat"')) events.push(JSON.parse(line.replace(/,\s*$/, '')) as ProfileEvent);
    }
    webProfiles.splice(variants.length);
  } finally {
    await browser.close();
    await server.close();
    rmSync(page, { recursive: true, force: true });
  }
}

// 5. report
const lines: string[] = [];
const f1 = (x: number) => x.toFixed(2);
const pct = (x: number, base: number) => `${x >= base ? '+' : ''}${((x / base - 1) * 100).toFixed(1)}%`;
const minOf = (xs: number[]) => Math.min(...xs);
lines.push(`${manifest.name}: one U-Net step at batch ${BATCH}, ${THREADS} threads, ${REPS} round-robin rounds (median, and the fastest round); max |Δ| vs the exported file over t ∈ {${TIMESTEPS.join(', ')}}`);
lines.push('');
lines.push('| variant | Chromium wasm ms (median / min) | vs exported (median / min) | onnxruntime-node ms (median / min) | vs exported (median / min) | bytes | max abs diff |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
variants.forEach((v, i) => {
  const cell = (ms: number[][] | undefined) => (ms ? `${f1(median(ms[i]!))} / ${f1(minOf(ms[i]!))}` : '–');
  const rel = (ms: number[][] | undefined) => (ms ? `${pct(median(ms[i]!), median(ms[0]!))} / ${pct(minOf(ms[i]!), minOf(ms[0]!))}` : '–');
  lines.push(`| ${v.name} | ${cell(webMs)} | ${rel(webMs)} | ${cell(nodeMs)} | ${rel(nodeMs)} | ${v.bytes.byteLength.toLocaleString('en-US')} | ${maxDiff[i]!.toExponential(1)} |`);
});
const opTable = (title: string, ps: Record<string, number>[]) => {
  if (ps.length === 0) return;
  const ops = [...new Set(ps.flatMap((p) => Object.keys(p)))].sort((a, b) => (ps[0]![b] ?? 0) - (ps[0]![a] ?? 0));
  lines.push('', `${title} (enableProfiling, ${PROFILE_RUNS} steps; each node's median, summed per op type, after onnxruntime's graph optimisations): ms per step`, '');
  lines.push(`| op type | ${variants.map((v) => v.name).join(' | ')} |`, `| --- | ${variants.map(() => '---:').join(' | ')} |`);
  for (const op of ops) lines.push(`| ${op} | ${ps.map((p) => (p[op] === undefined ? '' : p[op]!.toFixed(3))).join(' | ')} |`);
  lines.push(`| **sum** | ${ps.map((p) => Object.values(p).reduce((a, b) => a + b, 0).toFixed(3)).join(' | ')} |`);
};
opTable('Chromium, onnxruntime-web wasm profile', webProfiles);
opTable('onnxruntime-node profile', profiles);
console.log(lines.join('\n'));
console.log(`\nvariant folders: ${outDir}/{${variants.map((v) => v.name).join(',')}} (${basename(modelDir)}'s manifest)`);
if (values.markdown) writeFileSync(values.markdown, `${lines.join('\n')}\n`);
process.exit(0);
