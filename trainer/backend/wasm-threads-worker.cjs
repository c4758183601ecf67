'use strict';
// A pthread worker for tfjs' threaded-SIMD wasm build under Node (started by wasm-threads.ts).
//
// tfjs hands Emscripten its worker script and main script as Blobs (blob: URLs), which Node's
// worker_threads cannot load: `new Worker('blob:…')` is rejected, and the worker's
// `importScripts(blobUrl)` reads the URL as a file. This file is the worker Node starts instead;
// it maps the main-script Blob to the same glue code on disk, then runs tfjs' own worker code.
const { dirname, join } = require('node:path');

const wasmOut = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));
// Emscripten's glue that defines the global WasmBackendModuleThreadedSimd.
const gluePath = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
const { wasmWorkerContents } = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js'));

// The worker code turns the main-script Blob into an object URL and importScripts() it.
URL.createObjectURL = () => gluePath;
URL.revokeObjectURL = () => {};

// tfjs' worker code expects CommonJS' require and __filename in scope; its string literals hold
// raw newlines that tfjs escapes the same way before making its Blob.
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, gluePath);
