/**
 * The `webgen` package as npm packs it: only the SDK's dist (plus package.json and its README), no runtime
 * dependencies to install, and an install into an empty app that stays small and runs no install script.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../scripts/e2e/model-fixtures.js';
import { folderBytes, installApp, packSdk, removeApp, type PackedSdk } from './examples/pack.js';
import { ORT_FOLDER } from '../sdk/worker-assets.js';

const MB = 1e6;
let packed: PackedSdk;
let app: string | undefined;

beforeAll(async () => {
  packed = await packSdk();
}, 300_000);

afterAll(() => {
  if (app) removeApp(app);
});

describe('the packed SDK', () => {
  it('holds only dist/ files, package.json and README.md', () => {
    const outside = packed.files.map((f) => f.path).filter((p) => !/^dist\/[\w./-]+$/.test(p) && p !== 'package.json' && p !== 'README.md');
    expect(outside).toEqual([]);
    const paths = packed.files.map((f) => f.path);
    for (const needed of ['dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts', 'dist/worker.js', 'dist/webgen-stats.wasm', `dist/${ORT_FOLDER}/ort-wasm-simd-threaded.wasm`, `dist/${ORT_FOLDER}/ort.wasm.min.mjs`]) {
      expect(paths).toContain(needed);
    }
    expect(paths.some((p) => /\.build-hash|\.ts$/.test(p) && !p.endsWith('.d.ts'))).toBe(false);
    console.log(`webgen tarball: ${packed.files.length} files, ${(packed.size / MB).toFixed(1)} MB packed, ${(packed.unpackedSize / MB).toFixed(1)} MB unpacked`);
  });

  it('declares no runtime dependency and no install script; onnxruntime-node is an optional peer', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'sdk', 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependenciesMeta['onnxruntime-node'].optional).toBe(true);
    for (const script of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts?.[script]).toBeUndefined();
  });

  it('installs into an empty app with install scripts disabled and adds at most 60 MB of node_modules', () => {
    app = installApp(undefined, packed.tarball);
    const bytes = folderBytes(join(app, 'node_modules'));
    console.log(`installed into an empty app: ${(bytes / MB).toFixed(1)} MB of node_modules`);
    expect(JSON.parse(readFileSync(join(app, 'node_modules', 'webgen', 'package.json'), 'utf8')).name).toBe('webgen');
    expect(bytes).toBeLessThanOrEqual(60 * MB);
  }, 240_000);

  it("webgen/node without onnxruntime-node installed: a BackendUnavailableError saying what to install", () => {
    app ??= installApp(undefined, packed.tarball);
    const script = `import('webgen/node').then((w) => w.createGenerator({ model: ${JSON.stringify(join(REPO, 'models', 'mnist-ddim'))} })).then(() => console.log('loaded'), (e) => console.log(JSON.stringify({ name: e.name, message: e.message })))`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const err = JSON.parse(r.stdout.trim());
    expect(err.name).toBe('BackendUnavailableError');
    expect(err.message).toContain('npm install onnxruntime-node');
  }, 240_000);
});
