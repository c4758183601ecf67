/**
 * `npm start`: serves the built demo (demo/dist, see demo/rollup.config.mjs) at / and the shipped models at /models/,
 * through server/static-server.ts (COOP/COEP for WebAssembly threads, application/wasm, model files cacheable,
 * nothing outside those folders). 127.0.0.1:8080 by default; PORT and HOST change it.
 *
 *   npm start                 # builds the SDK and the demo, then runs this file
 *   PORT=3000 npm start
 *   CI=true npm start         # checks what a browser would fetch (server/demo-check.ts), then exits
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkDemo, shippedModels } from './demo-check.js';
import { startStaticServer, type StaticServer } from './static-server.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_DIST = join(REPO, 'demo', 'dist');

/** What the demo server serves: URL prefix → folder. */
export function demoMounts(repo: string = REPO): Record<string, string> {
  return { '/': join(repo, 'demo', 'dist'), '/models': join(repo, 'models') };
}

export interface DemoServerOptions {
  port?: number;
  host?: string;
  /** More folders to serve (tests add tiny fixture models). */
  mounts?: Record<string, string>;
  crossOriginIsolation?: boolean;
}

export async function startDemoServer(opts: DemoServerOptions = {}): Promise<StaticServer> {
  if (!existsSync(join(DEMO_DIST, 'index.html'))) throw new Error(`${join('demo', 'dist', 'index.html')} is missing: build the demo first (npm run build && npm run build:demo), or use npm start`);
  return startStaticServer({ mounts: { ...demoMounts(), ...opts.mounts }, port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1', crossOriginIsolation: opts.crossOriginIsolation });
}

/** PORT from the environment: an integer in [0, 65535] (0 picks a free port), default 8080. */
export function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer in [0, 65535], got '${value}'`);
  return port;
}

/** CI set the usual way (true, 1, yes); 'false' and '0' are not CI. */
export function isCi(value: string | undefined): boolean {
  return value !== undefined && value !== '' && !/^(0|false|no)$/i.test(value);
}

async function main(): Promise<void> {
  let port: number;
  try {
    port = portFromEnv(process.env.PORT);
  } catch (err) {
    console.error(`webgen demo: ${(err as Error).message}`);
    process.exit(2);
  }
  const host = process.env.HOST || '127.0.0.1';
  let server: StaticServer;
  try {
    server = await startDemoServer({ port, host });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? `port ${port} is in use; choose another with PORT=${port + 1} npm start` : e.message;
    console.error(`webgen demo: ${why}`);
    process.exit(1);
  }
  if (isCi(process.env.CI)) {
    const results = await checkDemo(server.url, join(REPO, 'models'), join(DEMO_DIST, 'sdk'));
    for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.path}  ${r.detail}`);
    const failed = results.filter((r) => !r.ok).length;
    const models = shippedModels(join(REPO, 'models'));
    console.log(`webgen demo check (CI): ${results.length - failed}/${results.length} files served at ${server.url}/ with COOP/COEP; models: ${models.join(', ') || 'none'}`);
    await server.close();
    process.exit(failed ? 1 : 0);
  }
  console.log(`webgen demo: ${server.url}/  (models from ${join('models', '')}; Ctrl-C stops)`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main();
