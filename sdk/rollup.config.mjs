// Builds the SDK package (sdk/package.json, `webgen`) into sdk/dist/:
//   index.js (+ chunks/)  the browser entry, ESM, minified; the worker is its own entry (worker.js), started by index.js
//   node.js               the Node entry (onnxruntime-node, external; pngjs bundled in)
//   index.d.ts, node.d.ts the public types
//   ort-<version>/        the onnxruntime-web files the worker imports at run time (never a CDN), the folder named
//                         by onnxruntime-web's version (sdk/worker-assets.ts ORT_FOLDER) so servers may cache it for good
//   webgen-stats.wasm     the FID/KID statistics module the worker fetches (wasm/build, npm run build:wasm)
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import dts from 'rollup-plugin-dts';

// Paths from this file's folder, whatever the working directory (root `npm run build`, or `npm run build -w webgen`).
const SDK = dirname(fileURLToPath(import.meta.url));
const REPO = dirname(SDK);
const OUT = join(SDK, 'dist');
const require = createRequire(import.meta.url);
const ORT_DIST = dirname(require.resolve('onnxruntime-web'));
/** The WebAssembly build (wasm backend) and the JSEP build (WebGPU + wasm), each with its runtime. */
export const ORT_FILES = [
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort.min.mjs',
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
];

/**
 * The folder the worker's literals name (sdk/worker-assets.ts ORT_FOLDER), checked against the installed
 * onnxruntime-web: a new version must change the literals too, or the worker would load files that are not there.
 */
function ortFolder() {
  const folder = /export const ORT_FOLDER = '([^']+)'/.exec(readFileSync(join(SDK, 'worker-assets.ts'), 'utf8'))?.[1];
  const version = JSON.parse(readFileSync(join(ORT_DIST, '..', 'package.json'), 'utf8')).version;
  if (folder !== `ort-${version}`) {
    throw new Error(`sdk/worker-assets.ts names ${folder ?? 'no ORT_FOLDER'} but onnxruntime-web ${version} is installed: replace '${folder}' by 'ort-${version}' in its URL literals and ORT_FOLDER`);
  }
  return folder;
}
export const ORT_FOLDER = ortFolder();

function copyOrt() {
  return {
    name: 'webgen-copy-onnxruntime',
    writeBundle() {
      mkdirSync(join(OUT, ORT_FOLDER), { recursive: true });
      for (const f of ORT_FILES) {
        if (!f.endsWith('.mjs')) {
          copyFileSync(join(ORT_DIST, f), join(OUT, ORT_FOLDER, f));
          continue;
        }
        // Their .map files are not shipped: drop the comment that points at them (dev servers try to read it).
        const js = readFileSync(join(ORT_DIST, f), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
        writeFileSync(join(OUT, ORT_FOLDER, f), js);
      }
    },
  };
}

/** FID/KID's statistics module, beside worker.js (the worker fetches it from there; `npm run build:wasm` makes it). */
export const STATS_WASM = join(REPO, 'wasm', 'build', 'webgen-stats.wasm');
function copyStatsWasm() {
  return {
    name: 'webgen-copy-stats-wasm',
    writeBundle() {
      if (!existsSync(STATS_WASM)) this.error(`${STATS_WASM} is missing: run 'npm run build:wasm' first`);
      copyFileSync(STATS_WASM, join(OUT, 'webgen-stats.wasm'));
    },
  };
}

/** Empties dist/sdk first: stale hashed chunks of earlier builds must not ship (nor count in the size figure). */
function clean() {
  return {
    name: 'webgen-clean',
    buildStart() {
      rmSync(OUT, { recursive: true, force: true });
    },
  };
}

const ts = () =>
  typescript({
    tsconfig: false,
    include: [join(SDK, '**', '*.ts')],
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable', 'WebWorker'],
      strict: true,
      skipLibCheck: true,
      isolatedModules: true,
      declaration: false,
      sourceMap: true,
      inlineSources: true, // the package ships no .ts: maps carry their sources (Vite's dev server warns otherwise)
      types: ['node'],
    },
  });

export default [
  {
    input: { index: join(SDK, 'index.ts'), worker: join(SDK, 'worker.ts') },
    output: { dir: OUT, format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: [clean(), nodeResolve({ browser: true }), ts(), terser({ module: true, keep_classnames: true, format: { comments: /webpackIgnore|@vite-ignore/ } }), copyOrt(), copyStatsWasm()],
  },
  {
    input: { node: join(SDK, 'node.ts') },
    output: { dir: OUT, format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/node-[name]-[hash].js', sourcemap: true },
    // Only onnxruntime-node (an optional peer) stays a bare import: pngjs, comlink and @noble/hashes are bundled in, so
    // the package has no runtime dependencies to install.
    external: [/^node:/, 'onnxruntime-node', 'zlib', 'stream', 'util', 'assert', 'buffer'],
    plugins: [nodeResolve({ preferBuiltins: true }), commonjs(), ts()],
  },
  {
    input: { index: join(SDK, 'index.ts'), node: join(SDK, 'node.ts') },
    output: { dir: OUT, format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/types-[hash].d.ts' },
    external: [/^node:/, 'onnxruntime-node', 'onnxruntime-web', 'comlink', 'pngjs'],
    plugins: [dts({ tsconfig: join(REPO, 'tsconfig.json') })],
  },
];
