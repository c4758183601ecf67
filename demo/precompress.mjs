// Precompression of the demo's static files at build time (demo/rollup.config.mjs): beside every compressible file
// of demo/dist (JavaScript, WebAssembly, CSS, HTML, JSON, at least 1 KB) a `.br` (brotli quality 11) and a `.gz`
// (gzip level 9), which server/static-server.ts sends when the request accepts them. Quality 11 is what makes it worth
// doing ahead of time: onnxruntime's 14.2 MB wasm is 2.36 MB at 11 against 3.07 MB at the on-the-fly quality 4, but
// takes ~36 s of CPU, so each result is kept in a cache folder keyed by the file's sha256 and a rebuild copies it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Extensions worth precompressing (source maps are left to the server's on-the-fly compression). */
export const PRECOMPRESSED = /\.(js|mjs|wasm|css|html|json|svg)$/i;
const MIN_BYTES = 1024;

/** Every file under `dir`, recursively. */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));
}

/** Writes `bytes` to `path` through a temporary file (a killed build never leaves half a file). */
function writeAtomic(path, bytes) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible file under `dir`, from `cacheDir` when it has them.
 * Returns how many files were compressed now and how many came from the cache.
 */
export async function precompressTree(dir, cacheDir) {
  mkdirSync(cacheDir, { recursive: true });
  let compressed = 0;
  let cached = 0;
  const jobs = files(dir)
    .filter((f) => PRECOMPRESSED.test(f) && statSync(f).size >= MIN_BYTES)
    .map(async (file) => {
      const bytes = readFileSync(file);
      const key = createHash('sha256').update(bytes).digest('hex');
      for (const [ext, make] of [
        ['br', () => brotli(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })],
        ['gz', () => gzip(bytes, { level: 9 })],
      ]) {
        const hit = join(cacheDir, `${key}.${ext}`);
        if (existsSync(hit)) cached++;
        else {
          writeAtomic(hit, await make());
          compressed++;
        }
        writeFileSync(`${file}.${ext}`, readFileSync(hit));
      }
    });
  await Promise.all(jobs);
  return { compressed, cached };
}
