/**
 * The e2e tests run the built SDK (sdk/dist, what the `webgen` package ships). ensureSdkBuild() runs `rollup -c` when the build is
 * missing or older than its sources (a hash of sdk/**, rollup.config.mjs and the onnxruntime-web version is stamped
 * beside it), under a lock so parallel test files build once.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO, withLock } from './model-fixtures.js';

export const SDK_DIST = join(REPO, 'sdk', 'dist');
const STAMP = join(SDK_DIST, '.build-hash');

function sourcesHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const f of readdirSync(dir).sort()) {
      if (f === 'dist' || f === 'node_modules') continue; // the build's own output, never its input
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) h.update(p.slice(REPO.length)).update(readFileSync(p));
    }
  };
  walk(join(REPO, 'sdk'));
  h.update(readFileSync(join(REPO, 'sdk', 'rollup.config.mjs'))).update(readFileSync(join(REPO, 'sdk', 'package.json')));
  const wasm = join(REPO, 'wasm', 'build', 'webgen-stats.wasm');
  if (existsSync(wasm)) h.update(readFileSync(wasm));
  h.update(readFileSync(join(REPO, 'node_modules', 'onnxruntime-web', 'package.json')));
  return h.digest('hex');
}

export async function ensureSdkBuild(): Promise<string> {
  const hash = sourcesHash();
  const fresh = () => existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash && existsSync(join(SDK_DIST, 'worker.js'));
  if (fresh()) return SDK_DIST;
  return withLock(join(REPO, 'dist', '.lock-sdk-build'), async () => {
    if (fresh()) return SDK_DIST;
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c', join('sdk', 'rollup.config.mjs')], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the SDK build (rollup -c) failed:\n${r.stdout}\n${r.stderr}`);
    writeFileSync(STAMP, hash);
    return SDK_DIST;
  });
}

/** Minified + gzipped size of the SDK's browser JavaScript (entry, worker, shared chunks; no onnxruntime), in bytes. */
export function sdkGzipBytes(dir: string = SDK_DIST): number {
  const files = ['index.js', 'worker.js', ...readdirSync(join(dir, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => `chunks/${f}`)];
  return files.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
}
