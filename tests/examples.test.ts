/**
 * examples/ are real apps and these are their tests: each is copied to a fresh folder outside the repository, installs
 * the packed SDK tarball (install scripts disabled), builds with its own bundler, and is served with COOP/COEP; in
 * Chromium it must draw a non-blank digit with the shipped mnist-ddim and log no error. Vite runs in both modes (build
 * + static serving, and its dev server); the Node example writes PNGs and scores them with FID/KID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer } from '../server/static-server.js';
import { openApp, type AppRun } from './examples/open-app.js';
import { copyModels, installApp, npm, packSdk, removeApp } from './examples/pack.js';

let tarball: string;
const apps: string[] = [];

beforeAll(async () => {
  tarball = (await packSdk()).tarball;
}, 300_000);

afterAll(() => {
  if (!process.env.WEBGEN_KEEP_EXAMPLES) for (const dir of apps) removeApp(dir);
});

function app(name: string, extra?: Record<string, string>): string {
  const dir = installApp(name, tarball, extra);
  apps.push(dir);
  // the app uses the tarball, not the repository's workspace link
  expect(JSON.parse(readFileSync(join(dir, 'node_modules', 'webgen', 'package.json'), 'utf8')).name).toBe('webgen');
  return dir;
}

async function serveAndOpen(root: string, page: string): Promise<AppRun> {
  const server = await startStaticServer({ mounts: { '/': root }, port: 0, host: '127.0.0.1', crossOriginIsolation: true });
  try {
    return await openApp(`${server.url}${page}`);
  } finally {
    await server.close();
  }
}

function expectDrawn(run: AppRun): void {
  expect(run.errors, `${run.status}\n${run.errors.join('\n')}`).toEqual([]);
  expect(run.done, run.status).toBe('true');
  expect(run.status).toMatch(/^a 7, drawn on wasm/);
  expect(run.pixelStd).toBeGreaterThan(20);
}

describe('examples/vite', () => {
  let dir: string;
  beforeAll(() => {
    dir = app('vite');
    copyModels(join(dir, 'public', 'models'), ['mnist-ddim']);
  }, 300_000);

  it('type-checks against the packed .d.ts files and builds; the built app draws a digit', async () => {
    const log = bundlerLog(npm(['run', 'build'], dir));
    expect(log).not.toMatch(/warn|externalized|error/i); // nothing of webgen's makes a bundler complain
    const built = readFileSync(join(dir, 'dist', 'index.html'), 'utf8');
    expect(built).toMatch(/assets\/index-[\w-]+\.js/);
    const run = await serveAndOpen(join(dir, 'dist'), '/index.html');
    expectDrawn(run);
    // onnxruntime's files came from the build's own assets, not from node_modules
    expect(run.requests.some((u) => /\/assets\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(u))).toBe(true);
  });

  it("runs under Vite's dev server", async () => {
    const port = await freePort();
    const vite = spawn(process.execPath, [join(dir, 'node_modules', 'vite', 'bin', 'vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    vite.stdout!.on('data', (b: Buffer) => (log += b));
    vite.stderr!.on('data', (b: Buffer) => (log += b));
    try {
      await waitForOutput(vite, /Local:/, 60_000);
      expectDrawn(await openApp(`http://127.0.0.1:${port}/`));
      // the package's source maps carry their sources, and onnxruntime's files point at no missing map
      expect(log).not.toMatch(/source ?map|missing source files|error/i);
    } finally {
      vite.kill('SIGTERM');
    }
  });
});

describe('examples/webpack', () => {
  it('builds with webpack 5 (no plugins, no webgen config) and draws a digit', async () => {
    const dir = app('webpack');
    copyModels(join(dir, 'models'), ['mnist-ddim']);
    const log = bundlerLog(npm(['run', 'build'], dir));
    expect(log).not.toMatch(/WARNING|ERROR/);
    expect(existsSync(join(dir, 'dist', 'main.js'))).toBe(true);
    expectDrawn(await serveAndOpen(dir, '/index.html'));
  });
});

describe('examples/esbuild', () => {
  it('builds with esbuild, copies the dist folder as documented, and draws a digit through assetsUrl', async () => {
    const dir = app('esbuild');
    copyModels(join(dir, 'models'), ['mnist-ddim']);
    const log = bundlerLog(npm(['run', 'build'], dir));
    expect(log).not.toMatch(/WARNING|ERROR/);
    const run = await serveAndOpen(dir, '/index.html');
    expectDrawn(run);
    expect(run.requests.some((u) => u.endsWith('/dist/webgen/worker.js'))).toBe(true);
  });
});

describe('examples/node', () => {
  it('writes one PNG per digit with webgen/node and scores them with FID/KID from the installed package', () => {
    const dir = app('node', { 'onnxruntime-node': '1.30.0' });
    copyModels(join(dir, 'models'), ['mnist-ddim', 'mnist-classifier']);
    const r = spawnSync(process.execPath, ['main.mjs', 'models', 'out'], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { images: number; fid: number; kid: number };
    expect(result.images).toBe(10);
    expect(Number.isFinite(result.fid) && result.fid > 0).toBe(true);
    expect(Number.isFinite(result.kid)).toBe(true);
    for (let i = 0; i < 10; i++) {
      const png = PNG.sync.read(readFileSync(join(dir, 'out', `digit-${i}.png`)));
      expect([png.width, png.height]).toEqual([32, 32]);
      const grey = Array.from({ length: 32 * 32 }, (_, p) => png.data[p * 4]);
      expect(Math.max(...grey) - Math.min(...grey)).toBeGreaterThan(100); // strokes on a background, not a flat image
    }
  });
});

/** The bundler's own output: npm's notices about its own configuration are not the bundler's. */
function bundlerLog(out: string): string {
  return out
    .split('\n')
    .filter((l) => !/^npm (warn|notice)/.test(l))
    .join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const on = (b: Buffer) => {
      out += b.toString();
      if (pattern.test(out.replace(/\x1b\[[0-9;]*m/g, ''))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}:\n${out}`)));
  });
}
