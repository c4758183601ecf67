// `npm start`'s server (server/demo-server.ts run as a program): listens on 127.0.0.1 at PORT, serves the built demo
// and /models/ with COOP/COEP, application/wasm and cacheable model files, and nothing outside its folders.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { checkDemo } from '../server/demo-check.js';
import { isCi, portFromEnv } from '../server/demo-server.js';
import { startStaticServer } from '../server/static-server.js';
import { ensureDemoBuild } from '../scripts/e2e/demo.js';
import { REPO } from '../scripts/e2e/model-fixtures.js';
import { ORT_FOLDER } from '../sdk/worker-assets.js';

let child: ChildProcess;
let port: number;
let stderr = '';

/** A raw GET: '..' reaches the server as written (fetch would normalise it away). */
function get(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  await ensureDemoBuild();
  child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'server', 'demo-server.ts')], { cwd: REPO, env: { ...process.env, PORT: '0', CI: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d) => (stderr += d));
  port = await new Promise<number>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /webgen demo: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`the demo server exited with ${code}: ${stderr}`)));
  });
}, 300_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

describe('npm start server', () => {
  it('serves the demo page, its script and the SDK with COOP/COEP', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<script type="module" src="./app.js">');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const app = await get('/app.js');
    expect(app.status).toBe(200);
    expect(app.headers['content-type']).toMatch(/javascript/);
    expect(app.body.toString()).toContain('./sdk/index.js');
    expect((await get('/sdk/index.js')).status).toBe(200);
    expect((await get('/sdk/worker.js')).status).toBe(200);
  });

  it('sends application/wasm for onnxruntime-web and cache headers for model files', async () => {
    const wasm = await get(`/sdk/${ORT_FOLDER}/ort-wasm-simd-threaded.wasm`);
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.body.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    const onnx = await get('/models/mnist-classifier/model.onnx');
    expect(onnx.status).toBe(200);
    expect(onnx.headers['cache-control']).toBe('public, max-age=86400');
    expect(onnx.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get('/models/mnist-classifier/manifest.json')).headers['cache-control']).toBe('no-cache');
  });

  it('refuses paths outside its folders, plain or encoded', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%2e%2e%2fpackage.json', '/models/../../package.json', '/models/%2e%2e/%2e%2e/package.json', '/sdk/..%5c..%5c..%5cpackage.json', '/.build-hash', '/%2e%2e%2f%2e%2e%2fetc/passwd']) {
      const r = await get(p);
      expect([403, 404], p).toContain(r.status);
      expect(r.body.toString(), p).not.toContain('"name": "webgen"');
    }
  });

  it('PORT is checked: a readable error for a bad value', () => {
    expect(portFromEnv(undefined)).toBe(8080);
    expect(portFromEnv('3000')).toBe(3000);
    expect(() => portFromEnv('80a')).toThrow("PORT must be an integer in [0, 65535], got '80a'");
    expect(() => portFromEnv('70000')).toThrow(/PORT must be an integer/);
  });

  it('under CI it fetches what a browser would (page, SDK, wasm, every shipped model) and exits 0', async () => {
    const ci = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'server', 'demo-server.ts')], { cwd: REPO, env: { ...process.env, PORT: '0', CI: 'true' } });
    let out = '';
    ci.stdout!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((ok) => ci.once('exit', ok));
    expect(code, out).toBe(0);
    expect(out).toMatch(/^ok {3}\/sdk\/worker\.js/m);
    expect(out).toMatch(/^ok {3}\/models\/mnist-classifier\/model\.onnx {2}\d+ bytes$/m);
    const m = /webgen demo check \(CI\): (\d+)\/(\d+) files served .*; models: (.*)$/m.exec(out);
    expect(m?.[1]).toBe(m?.[2]);
    expect(m![3]).toContain('mnist-classifier');
  }, 120_000);

  it('the check names a model file whose size differs from its manifest, and a server without COOP/COEP', async () => {
    const models = mkdtempSync(join(tmpdir(), 'webgen-demo-check-'));
    mkdirSync(join(models, 'broken'));
    writeFileSync(join(models, 'broken', 'model.onnx'), new Uint8Array(10));
    writeFileSync(join(models, 'broken', 'manifest.json'), JSON.stringify({ files: { unet: { path: 'model.onnx', bytes: 12 } } }));
    for (const isolation of [true, false]) {
      const server = await startStaticServer({ mounts: { '/': join(REPO, 'demo', 'dist'), '/models': models }, port: 0, host: '127.0.0.1', crossOriginIsolation: isolation });
      try {
        const results = await checkDemo(server.url, models, join(REPO, 'demo', 'dist', 'sdk'));
        const bad = results.filter((r) => !r.ok);
        if (isolation) expect(bad).toEqual([{ path: '/models/broken/model.onnx', ok: false, detail: '10 bytes, the manifest says 12' }]);
        else expect(bad.length).toBe(results.length);
        if (!isolation) expect(bad[0]!.detail).toMatch(/COOP 'null', COEP 'null' \(WebAssembly threads need same-origin \+ require-corp\)/);
      } finally {
        await server.close();
      }
    }
    expect(isCi('true')).toBe(true);
    expect(isCi('1')).toBe(true);
    expect(isCi('false')).toBe(false);
    expect(isCi(undefined)).toBe(false);
  });

  it('npm start builds the SDK and the demo, then runs this server', async () => {
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('npm run build && npm run build:demo && node --import tsx server/demo-server.ts');
    expect(pkg.scripts['build:demo']).toBe('rollup -c demo/rollup.config.mjs');
  });
});
