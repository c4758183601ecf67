// server/static-server.ts under fuzz: 5,000 seeded random requests (paths with encodings, dot segments, separators,
// unicode and symlinks; any method; Range, If-None-Match, If-Range and other headers) plus 500 raw byte streams.
// Every request gets an answer, nothing outside the mounts is ever sent, and the server is alive at the end.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { startStaticServer, type StaticServer } from '../server/static-server.js';

const SECRET = 'TOP-SECRET-OUTSIDE';
const root = mkdtempSync(join(tmpdir(), 'webgen-fuzz-'));
let server: StaticServer;

beforeAll(async () => {
  mkdirSync(join(root, 'site', 'sub'), { recursive: true });
  mkdirSync(join(root, 'models', 'm'), { recursive: true });
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'site', 'index.html'), '<p>hi</p>');
  writeFileSync(join(root, 'site', '.env'), SECRET);
  writeFileSync(join(root, 'site', 'sub', 'a b%20c.js'), 'x');
  writeFileSync(join(root, 'models', 'm', 'model.onnx'), Buffer.alloc(4096, 7));
  symlinkSync(join(root, 'secret.txt'), join(root, 'models', 'm', 'link.onnx'));
  symlinkSync(root, join(root, 'site', 'up'));
  symlinkSync('/etc', join(root, 'models', 'etc'));
  server = await startStaticServer({ mounts: { '/': join(root, 'site'), '/models': join(root, 'models') } });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const SEGMENTS = ['models', 'm', 'model.onnx', 'link.onnx', 'index.html', 'sub', 'a%20b%2520c.js', 'up', 'etc', 'passwd', 'secret.txt', '.env', '..', '.', '%2e%2e', '%2E%2e', '..%2f', '..%5c', '%5c', '%2f', '%00', '%', '%zz', '%E0%A4%A', '%C0%AE%C0%AE', 'é', '%C3%A9', '~', 'model.onnx%00.txt', '', ' ', '%20', 'a'.repeat(300), '\u2025', '%E2%80%A5', '+', ';', '*', ':', '@'];
const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'CONNECTX'];
const RANGES = ['bytes=5-2', 'bytes=100-50', 'bytes=0-99999999999999999999', 'bytes=-100', 'bytes=-0', 'bytes=0-', 'bytes=4095-', 'bytes=4096-', 'bytes=abc', 'bytes=1-2,3-4', 'bytes=1-2,1-2,1-2,1-2,1-2,1-2', 'bytes=', 'bytes=-', 'bytes=--5', 'bytes=9007199254740993-', 'items=0-1', 'bytes=0-0', 'bytes= 1 - 2 ', 'bytes=-99999999999999999999999'];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng.uniform() * xs.length)]!;
}

function randomPath(rng: Rng): string {
  const n = 1 + Math.floor(rng.uniform() * 6);
  let path = '';
  for (let i = 0; i < n; i++) path += `/${pick(rng, SEGMENTS)}`;
  if (rng.uniform() < 0.15) path += '/';
  if (rng.uniform() < 0.1) path += `?${pick(rng, ['a=1', '../../x', '%zz', ''])}`;
  if (rng.uniform() < 0.05) path = path.replace(/\//g, '//');
  return encodeURI(decodeURIComponentSafe(path)) === path ? path : path.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function randomHeaders(rng: Rng): Record<string, string> {
  const h: Record<string, string> = {};
  if (rng.uniform() < 0.5) h.Range = pick(rng, RANGES);
  if (rng.uniform() < 0.15) h['If-None-Match'] = pick(rng, ['*', '"x"', 'W/"1000-0"', '', '"' + 'a'.repeat(500) + '"']);
  if (rng.uniform() < 0.1) h['If-Range'] = pick(rng, ['"x"', 'Thu, 01 Jan 1970 00:00:00 GMT', 'garbage']);
  if (rng.uniform() < 0.1) h['If-Modified-Since'] = pick(rng, ['Thu, 01 Jan 2099 00:00:00 GMT', 'not a date', '0']);
  if (rng.uniform() < 0.1) h['If-Match'] = pick(rng, ['"nope"', '*']);
  if (rng.uniform() < 0.1) h['Accept-Encoding'] = pick(rng, ['br, gzip', 'identity;q=0', '*']);
  return h;
}

interface Reply {
  status: number;
  body: string;
  coep: string | undefined;
}

function send(agent: Agent, method: string, path: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers, agent }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode!, body, coep: res.headers['cross-origin-embedder-policy'] as string | undefined }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** Writes raw bytes on a fresh socket; resolves with whatever came back before the server closed it (or 2 s). */
function raw(bytes: Buffer): Promise<string> {
  return new Promise((ok) => {
    const socket = connect(server.port, '127.0.0.1');
    let got = '';
    const done = () => {
      socket.destroy();
      ok(got);
    };
    socket.setTimeout(2000, done);
    socket.on('data', (c) => (got += c.toString('latin1')));
    socket.on('end', done);
    socket.on('error', done);
    socket.on('connect', () => socket.end(bytes));
  });
}

describe('static server under 5,000 random requests', () => {
  it('answers each with a status and isolation headers, never sends a byte from outside its folders, and stays up', async () => {
    const rng = new Rng(20261205);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const statuses = new Map<number, number>();
    const jobs = Array.from({ length: 5000 }, () => ({ method: pick(rng, METHODS), path: randomPath(rng), headers: randomHeaders(rng) }));
    for (let i = 0; i < jobs.length; i += 64) {
      const replies = await Promise.all(jobs.slice(i, i + 64).map((j) => send(agent, j.method, j.path, j.headers).then((r) => ({ j, r }))));
      for (const { j, r } of replies) {
        expect(r.status, `${j.method} ${j.path}`).toBeGreaterThanOrEqual(200);
        expect(r.status, `${j.method} ${j.path}`).toBeLessThan(500);
        expect(r.body, `${j.method} ${j.path}`).not.toContain(SECRET);
        expect(r.body, `${j.method} ${j.path}`).not.toContain('root:');
        expect(r.coep, `${j.method} ${j.path} ${r.status}`).toBe('require-corp');
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }
    agent.destroy();
    // The mix reached the interesting answers, not only 404s.
    for (const s of [200, 206, 404, 405, 416]) expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/models/m/model.onnx`)).status).toBe(200);
  }, 120_000);

  it('survives 500 malformed raw requests', async () => {
    const rng = new Rng(7);
    const junk = ['GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=5-2\r\n\r\n', 'GET /../../etc/passwd HTTP/1.1\r\n\r\n', 'GET\r\n\r\n', '\x00\x01\x02', 'GET /models/m/model.onnx HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'GET /models/m/model.onnx HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nRange: bytes=2-3\r\n\r\n'];
    for (let i = 0; i < 500; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, () => {
          let text = pick(rng, junk);
          if (rng.uniform() < 0.5) {
            const at = Math.floor(rng.uniform() * text.length);
            text = text.slice(0, at) + String.fromCharCode(Math.floor(rng.uniform() * 256)) + text.slice(at + 1);
          }
          return raw(Buffer.from(text, 'latin1')).then((got) => expect(got).not.toContain(SECRET));
        }),
      );
    }
    const alive = await fetch(`${server.url}/index.html`);
    expect(alive.status).toBe(200);
    expect(await alive.text()).toBe('<p>hi</p>');
  }, 120_000);
});
