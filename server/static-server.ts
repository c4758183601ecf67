/**
 * A static file server for the SDK, its tests and the demo (`send` on node:http), with the headers browser ML needs:
 *   - Cross-Origin-Opener-Policy: same-origin + Cross-Origin-Embedder-Policy: require-corp, so the page is
 *     cross-origin isolated and onnxruntime-web can use WebAssembly threads (without them it silently runs on one);
 *   - Cross-Origin-Resource-Policy: same-origin; all three on every response, errors included;
 *   - registered Content-Types and caching (server/content-headers.ts);
 *   - RFC 7233 byte ranges (suffix ranges, 416 for unsatisfiable ones), ETag/Last-Modified and 304s, from `send`;
 *   - precompressed siblings: for `x.wasm` a fresh `x.wasm.br` / `x.wasm.gz` beside it (the demo build writes them at
 *     brotli 11 / gzip 9: the 14.2 MB onnxruntime wasm travels as 2.4 MB) is sent with Content-Encoding when the
 *     request's Accept-Encoding allows it (negotiator), with its own ETag;
 *   - otherwise brotli or gzip on the fly for compressible types and .onnx models, from `compression`; a Range request
 *     always gets the identity bytes, so ranges keep their meaning.
 * Each mount serves one folder under a URL prefix and never anything outside it: server/resolve-file.ts decodes the
 * path once, refuses dot segments, NUL and backslashes, and follows a symlink only when its target stays inside the
 * mount. No request can crash it: every failure is an HTTP status, and an unexpected one is a 500.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import compression from 'compression';
import Negotiator from 'negotiator';
import send from 'send';
import { cacheControl, contentType } from './content-headers.js';
import { decodeRequestPath, resolveFile } from './resolve-file.js';

export interface StaticServerOptions {
  /** URL prefix → folder, e.g. { '/': 'demo/dist', '/models': 'models' }. Longest prefix wins. */
  mounts: Record<string, string>;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to listen on. Default '127.0.0.1'. */
  host?: string;
  /** Send COOP/COEP (cross-origin isolation). Default true; false lets tests see the single-thread fallback. */
  crossOriginIsolation?: boolean;
  /** Called for every request (tests count them). */
  onRequest?: (req: IncomingMessage) => void;
}

export interface StaticServer {
  /** Base URL, e.g. 'http://127.0.0.1:41234' (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ALLOW = 'GET, HEAD';
const REASONS: Record<number, string> = { 301: 'moved', 400: 'bad request', 404: 'not found', 405: 'method not allowed', 412: 'precondition failed', 416: 'range not satisfiable', 500: 'internal error' };

interface Mount {
  /** '' for the root mount, else '/models' (no trailing slash). */
  prefix: string;
  segments: string[];
  root: string;
}

