// A manifest cannot make the browser SDK fetch outside its model folder (issue 16, part 1), in Chromium, whose URL
// parser is the one that decodes `%2e%2e/` there: (a) the built SDK, as an app loads it, refuses every reproduced path
// of tests/helpers/hostile-paths.ts with a ManifestError and requests nothing but that case's manifest; (b) the
// loader's fetchFiles, bundled on its own and called past the manifest validator, with 1,500 seeded random paths:
// Playwright's request log shows that every request stays inside the folder.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestFile } from '../sdk/manifest/types.js';
import { startHarness, type Harness } from '../scripts/e2e/harness.js';
import { fixtureModel, REPO } from '../scripts/e2e/model-fixtures.js';
import { HOSTILE_PATHS, LOOKALIKE_PATHS, randomHostilePaths } from './helpers/hostile-paths.js';

let h: Harness;
let manifest: { files: { unet: ManifestFile } } & Record<string, unknown>;

beforeAll(async () => {
  const fixture = await fixtureModel('class');
  h = await startHarness();
  cpSync(fixture, join(h.scratch, 'inside', 'm'), { recursive: true });
  mkdirSync(join(h.scratch, 'outside'));
  cpSync(join(fixture, 'model.onnx'), join(h.scratch, 'outside', 'model.onnx')); // same sha256: a read of it would load
  manifest = JSON.parse(readFileSync(join(fixture, 'manifest.json'), 'utf8'));
}, 240_000);

afterAll(async () => {
  await h?.close();
});

const pathsOf = (prefix: string) => h.requests.map((r) => new URL(r.url()).pathname).filter((p) => !p.startsWith('/sdk/') && p !== '/index.html' && p !== '/harness.js' && !p.startsWith(prefix));

describe('model file paths (Chromium)', () => {
  it('createGenerator refuses every reproduced path with a ManifestError and requests only that manifest', async () => {
    const cases = [...HOSTILE_PATHS, ...LOOKALIKE_PATHS];
    for (const [i, path] of cases.entries()) {
      const dir = join(h.scratch, 'inside', `case-${i}`);
      cpSync(join(h.scratch, 'inside', 'm'), dir, { recursive: true });
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, files: { ...manifest.files, unet: { ...manifest.files.unet, path } } }));
    }
    const before = h.requests.length;
    const results = (await h.page.evaluate(async (n) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push(await (window as any).h.load(`/scratch/inside/case-${i}/`, { backend: 'wasm', cache: false }));
      return out;
    }, cases.length)) as { error?: { name: string; typed: boolean; fields: { field?: string } } }[];
    for (const [i, r] of results.entries()) {
      expect(r.error?.name, JSON.stringify(cases[i])).toBe('ManifestError');
      expect(r.error?.typed).toBe(true);
      expect(r.error?.fields.field).toBe('files.unet.path');
    }
    const made = h.requests.slice(before).map((r) => new URL(r.url()).pathname).filter((p) => !p.startsWith('/sdk/'));
    expect(made.sort()).toEqual(cases.map((_, i) => `/scratch/inside/case-${i}/manifest.json`).sort());
  }, 120_000);

  it('fetchFiles past the validator, 1,500 seeded random paths and every reproduced one: no request leaves the folder', async () => {
    // The loader alone, bundled for the page: fetchFiles checks each path with modelFileUrl itself.
    const bundle = await build({
      entryPoints: [join(REPO, 'sdk', 'loader', 'fetch-model.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'webgenLoader',
      write: false,
      platform: 'browser',
      logLevel: 'silent',
    });
    await h.page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const paths = [...HOSTILE_PATHS, ...LOOKALIKE_PATHS, ...randomHostilePaths(1500, 20261206), 'model.onnx'];
    const before = h.requests.length;
    const outcome = (await h.page.evaluate(
      async ({ paths, unet }) => {
        const { fetchFiles } = (window as any).webgenLoader;
        const manifestUrl = new URL('/scratch/inside/m/manifest.json', location.href);
        const counts = { loaded: [] as string[], refused: 0, other: [] as string[] };
        for (const path of paths) {
          try {
            await fetchFiles(manifestUrl, { unet: { ...unet, path } }, { cache: false });
            counts.loaded.push(path);
          } catch (e: any) {
            if (e.name === 'ManifestError') counts.refused++;
            else if (e.name !== 'ModelLoadError' && e.name !== 'IntegrityError') counts.other.push(`${path}: ${e.name} ${e.message}`);
          }
        }
        return counts;
      },
      { paths, unet: manifest.files.unet },
    )) as { loaded: string[]; refused: number; other: string[] };
    expect(outcome.other).toEqual([]);
    expect(outcome.loaded).toContain('model.onnx');
    expect(outcome.refused).toBeGreaterThan(paths.length / 2);
    const made = h.requests.slice(before);
    expect(made.length).toBeGreaterThan(outcome.loaded.length);
    for (const r of made) {
      const url = new URL(r.url());
      expect(url.origin).toBe(new URL(h.url).origin);
      expect(url.pathname.startsWith('/scratch/inside/m/'), url.href).toBe(true);
      expect(url.pathname.split('/').map(decodeURIComponent).some((s) => s === '..' || s === '.'), url.href).toBe(false);
    }
    expect(pathsOf('/scratch/inside/')).toEqual([]);
  }, 180_000);
});
