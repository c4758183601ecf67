// The import boundaries of docs/architecture.md, read from the source: the SDK's environment-neutral core (CORE below)
// imports only itself; the trainer, bench/ and scripts/ reach the SDK only through the core and the Node entry
// (sdk/node.ts), never its browser parts (worker, clients, Cache API); the SDK never imports tfjs, the trainer or the
// tests; bench/ and scripts/ never import tests/; only the Node entry's own modules import Node built-ins.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../scripts/e2e/model-fixtures.js';

/**
 * The SDK's environment-neutral core: no DOM, no Node built-in, no onnxruntime, no worker — imported by the browser
 * SDK, the Node SDK and the trainer alike. Folders end in '/'.
 */
const CORE = [
  'sdk/random/',
  'sdk/schedulers/',
  'sdk/generation/',
  'sdk/manifest/',
  'sdk/text/',
  'sdk/errors/',
  'sdk/options/', // option names and value checks
  'sdk/image/pixels.ts',
  'sdk/image/max-image-pixels.ts',
  'sdk/image/resize.ts',
  'sdk/metrics/', // PSNR, SSIM
  'sdk/fid/api-types.ts',
  'sdk/fid/extractor.ts',
  'sdk/fid/frechet.ts',
  'sdk/fid/kid.ts',
  'sdk/fid/inception-score.ts',
  'sdk/fid/kid-limits.ts',
  'sdk/fid/npy.ts',
  'sdk/fid/plain.ts',
  'sdk/fid/preprocess.ts',
  'sdk/fid/scorer.ts',
  'sdk/fid/stats.ts',
  'sdk/fid/stats-file.ts',
  'sdk/fid/wasm.ts', // the statistics module: fetch() in browsers, node:fs through process.getBuiltinModule in Node
  'sdk/loader/fetch-wasm.ts',
  'sdk/loader/discard-body.ts', // drops an unread error response's body (fetch API only)
  'sdk/types.ts', // the public types (type-only)
  'sdk/gan/types.ts',
  'sdk/autoencoder/types.ts',
  'sdk/clip/types.ts',
  'sdk/classifier/types.ts',
  'sdk/translator/types.ts',
  'sdk/clip/clip-math.ts', // cosine, softmax, CLIPScore
  'sdk/explain/', // attention distance, CAM: math on arrays
];
const NODE_ENTRY = 'sdk/node.ts';

const inCore = (f: string) => CORE.some((c) => (c.endsWith('/') ? f.startsWith(c) : f === c));

/** Tracked .ts files under `dirs`, relative to the repo. */
function sources(...dirs: string[]): string[] {
  return execFileSync('git', ['-C', REPO, 'ls-files', '--cached', '--others', '--exclude-standard', ...dirs], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && existsSync(join(REPO, f)));
}

/** What `file` imports (static, dynamic with a literal, side-effect): a repo-relative .ts path or a bare package name. */
function importsOf(file: string): string[] {
  const src = readFileSync(join(REPO, file), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
    const spec = m[1]!;
    if (!spec.startsWith('.')) {
      out.push(spec);
      continue;
    }
    const abs = resolve(dirname(join(REPO, file)), spec);
    const ts = abs.endsWith('.js') ? `${abs.slice(0, -3)}.ts` : `${abs}.ts`;
    out.push(relative(REPO, existsSync(ts) ? ts : abs));
  }
  return out;
}

describe('import boundaries', () => {
  it('the core imports only the core (and no package at all)', () => {
    const core = sources('sdk').filter(inCore);
    expect(core.length).toBeGreaterThan(30);
    for (const f of core) {
      for (const d of importsOf(f)) expect(inCore(d), `${f} imports ${d}, outside the core`).toBe(true);
    }
  });

  it('the trainer, bench/ and scripts/ reach the SDK only through the core and the Node entry', () => {
    const users = sources('trainer', 'bench', 'scripts');
    expect(users.length).toBeGreaterThan(50);
    let reached = 0;
    for (const f of users) {
      for (const d of importsOf(f).filter((x) => x.startsWith('sdk/'))) {
        reached++;
        expect(inCore(d) || d === NODE_ENTRY, `${f} imports ${d}: use the core or the Node entry (sdk/node.ts)`).toBe(true);
      }
    }
    expect(reached).toBeGreaterThan(20);
  });

  it('bench/ and scripts/ import nothing of tests/', () => {
    for (const f of sources('bench', 'scripts')) {
      for (const d of importsOf(f)) expect(d.startsWith('tests/'), `${f} imports ${d}`).toBe(false);
    }
  });

  it('the SDK imports no tfjs, nothing of the trainer, tests/ or bench/; only the Node entry imports Node built-ins', () => {
    const sdk = sources('sdk');
    expect(sdk.length).toBeGreaterThan(60);
    for (const f of sdk) {
      for (const d of importsOf(f)) {
        expect(/^@tensorflow\/|^(trainer|tests|bench)\//.test(d), `${f} imports ${d}`).toBe(false);
        // Node-only modules say so in their name: sdk/node.ts, node-*.ts, *-node.ts (the Node entry's pieces).
        const nodeOnly = /(^|\/)(node|node-[\w-]+|[\w-]+-node)\.ts$/.test(f);
        if (!nodeOnly) expect(/^node:|^(fs|path|crypto|url|os)$|^onnxruntime-node$/.test(d), `${f} imports ${d}`).toBe(false);
      }
    }
  });
});
