// server/static-server.ts: the headers browser ML needs, and nothing served outside a mount's folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../server/static-server.js';

const root = mkdtempSync(join(tmpdir(), 'webgen-static-'));
let server: StaticServer;
const seen: string[] = [];

/** A raw GET (no URL normalisation by a client: '..' reaches the server as written). */
function get(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(join(root, 'site'));
  mkdirSync(join(root, 'models', 'm'), { recursive: true });
  writeFileSync(join(root, 'secret.txt'), 'outside');
  writeFileSync(join(root, 'site', 'index.html'), '<p>hi</p>');
  writeFileSync(join(root, 'site', 'a.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(root, 'site', 'b.mjs'), 'export {}');
  writeFileSync(join(root, 'site', '.env'), 'dotfile');
  writeFileSync(join(root, 'models', 'm', 'model.onnx'), 'onnx');
  server = await startStaticServer({ mounts: { '/': join(root, 'site'), '/models': join(root, 'models') }, onRequest: (r) => seen.push(r.url!) });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('startStaticServer', () => {
  it('sends COOP/COEP/CORP on every response, application/wasm for .wasm and text/javascript for .mjs', async () => {
    const wasm = await get('/a.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(wasm.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(wasm.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect((await get('/b.mjs')).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await get('/nope')).headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('lets browsers cache model files and revalidate everything else', async () => {
    expect((await get('/models/m/model.onnx')).headers['cache-control']).toBe('public, max-age=86400');
    expect((await get('/index.html')).headers['cache-control']).toBe('no-cache');
  });

  it('serves the longest matching mount; a folder serves its index.html', async () => {
    expect((await get('/models/m/model.onnx')).body).toBe('onnx');
    expect((await get('/')).body).toBe('<p>hi</p>');
    expect(seen).toContain('/models/m/model.onnx');
  });

  it('never serves outside a mount, however the path is spelled, nor dotfiles', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/models/../secret.txt', '/models/%2E%2E/%2e%2e/secret.txt', '/..%2fsecret.txt', '/models/..%5c..%5csecret.txt', '/.env', '/%00', '/%E0%A4%A']) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toMatch(/outside|dotfile/);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const status = await new Promise<number>((ok) => request({ host: '127.0.0.1', port: server.port, path: '/index.html', method: 'POST' }, (r) => ok(r.statusCode!)).end());
    expect(status).toBe(405);
  });

  it('can leave cross-origin isolation off (to show the single-thread fallback)', async () => {
    const plain = await startStaticServer({ mounts: { '/': join(root, 'site') }, crossOriginIsolation: false });
    try {
      const r = await fetch(`${plain.url}/index.html`);
      expect(r.headers.get('cross-origin-embedder-policy')).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
