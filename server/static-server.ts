/**
 * A static file server for the SDK, its tests and the demo (`send` on node:http), with the headers browser ML needs:
 *   - Cross-Origin-Opener-Policy: same-origin + Cross-Origin-Embedder-Policy: require-corp, so the page is
 *     cross-origin isolated and onnxruntime-web can use WebAssembly threads (without them it silently runs on one);
 *   - Cross-Origin-Resource-Policy: same-origin; all three on every response, errors included;
 *   - registered Content-Types and caching (server/content-headers.ts);
 *   - RFC 7233 byte ranges (suffix ranges, 416 for unsatisfiable ones), ETag/Last-Modified and 304s, from `send`;
 *   - brotli or gzip for compressible types (the 14 MB onnxruntime wasm travels as ~4 MB), from `compression`, as the
 *     request's Accept-Encoding prefers; a Range request gets the identity bytes, so ranges keep their meaning.
 * Each mount serves one folder under a URL prefix and never anything outside it: server/resolve-file.ts decodes the
 * path once, refuses dot segments, NUL and backslashes, and follows a symlink only when its target stays inside the
 * mount. No request can crash it: every failure is an HTTP status, and an unexpected one is a 500.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import compression from 'compression';
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
    // send() takes a URL path under `root`: hand it the real file, encoded, so names with '%' stay literal.
    send(req, `/${encodeURIComponent(basename(found.file))}`, {
      root: dirname(found.file),
      dotfiles: 'allow', // checked above, on the request path; the real file's own name is its business
      index: false,
      etag: true,
      lastModified: true,
      acceptRanges: true,
      cacheControl: false,
    })
      .on('headers', (r: ServerResponse, file: string) => {
        r.setHeader('Content-Type', contentType(file));
        r.setHeader('Cache-Control', cacheControl(file));
      })
      .on('error', (err: { status?: number; headers?: Record<string, string> }) => {
        const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
        answer(res, status === 403 ? 404 : status, err.headers ?? {});
      })
      .pipe(res);
  };

  // Compresses what `send` streams (Vary: Accept-Encoding on every compressible answer); ranges stay identity.
  const compress = compression({ filter: (req, res) => req.headers.range === undefined && compression.filter(req, res) });
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
