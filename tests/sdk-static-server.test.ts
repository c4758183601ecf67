// server/static-server.ts: the headers browser ML needs, and nothing served outside a mount's folder.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../server/static-server.js';

const root = mkdtempSync(join(tmpdir(), 'webgen-static-'));
let server: StaticServer;
const seen: string[] = [];

/** A raw GET (no URL normalisation by a client: '..' reaches the server as written). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
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
  writeFileSync(join(root, 'models', 'm', 'data.fidstats'), '0123456789'.repeat(100)); // 1000 bytes
  symlinkSync(join(root, 'secret.txt'), join(root, 'models', 'm', 'escape.txt'));
  symlinkSync(root, join(root, 'models', 'up'));
  symlinkSync(join(root, 'models', 'm', 'model.onnx'), join(root, 'models', 'alias.onnx'));
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

  it("lets browsers cache onnxruntime's versioned folder for a year, model files for a day, and revalidate the rest", async () => {
    mkdirSync(join(root, 'site', 'ort-1.30.0'), { recursive: true });
    writeFileSync(join(root, 'site', 'ort-1.30.0', 'ort.wasm.min.mjs'), 'export {}');
    expect((await get('/ort-1.30.0/ort.wasm.min.mjs')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/models/m/model.onnx')).headers['cache-control']).toBe('public, max-age=86400');
    expect((await get('/index.html')).headers['cache-control']).toBe('no-cache');
    expect((await get('/b.mjs')).headers['cache-control']).toBe('no-cache'); // not under a versioned folder
  });

  it('serves the longest matching mount; a folder serves its index.html', async () => {
    expect((await get('/models/m/model.onnx')).body).toBe('onnx');
    expect((await get('/')).body).toBe('<p>hi</p>');
    expect(seen).toContain('/models/m/model.onnx');
  });

  it('never serves outside a mount, however the path is spelled, nor dotfiles', async () => {
    for (const p of ['/models/m/escape.txt', '/models/up/secret.txt', '/models/up/site/index.html', '/../secret.txt', '/%2e%2e/secret.txt', '/models/../secret.txt', '/models/%2E%2E/%2e%2e/secret.txt', '/..%2fsecret.txt', '/models/..%5c..%5csecret.txt', '/.env', '/%00', '/%E0%A4%A', '/models/m%5cmodel.onnx']) {
      const r = await get(p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body, p).not.toMatch(/outside|dotfile/);
    }
  });

  it('follows a symlink whose target stays inside the mount', async () => {
    expect((await get('/models/alias.onnx')).body).toBe('onnx');
  });

  it('refuses methods other than GET and HEAD with 405 and Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const r = await get('/index.html', {}, method);
      expect(r.status, method).toBe(405);
      expect(r.headers.allow, method).toBe('GET, HEAD');
      expect(r.headers['cross-origin-embedder-policy'], method).toBe('require-corp');
    }
  });

  it('answers HEAD with the length and no body', async () => {
    const r = await get('/models/m/data.fidstats', {}, 'HEAD');
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe('1000');
    expect(r.body).toBe('');
  });

  it('gives model and statistics files a Content-Type', async () => {
    expect((await get('/models/m/model.onnx')).headers['content-type']).toBe('application/octet-stream');
    expect((await get('/models/m/data.fidstats')).headers['content-type']).toBe('application/octet-stream');
  });

  it('serves RFC 7233 ranges: suffix ranges are the last bytes, unsatisfiable ones 416, and the server lives on', async () => {
    const suffix = await get('/models/m/data.fidstats', { Range: 'bytes=-100' });
    expect(suffix.status).toBe(206);
    expect(suffix.body).toBe('0123456789'.repeat(10));
    expect(suffix.headers['content-range']).toBe('bytes 900-999/1000');
    const mid = await get('/models/m/data.fidstats', { Range: 'bytes=5-14' });
    expect(mid.status).toBe(206);
    expect(mid.body).toBe('5678901234');
    for (const range of ['bytes=5-2', 'bytes=100-50', 'bytes=1000-', 'bytes=5000-6000']) {
      const r = await get('/models/m/data.fidstats', { Range: range });
      expect(r.status, range).toBe(416);
      expect(r.headers['content-range'], range).toBe('bytes */1000');
      expect(r.headers['cross-origin-embedder-policy'], range).toBe('require-corp');
    }
    // A range past the end is clamped to the file (RFC 7233 §2.1), however many digits it has.
    const huge = await get('/models/m/data.fidstats', { Range: 'bytes=0-99999999999999999999' });
    expect([200, 206]).toContain(huge.status);
    expect(huge.body.length).toBe(1000);
    // Garbage or several ranges: the whole file.
    for (const range of ['bytes=abc', 'pages=1-2', 'bytes=1-2,5-6,9-', 'bytes=--1']) expect((await get('/models/m/data.fidstats', { Range: range })).body.length, range).toBe(1000);
    expect((await get('/index.html')).status).toBe(200);
  });

  it('sends an ETag and answers 304 to a matching If-None-Match', async () => {
    const first = await get('/models/m/model.onnx');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W?\/?".+"$/);
    const again = await get('/models/m/model.onnx', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect((await get('/models/m/model.onnx', { 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('redirects a folder without its trailing slash, so relative links inside it resolve', async () => {
    const r = await get('/models/m');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/models/m/');
    expect((await get('/models/m/')).status).toBe(404); // no index.html there
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

describe('compression (brotli / gzip as Accept-Encoding asks; ranges stay identity)', () => {
  const big = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i % 97} of a compressible wasm-like file\n`).join(''));
  const raw = (path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((ok, fail) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      });
      req.on('error', fail);
      req.end();
    });
  beforeAll(() => writeFileSync(join(root, 'site', 'big.wasm'), big));

  it('sends brotli when accepted, gzip when only gzip is, identity otherwise; the bytes decode to the file', async () => {
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
    const br = await raw('/big.wasm', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(br.body.length).toBeLessThan(big.length / 5);
    expect(brotliDecompressSync(br.body).equals(big)).toBe(true);
    const gz = await raw('/big.wasm', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(big)).toBe(true);
    const id = await raw('/big.wasm', {});
    expect(id.headers['content-encoding']).toBeUndefined();
    expect(id.body.equals(big)).toBe(true);
  });

  it('a Range request gets the identity bytes of that range, and a revalidation a 304', async () => {
    const part = await raw('/big.wasm', { 'Accept-Encoding': 'br', Range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.body.equals(big.subarray(10, 20))).toBe(true);
    const first = await raw('/big.wasm', { 'Accept-Encoding': 'br' });
    const again = await raw('/big.wasm', { 'Accept-Encoding': 'br', 'If-None-Match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('compresses model weights (.onnx) on the fly, and leaves other octet-stream files (.fidstats) as they are', async () => {
    const { brotliDecompressSync } = await import('node:zlib');
    writeFileSync(join(root, 'models', 'm', 'big.onnx'), big);
    const r = await raw('/models/m/big.onnx', { 'Accept-Encoding': 'br, gzip' });
    expect(r.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(r.body).equals(big)).toBe(true);
    writeFileSync(join(root, 'models', 'm', 'big.fidstats'), big);
    const f = await raw('/models/m/big.fidstats', { 'Accept-Encoding': 'br, gzip' });
    expect(f.headers['content-encoding']).toBeUndefined();
    expect(f.body.equals(big)).toBe(true);
  });

  it('sends a fresh precompressed sibling (x.wasm.br, x.wasm.gz) as it is, with its own ETag; a stale one or a Range gets the file', async () => {
    const { brotliCompressSync, brotliDecompressSync, gzipSync, gunzipSync } = await import('node:zlib');
    const { utimesSync } = await import('node:fs');
    const file = join(root, 'site', 'pre.wasm');
    writeFileSync(file, big);
    // The sibling at quality 11 (on the fly is 4): its exact bytes and length show that it, not a recompression, was sent.
    const pre = brotliCompressSync(big, { params: { [(await import('node:zlib')).constants.BROTLI_PARAM_QUALITY]: 11 } });
    writeFileSync(`${file}.br`, pre);
    writeFileSync(`${file}.gz`, gzipSync(big, { level: 9 }));
    const br = await raw('/pre.wasm', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('application/wasm');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['content-length']).toBe(String(pre.length)); // sent as it is, not recompressed
    expect(br.body.equals(pre)).toBe(true);
    expect(brotliDecompressSync(br.body).equals(big)).toBe(true);
    const id = await raw('/pre.wasm', {});
    expect(id.headers['content-encoding']).toBeUndefined();
    expect(id.headers.vary).toMatch(/Accept-Encoding/i);
    expect(id.headers.etag).not.toBe(br.headers.etag); // a strong validator per representation
    const again = await raw('/pre.wasm', { 'Accept-Encoding': 'br', 'If-None-Match': String(br.headers.etag) });
    expect(again.status).toBe(304);
    const gz = await raw('/pre.wasm', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(big)).toBe(true);
    const part = await raw('/pre.wasm', { 'Accept-Encoding': 'br', Range: 'bytes=0-9' });
    expect(part.status).toBe(206);
    expect(part.body.equals(big.subarray(0, 10))).toBe(true);
    // The file rebuilt after its .br: the stale sibling is ignored (compressed on the fly instead, still the file's bytes).
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const stale = await raw('/pre.wasm', { 'Accept-Encoding': 'br' });
    expect(stale.headers['content-length']).toBeUndefined();
    expect(brotliDecompressSync(stale.body).equals(big)).toBe(true);
  });
});
