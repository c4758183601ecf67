// Where the browser SDK finds its run-time files (worker.js, onnxruntime-web's, webgen-stats.wasm): the assetsUrl
// option, and a wasm file that comes back as a 404 or as an HTML page is an error naming the URL and the HTTP status.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageLoad } from '../scripts/e2e/compare.js';
import { ensureSdkBuild } from '../scripts/e2e/build.js';
import { fixtureUrl, startHarness, type Harness } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';
import { ORT_FOLDER } from '../sdk/worker-assets.js';

let h: Harness;
let model: string;
let dist: string;

const load = (options: Record<string, unknown>) => h.page.evaluate(([m, o]) => (window as any).h.load(m, o), [model, options] as const) as Promise<PageLoad>;

/** A served copy of the SDK's dist/ under /scratch/<name>/, changed by `edit`. */
function copyOfDist(name: string, edit: (dir: string) => void = () => undefined): string {
  const dir = join(h.scratch, name);
  cpSync(dist, dir, { recursive: true, filter: (f) => !/\.map$/.test(f) });
  edit(dir);
  return `/scratch/${name}`;
}

beforeAll(async () => {
  dist = await ensureSdkBuild();
  model = fixtureUrl(await fixtureModel('class'));
  h = await startHarness();
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('assetsUrl', () => {
  it('loads the worker and onnxruntime from the folder given (a trailing slash added)', async () => {
    const url = copyOfDist('copy');
    const before = h.requests.length;
    const r = await load({ backend: 'wasm', cache: false, assetsUrl: url });
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('wasm');
    const urls = h.requests.slice(before).map((q) => new URL(q.url()).pathname);
    expect(urls).toContain(`${url}/worker.js`);
    expect(urls).toContain(`${url}/${ORT_FOLDER}/ort.wasm.min.mjs`);
    expect(urls).toContain(`${url}/${ORT_FOLDER}/ort-wasm-simd-threaded.wasm`);
    expect(urls.some((u) => u.startsWith(`/sdk/${ORT_FOLDER}/`))).toBe(false);
  });

  it('is an InvalidInputError naming assetsUrl for a value that is not an http(s) folder URL', async () => {
    for (const bad of [42, '', 'data:text/plain,x']) {
      const r = await load({ backend: 'wasm', cache: false, assetsUrl: bad });
      expect(r.error).toMatchObject({ name: 'InvalidInputError', typed: true, fields: { parameter: 'assetsUrl' } });
    }
  });

  it('a folder without worker.js fails at once with BackendUnavailableError naming assetsUrl, never a hang', async () => {
    const r = await load({ backend: 'wasm', cache: false, assetsUrl: '/scratch/nothing-here/' });
    expect(r.error).toMatchObject({ name: 'BackendUnavailableError', typed: true });
    expect(r.error!.message).toMatch(/assetsUrl/);
  });
});

describe('a wasm file that is not there', () => {
  it("onnxruntime's .wasm answering 404: the error names its URL and HTTP 404", async () => {
    const url = copyOfDist('no-wasm', (d) => rmSync(join(d, ORT_FOLDER, 'ort-wasm-simd-threaded.wasm')));
    const r = await load({ backend: 'wasm', cache: false, assetsUrl: url });
    expect(r.error).toMatchObject({ name: 'BackendUnavailableError', typed: true });
    expect(r.error!.message).toContain(`${h.url}${url}/${ORT_FOLDER}/ort-wasm-simd-threaded.wasm answered HTTP 404`);
  });

  it("onnxruntime's .wasm answering an HTML page (an SPA fallback): the error says it is not WebAssembly, with the URL and status", async () => {
    const url = copyOfDist('html-wasm', (d) => writeFileSync(join(d, ORT_FOLDER, 'ort-wasm-simd-threaded.wasm'), '<!doctype html><html><body>app</body></html>'));
    const r = await load({ backend: 'wasm', cache: false, assetsUrl: url });
    expect(r.error).toMatchObject({ name: 'BackendUnavailableError', typed: true });
    expect(r.error!.message).toMatch(new RegExp(`${url}/${ORT_FOLDER}/ort-wasm-simd-threaded\\.wasm is not a WebAssembly file: HTTP 200.*<!doctype html>`));
  });

  it('the statistics module answering HTML: createFidScorer fails with StatsWasmUnavailableError naming its URL, not "needs SIMD"', async () => {
    const url = copyOfDist('html-stats', (d) => writeFileSync(join(d, 'webgen-stats.wasm'), '<!doctype html><html></html>'));
    const r = await h.page.evaluate(async (assetsUrl) => {
      try {
        await (window as any).webgen.createFidScorer({ extractor: '/models/mnist-classifier', backend: 'wasm', cache: false, assetsUrl });
        return { name: 'none', message: '' };
      } catch (e) {
        return { name: (e as Error).name, message: (e as Error).message };
      }
    }, url);
    expect(r.name).toBe('StatsWasmUnavailableError');
    expect(r.message).toContain(`${url}/webgen-stats.wasm is not a WebAssembly file: HTTP 200`);
    expect(r.message).not.toMatch(/SIMD/);
  });
});
