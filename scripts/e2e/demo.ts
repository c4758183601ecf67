/**
 * Demo e2e harness: builds the demo (demo/rollup.config.mjs, over the built SDK) when its sources changed, serves it
 * with server/demo-server.ts (plus the SDK test fixtures at /fixtures/) and opens it in Debian's Chromium.
 * Screenshots go to tests/.artifacts/demo/ (gitignored).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Request } from 'playwright';
import { startDemoServer } from '../../server/demo-server.js';
import type { StaticServer } from '../../server/static-server.js';
import { ensureSdkBuild, SDK_DIST } from './build.js';
import { CHROMIUM } from './harness.js';
import { FIXTURES_DIR, REPO, withLock } from './model-fixtures.js';

export const DEMO_DIST = join(REPO, 'demo', 'dist');
export const ARTIFACTS = join(REPO, 'tests', '.artifacts', 'demo');
const STAMP = join(DEMO_DIST, '.build-hash');

function demoHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p.slice(REPO.length)).update(readFileSync(p));
    }
  };
  walk(join(REPO, 'demo', 'src'));
  walk(join(REPO, 'demo', 'samples'));
  for (const f of ['demo/index.html', 'demo/styles.css', 'demo/rollup.config.mjs', 'demo/precompress.mjs']) h.update(readFileSync(join(REPO, f)));
  h.update(readFileSync(join(SDK_DIST, '.build-hash')));
  return h.digest('hex');
}

/** Builds the SDK and then the demo when either is stale (under a lock: parallel test files build once). */
export async function ensureDemoBuild(): Promise<string> {
  await ensureSdkBuild();
  const hash = demoHash();
  const fresh = () => existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash && existsSync(join(DEMO_DIST, 'app.js'));
  if (fresh()) return DEMO_DIST;
  return withLock(join(REPO, 'dist', '.lock-demo-build'), async () => {
    if (fresh()) return DEMO_DIST;
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c', 'demo/rollup.config.mjs'], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the demo build failed:\n${r.stdout}\n${r.stderr}`);
    writeFileSync(STAMP, hash);
    return DEMO_DIST;
  });
}

export interface DemoHarness {
  url: string;
  server: StaticServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for "never a broken page". */
  errors: string[];
  /** Every request the context made, in order (what a page fetched, and how often). */
  requests: Request[];
  close(): Promise<void>;
}

export async function startDemo(opts: { context?: BrowserContextOptions; isolate?: boolean } = {}): Promise<DemoHarness> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with 'apt-get install chromium' (or set WEBGEN_CHROMIUM)`);
  await ensureDemoBuild();
  const server = await startDemoServer({ port: 0, mounts: { '/fixtures': FIXTURES_DIR }, crossOriginIsolation: opts.isolate ?? true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const context = await browser.newContext(opts.context ?? { viewport: { width: 1100, height: 900 } });
  const requests: Request[] = [];
  context.on('request', (r) => requests.push(r));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A 404 for a model that is not shipped is the page checking, not an error of the page.
    if (m.type() === 'error' && !/404/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return {
    url: server.url,
    server,
    browser,
    context,
    page,
    errors,
    requests,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Opens a page of the demo (`route`: text, img2img, digits, gan, fid) with a query string; waits until its model is open or refused. */
export async function openDemoPage(h: DemoHarness, route: string, query: Record<string, string> = {}, timeout = 120_000): Promise<string> {
  const qs = new URLSearchParams(query).toString();
  await h.page.goto(`${h.url}/${qs ? `?${qs}` : ''}#/${route}`);
  await h.page.waitForFunction((r) => {
    const s = document.querySelector<HTMLElement>(`[data-page="${r}"]`)?.dataset.state;
    return s !== undefined && s !== 'loading-model';
  }, route, { timeout });
  return pageState(h.page);
}

/** Waits until the page `route` has opened its model or refused it (it may be running already: some pages start on their own). */
export async function waitForModel(page: Page, route: string, timeout = 120_000): Promise<void> {
  await page.waitForFunction((r) => !['loading-model', undefined].includes(document.querySelector<HTMLElement>(`[data-page=${r}]`)?.dataset.state), route, { timeout });
}

/** How far the document is wider than the viewport, in CSS pixels (0 or less: no horizontal overflow). */
export const horizontalOverflow = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The elements of the page's main area that reach past the viewport's right edge, as 'TAG.class'. */
export const pastRightEdge = (page: Page): Promise<string[]> =>
  page.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5).map((e) => e.tagName + (e.className ? `.${e.className}` : '')));

export const pageState = (page: Page): Promise<string> => page.evaluate(() => document.querySelector<HTMLElement>('[data-page]')?.dataset.state ?? '');

/** Waits for the page state to be one of `states` (anything else that is final fails with the page's notices). */
export async function waitForState(page: Page, states: string[], timeout = 180_000): Promise<string> {
  await page.waitForFunction((s) => {
    const st = document.querySelector<HTMLElement>('[data-page]')?.dataset.state ?? '';
    return s.includes(st) || st === 'error';
  }, states, { timeout });
  const st = await pageState(page);
  if (!states.includes(st)) throw new Error(`page state '${st}', expected ${states.join('|')}; notices: ${await noticeText(page)}`);
  return st;
}

export const noticeText = (page: Page): Promise<string> => page.evaluate(() => [...document.querySelectorAll('.notice')].map((n) => `[${(n as HTMLElement).dataset.kind}] ${n.textContent}`).join(' | '));

/** Pixel statistics of a canvas: distinct RGB colours and the standard deviation of its channel values. */
export async function canvasStats(page: Page, selector: string): Promise<{ width: number; height: number; distinct: number; std: number }> {
  return page.evaluate((sel) => {
    const c = document.querySelector<HTMLCanvasElement>(sel);
    if (!c) throw new Error(`no canvas ${sel}`);
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      for (let k = 0; k < 3; k++) {
        s += d[i + k]!;
        s2 += d[i + k]! ** 2;
        n++;
      }
    }
    const mean = s / n;
    return { width: c.width, height: c.height, distinct: colours.size, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)) };
  }, selector);
}

/** Saves a full-page screenshot to tests/.artifacts/demo/<name>.png; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