/** Starts the server; resolves once it listens. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const isolate = options.crossOriginIsolation ?? true;
  const mounts: Mount[] = Object.entries(options.mounts)
    .map(([prefix, dir]) => {
      const segments = prefix.split('/').filter((s) => s !== '');
      return { prefix: segments.length ? `/${segments.join('/')}` : '', segments, root: resolve(dir) };
    })
    .sort((a, b) => b.segments.length - a.segments.length);

  const isolationHeaders = (res: ServerResponse) => {
    if (isolate) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  };

  /** An error or redirect answer: plain text, isolation headers kept, whatever was set before dropped. */
  const answer = (res: ServerResponse, status: number, extra: Record<string, string> = {}) => {
    if (res.headersSent) return void res.destroy();
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    isolationHeaders(res);
    const body = `${REASONS[status] ?? 'error'}\n`;
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.setHeader('Cache-Control', 'no-store');
    for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    isolationHeaders(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, { Allow: ALLOW });
    const decoded = decodeRequestPath(req.url ?? '/');
    if (!decoded.ok) return answer(res, decoded.status);
    const mount = mounts.find((m) => m.segments.every((s, i) => decoded.segments[i] === s));
    if (!mount) return answer(res, 404);
    const rest = decoded.segments.slice(mount.segments.length);
    const requestPath = `/${decoded.segments.map(encodeURIComponent).join('/')}`;
    const found = await resolveFile(mount.root, rest, decoded.trailingSlash || (rest.length === 0 && mount.prefix === ''), requestPath);
    if (!found.ok) return found.status === 301 ? answer(res, 301, { Location: found.location }) : answer(res, found.status);
    const pre = req.headers.range === undefined ? await precompressed(req, found.file) : undefined;
    const file = pre?.file ?? found.file;
    // send() takes a URL path under `root`: hand it the real file, encoded, so names with '%' stay literal.
    send(req, `/${encodeURIComponent(basename(file))}`, {
      root: dirname(file),
      dotfiles: 'allow', // checked above, on the request path; the real file's own name is its business
      index: false,
      etag: true,
      lastModified: true,
      acceptRanges: true,
      cacheControl: false,
    })
      .on('headers', (r: ServerResponse) => {
        r.setHeader('Content-Type', contentType(found.file));
        r.setHeader('Cache-Control', cacheControl(found.file));
        if (pre) r.setHeader('Content-Encoding', pre.encoding);
        if (PRECOMPRESSED_TYPES.has(extname(found.file).toLowerCase())) r.setHeader('Vary', 'Accept-Encoding');
      })
      .on('error', (err: { status?: number; headers?: Record<string, string> }) => {
        const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
        answer(res, status === 403 ? 404 : status, err.headers ?? {});
      })
      .pipe(res);
  };

  // Compresses what `send` streams (Vary: Accept-Encoding on every compressible answer) unless it is precompressed
  // (compression leaves an answer with a Content-Encoding alone); .onnx weights too (float16 ones shrink ~11%); ranges
  // stay identity.
  const compress = compression({ filter: (req, res) => req.headers.range === undefined && (compression.filter(req, res) || /\.onnx$/i.test(new URL(req.url ?? '/', 'http://x').pathname)) });
  const server: Server = createServer((req, res) => {
    options.onRequest?.(req);
    compress(req as never, res as never, () => {
      handle(req, res).catch(() => answer(res, 500));
    });
  });
  // Requests node:http cannot parse (unknown methods, bad headers): a 400 with the same isolation headers, then close.
  const isolation = `${isolate ? 'Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n' : ''}Cross-Origin-Resource-Policy: same-origin\r\n`;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\n${isolation}Connection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ok());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Extensions whose answers may come precompressed (demo/precompress.mjs writes their .br / .gz). */
const PRECOMPRESSED_TYPES = new Set(['.js', '.mjs', '.wasm', '.css', '.html', '.json', '.svg']);

/**
 * The precompressed sibling of `file` to send for `req`: `file.br` or `file.gz`, the best encoding its Accept-Encoding
 * allows that exists and is at least as new as `file` (a stale one, older than a rebuilt file, is ignored).
 */
async function precompressed(req: IncomingMessage, file: string): Promise<{ file: string; encoding: 'br' | 'gzip' } | undefined> {
  if (!PRECOMPRESSED_TYPES.has(extname(file).toLowerCase())) return undefined;
  // Brotli first when the request ranks them equally (browsers send 'gzip, deflate, br'), as `compression` does.
  // (negotiator 0.6.4 takes the preferred order as a second argument; its @types lag behind)
  const negotiator = new Negotiator(req) as unknown as { encodings(available: string[], preferred: string[]): string[] };
  const accepted = negotiator.encodings(['br', 'gzip'], ['br', 'gzip']).filter((e): e is 'br' | 'gzip' => e === 'br' || e === 'gzip');
  if (accepted.length === 0) return undefined;
  const source = await stat(file).catch(() => undefined);
  if (!source) return undefined;
  for (const encoding of accepted) {
    const sibling = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
    const s = await stat(sibling).catch(() => undefined);
    if (s?.isFile() && s.mtimeMs >= source.mtimeMs) return { file: sibling, encoding };
  }
  return undefined;
}
