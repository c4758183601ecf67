// The built package (rollup -c): ESM entries with types, the worker as its own chunk, onnxruntime-web's files copied
// beside it (the SDK never points at a CDN), and the SDK's own JavaScript within its size budget.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureSdkBuild, sdkGzipBytes } from '../scripts/e2e/build.js';
import { REPO } from '../scripts/e2e/model-fixtures.js';
import { ORT_FOLDER } from '../sdk/worker-assets.js';

// 48 KB until the latent-diffusion pipeline (decoder/encoder sessions, preview map, manifest checks) added 1.4 KB; 50 KB until
// StyleGAN's truncationPsi and mix() (options, checks, worker call) took it to 50.4 KB.
const SDK_BUDGET_KB = 56;
let dist: string;
beforeAll(async () => {
  dist = await ensureSdkBuild();
}, 240_000);

describe('the SDK build', () => {
  it('has the ESM entries, their types, and the worker as its own chunk started by URL', () => {
    for (const f of ['index.js', 'worker.js', 'node.js', 'index.d.ts', 'node.d.ts']) expect(existsSync(join(dist, f)), f).toBe(true);
    const index = readFileSync(join(dist, 'index.js'), 'utf8');
    expect(index).toMatch(/new URL\("\.\/worker\.js",import\.meta\.url\)/);
    const types = readFileSync(join(dist, 'index.d.ts'), 'utf8');
    for (const name of ['createGenerator', 'detectCapabilities', 'clearCache', 'IntegrityError', 'GeneratorOptions', 'SampleOptions']) expect(types).toContain(name);
  });

  it("copies onnxruntime-web's wasm files and never loads them from a CDN", () => {
    for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort.min.mjs', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm']) {
      expect(existsSync(join(dist, ORT_FOLDER, f)), f).toBe(true);
    }
    const ours = ['index.js', 'worker.js', ...readdirSync(join(dist, 'chunks')).map((f) => `chunks/${f}`)].filter((f) => f.endsWith('.js'));
    for (const f of ours) expect(readFileSync(join(dist, f), 'utf8'), f).not.toMatch(/cdn\.jsdelivr|unpkg\.com|cdnjs/);
    // onnxruntime is not bundled into the SDK's own code: the worker imports it at run time.
    expect(readFileSync(join(dist, 'worker.js'), 'utf8')).not.toMatch(/InferenceSession\.create=|class \w+\{constructor\(\w+,\w+,\w+\)\{this\.handler/);
  });

  // The budget: issue 4 set 40 KB when the SDK was the diffusion generator alone; FID/KID (with its statistics module
  // loader), GANs, autoencoders and the tokenizer took it to 43.9 KB. The worker cannot load those lazily (a dynamic
  // import inside a worker breaks Vite's default iife worker build), so the budget moved to 48 KB; README "Size". CLIP
  // (createClip, its engine and math) took it from 43.2 to 46.1 KB; latent diffusion and StyleGAN mixing to 50.4 (52 KB);
  // createClassifier with Grad-CAM (issue 24) to 52.4 (54 KB); createTranslator (issue 23) to 53.4; imported models'
  // tensor-name maps and initialNoise (issue 26) to 54.1 (56 KB).
  it(`the main thread entry does not contain onnxruntime and the SDK stays under ${SDK_BUDGET_KB} KB minified + gzipped`, () => {
    const index = readFileSync(join(dist, 'index.js'), 'utf8');
    expect(index).not.toMatch(/onnxruntime|ort\.min\.mjs/);
    expect(sdkGzipBytes(dist)).toBeLessThan(SDK_BUDGET_KB * 1024);
  });

  it("the SDK package's package.json points at files the build writes", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'sdk', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('webgen');
    for (const target of [pkg.exports['.'].default, pkg.exports['.'].types, pkg.exports['./node'].default, pkg.exports['./node'].types, pkg.types]) {
      expect(existsSync(join(REPO, 'sdk', target)), target).toBe(true);
    }
  });
});
