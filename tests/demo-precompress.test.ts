// demo/precompress.mjs: the build's .br / .gz siblings decode to their file, small and source-map files are left to
// the server, and a rebuild takes the compressed bytes from the content-hash cache instead of compressing again.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build helper without types
import { precompressTree } from '../demo/precompress.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-precompress-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('precompressTree', () => {
  it('writes .br and .gz beside compressible files of 1 KB or more, and reuses its cache on a rebuild', async () => {
    const site = join(tmp, 'site');
    mkdirSync(join(site, 'sub'), { recursive: true });
    const js = Buffer.from('export const x = 1;\n'.repeat(200));
    writeFileSync(join(site, 'sub', 'app.js'), js);
    writeFileSync(join(site, 'tiny.js'), 'export {}');
    writeFileSync(join(site, 'app.js.map'), '{}'.repeat(1000));
    writeFileSync(join(site, 'model.onnx'), Buffer.alloc(4096, 1));
    const cache = join(tmp, 'cache');
    expect(await precompressTree(site, cache)).toEqual({ compressed: 2, cached: 0 });
    expect(brotliDecompressSync(readFileSync(join(site, 'sub', 'app.js.br'))).equals(js)).toBe(true);
    expect(gunzipSync(readFileSync(join(site, 'sub', 'app.js.gz'))).equals(js)).toBe(true);
    for (const f of ['tiny.js.br', 'app.js.map.br', 'model.onnx.br']) expect(existsSync(join(site, f)), f).toBe(false);
    // A fresh build of the same file: from the cache, the same bytes.
    const first = readFileSync(join(site, 'sub', 'app.js.br'));
    rmSync(join(site, 'sub', 'app.js.br'));
    expect(await precompressTree(site, cache)).toEqual({ compressed: 0, cached: 2 });
    expect(readFileSync(join(site, 'sub', 'app.js.br')).equals(first)).toBe(true);
  });
});
