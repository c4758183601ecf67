import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({ entryPoints: ['src/main.js'], bundle: true, format: 'esm', minify: true, outdir: 'dist', logLevel: 'info' });
// The one webgen-specific line: esbuild does not copy files named by `new URL('…', import.meta.url)`, so serve a copy
// of the package's dist/ (worker.js, chunks/, ort/, webgen-stats.wasm) and pass its URL as `assetsUrl` (src/main.js).
cpSync('node_modules/webgen/dist', 'dist/webgen', { recursive: true, filter: (f) => !/\.(map|d\.ts)$/.test(f) });
