/**
 * End-to-end harness: the built SDK served by server/static-server.ts, driven in Debian's Chromium through
 * Playwright's library API (no Playwright browser download). The page (tests/e2e/page/) exposes `window.h`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Request } from 'playwright';
import { startStaticServer, type StaticServer } from '../../server/static-server.js';
import { ensureSdkBuild } from './build.js';
import { FIXTURES_DIR, REPO } from './model-fixtures.js';

/** Debian's chromium (scripts/ensure-system-deps.js installs it); WEBGEN_CHROMIUM overrides. */
export const CHROMIUM = process.env.WEBGEN_CHROMIUM ?? '/usr/lib/chromium/chromium';

export interface HarnessOptions {
  /** Serve with COOP/COEP. Default true. */
  isolate?: boolean;
  /** Offer WebGPU (headless Chromium's SwiftShader adapter). Default false: no adapter, as on many machines. */
  webgpu?: boolean;
  /** Extra browser context options (device emulation). */
  context?: BrowserContextOptions;
  /** More folders to serve: URL prefix → folder. */
  mounts?: Record<string, string>;
}

export interface Harness {
  url: string;
  server: StaticServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every request the page and its workers made, in order (Playwright's request log). */
  requests: Request[];
  /** A folder served at /scratch/ for per-test model copies. */
  scratch: string;
  close(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with 'apt-get install chromium' (or set WEBGEN_CHROMIUM)`);
  const dist = await ensureSdkBuild();
  const scratch = mkdtempSync(join(tmpdir(), 'webgen-e2e-'));
  const server = await startStaticServer({
    mounts: { '/': join(REPO, 'tests', 'e2e', 'page'), '/sdk': dist, '/fixtures': FIXTURES_DIR, '/models': join(REPO, 'models'), '/scratch': scratch, ...opts.mounts },
    crossOriginIsolation: opts.isolate ?? true,
  });
  const args = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  if (opts.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  const context = await browser.newContext(opts.context ?? {});
  const requests: Request[] = [];
  context.on('request', (r) => requests.push(r));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 30_000 }).catch(() => {
    throw new Error(`the e2e page did not start: ${errors.join('; ') || 'no page error'}`);
  });
  return {
    url: server.url,
    server,
    browser,
    context,
    page,
    requests,
    scratch,
    close: async () => {
      await browser.close();
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The URL path of fixture folder `dir` (a folder under tests/.fixtures). */
export function fixtureUrl(dir: string): string {
  return `/fixtures/${dir.slice(FIXTURES_DIR.length + 1)}`;
}
