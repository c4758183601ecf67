/**
 * What `npm start` does under CI (CI=true): instead of serving until Ctrl-C, it asks its own server for what a
 * visitor's browser would fetch — the page, the app, the SDK and its worker, onnxruntime's WebAssembly, and every
 * shipped model's manifest and files (sizes checked against the manifest) — with the cross-origin isolation headers
 * WebAssembly threads need, prints one line per check, and exits (0 when all pass).
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ORT_FOLDER } from '../sdk/worker-assets.js';

export interface CheckResult {
  path: string;
  ok: boolean;
  detail: string;
}

const PAGE_FILES = ['/', '/app.js', '/styles.css', '/sdk/index.js', '/sdk/worker.js', '/sdk/webgen-stats.wasm'];

/**
 * The shipped models, as paths under `modelsDir`: folders holding a manifest.json, and one level down those of a
 * folder that groups several (a CycleGAN's two directions: `emoji-cyclegan/noto-to-twemoji`).
 */
export function shippedModels(modelsDir: string): string[] {
  const folders = (dir: string) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : []);
  const hasManifest = (path: string) => existsSync(join(modelsDir, path, 'manifest.json'));
  return folders(modelsDir)
    .flatMap((name) => (hasManifest(name) ? [name] : folders(join(modelsDir, name)).map((sub) => `${name}/${sub}`).filter(hasManifest)))
    .sort();
}

async function check(base: string, path: string, expectBytes?: number): Promise<CheckResult> {
  try {
    const res = await fetch(base + path);
    const body = new Uint8Array(await res.arrayBuffer());
    const coop = res.headers.get('cross-origin-opener-policy');
    const coep = res.headers.get('cross-origin-embedder-policy');
    if (res.status !== 200) return { path, ok: false, detail: `HTTP ${res.status}` };
    if (coop !== 'same-origin' || coep !== 'require-corp') return { path, ok: false, detail: `COOP '${coop}', COEP '${coep}' (WebAssembly threads need same-origin + require-corp)` };
    if (expectBytes !== undefined && body.length !== expectBytes) return { path, ok: false, detail: `${body.length} bytes, the manifest says ${expectBytes}` };
    return { path, ok: true, detail: `${body.length} bytes` };
  } catch (err) {
    return { path, ok: false, detail: (err as Error).message };
  }
}

/** Fetches the demo's files and every shipped model from the server at `base` (e.g. http://127.0.0.1:8080). */
export async function checkDemo(base: string, modelsDir: string, distSdkDir: string): Promise<CheckResult[]> {
  const paths = [...PAGE_FILES];
  const ort = join(distSdkDir, ORT_FOLDER);
  if (existsSync(ort)) for (const f of readdirSync(ort).filter((n) => n.endsWith('.wasm'))) paths.push(`/sdk/${ORT_FOLDER}/${f}`);
  const results = await Promise.all(paths.map((p) => check(base, p)));
  for (const name of shippedModels(modelsDir)) {
    const manifestPath = `/models/${name}/manifest.json`;
    const m = await check(base, manifestPath);
    results.push(m);
    if (!m.ok) continue;
    const manifest = (await (await fetch(base + manifestPath)).json()) as { files?: Record<string, { path: string; bytes: number }> };
    for (const file of Object.values(manifest.files ?? {})) results.push(await check(base, `/models/${name}/${file.path}`, file.bytes));
  }
  return results;
}
