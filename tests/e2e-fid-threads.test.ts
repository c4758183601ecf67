// The two-thread covariance accumulation as a browser meets it: inside a module worker in Chromium, a page served
// with COOP/COEP (cross-origin isolated: SharedArrayBuffer) gets the nested helper worker and the plain result; the
// same page without them runs on one thread and gets the same result.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../scripts/e2e/harness.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function serve(isolate: boolean, files: Record<string, [string, string | Uint8Array]>): Promise<[Server, string]> {
  const server = createServer((req, res) => {
    const f = files[(req.url ?? '/').split('?')[0]!];
    if (!f) return void res.writeHead(404).end();
    const headers: Record<string, string> = { 'content-type': f[0] };
    if (isolate) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.writeHead(200, headers).end(f[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return [server, `http://127.0.0.1:${(server.address() as { port: number }).port}/`];
}

describe('two-thread feature statistics in Chromium', () => {
  it.each([true, false])('COOP/COEP %s: threaded only when isolated, the plain statistics either way', async (isolate) => {
    const bundle = await build({ entryPoints: [here('./fixtures/fid-threads/worker.ts')], bundle: true, format: 'esm', platform: 'browser', write: false });
    const files: Record<string, [string, string | Uint8Array]> = {
      '/': ['text/html', `<script>const w = new Worker('/worker.js', { type: 'module' }); w.onmessage = (e) => { window.result = e.data; }; w.postMessage(0);</script>`],
      '/worker.js': ['text/javascript', bundle.outputFiles[0]!.contents],
      '/stats.wasm': ['application/wasm', readFileSync(here('../wasm/build/webgen-stats.wasm'))],
    };
    const [server, url] = await serve(isolate, files);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { result?: unknown }).result, undefined, { timeout: 60_000 });
      const r = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as { threaded: boolean; isolated: boolean; rel: number; error?: string };
      expect(r.error).toBeUndefined();
      expect(r.isolated).toBe(isolate);
      expect(r.threaded).toBe(isolate);
      expect(r.rel).toBeLessThan(1e-11);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
});
