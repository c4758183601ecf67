import { fileURLToPath } from 'node:url';

// Nothing webgen-specific: webpack 5 follows `new Worker(new URL('./worker.js', import.meta.url))` and the worker's
// `new URL('./ort-<version>/…', import.meta.url)` files on its own, emitting them into dist/ beside main.js.
export default {
  mode: 'production',
  entry: './src/index.js',
  output: { path: fileURLToPath(new URL('./dist/', import.meta.url)), filename: 'main.js', clean: true },
  performance: { hints: false }, // onnxruntime's WebAssembly is 14 MB by nature
};
