/**
 * Opens an example app in Debian's Chromium (as scripts/e2e/harness.ts does) and waits for it to draw: the apps set
 * `document.body.dataset.done` to 'true' (or 'error') and draw the digit into `<canvas id="out">`.
 */
import { chromium } from 'playwright';
import { CHROMIUM } from '../../scripts/e2e/harness.js';

export interface AppRun {
  done: string | undefined;
  status: string;
  /** Spread (standard deviation) of the canvas's grey levels, 0–255: 0 for a blank canvas. */
  pixelStd: number;
  /** Console errors, page errors and failed requests, in order. */
  errors: string[];
  /** Every URL the page and its workers requested. */
  requests: string[];
}

export async function openApp(url: string, timeoutMs = 120_000): Promise<AppRun> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const context = await browser.newContext();
    const errors: string[] = [];
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    context.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    context.on('response', (r) => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.done !== undefined, undefined, { timeout: timeoutMs }).catch(() => undefined);
    const result = await page.evaluate(() => {
      const canvas = document.getElementById('out') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      let sq = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const g = (data[i] + data[i + 1] + data[i + 2]) / 3;
        sum += g;
        sq += g * g;
      }
      const mean = sum / n;
      return { done: document.body.dataset.done, status: document.getElementById('status')?.textContent ?? '', pixelStd: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
    });
    return { ...result, errors, requests };
  } finally {
    await browser.close();
  }
}
