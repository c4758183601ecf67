/**
 * A static file server for the SDK, its tests and the demo (sirv on node:http), with the headers browser ML needs:
 *   - Cross-Origin-Opener-Policy: same-origin + Cross-Origin-Embedder-Policy: require-corp, so the page is
 *     cross-origin isolated and onnxruntime-web can use WebAssembly threads (without them it silently runs on one);
 *   - Cross-Origin-Resource-Policy: same-origin on every file (allowed under require-corp);
 *   - application/wasm for .wasm (streaming compilation), text/javascript for .mjs;
 *   - model files (.onnx) cacheable for a day, everything else revalidated.
 * Each mount serves one folder under a URL prefix and never anything outside it (sirv resolves paths inside its root;
 * requests with a '..' or dot-file segment, or a NUL byte, are refused first).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import sirv from 'sirv';

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

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Starts the server; resolves once it listens. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const isolate = options.crossOriginIsolation ?? true;
  const mounts = Object.entries(options.mounts)
    .map(([prefix, dir]) => {
      const p = `/${prefix.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
      const handler: Handler = sirv(resolve(dir), {
        dev: true, // read the folder on every request: tests write fixtures while the server runs
        dotfiles: false,
        setHeaders(res, pathname) {
          if (pathname.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
          if (pathname.endsWith('.mjs')) res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
          res.setHeader('Cache-Control', pathname.endsWith('.onnx') ? 'public, max-age=86400' : 'no-cache');
        },
      });
      return { prefix: p, handler };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);

  const server: Server = createServer((req, res) => {
    options.onRequest?.(req);
    if (isolate) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const notFound = () => {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('not found');
    };
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    } catch {
      return notFound();
    }
    // No '..' segments, NUL bytes or dotfiles (.env, .git): sirv's dev mode would serve dotfiles.
    if (path.includes('\0') || path.split(/[\\/]/).some((seg) => seg.startsWith('.'))) return notFound();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      return res.end();
    }
    const mount = mounts.find((m) => m.prefix === '' || path === m.prefix || path.startsWith(`${m.prefix}/`));
    if (!mount) return notFound();
    const original = req.url!;
    req.url = original.slice(mount.prefix.length) || '/';
    mount.handler(req, res, () => {
      req.url = original;
      notFound();
    });
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
