/**
 * Where the worker's run-time files are: onnxruntime-web's two builds and webgen's statistics module.
 *
 * By default each file is named by its own `new URL('./…', import.meta.url)` with a literal path, the one pattern that
 * Vite (build and dev), webpack 5 and Parcel follow without plugins: they copy the file into the app's output (hashed)
 * and rewrite the URL. This module is only imported by worker.ts, so the build inlines it into `worker.js` and the paths
 * are relative to the `dist/` folder that holds `worker.js`, `ort-1.30.0/` and `webgen-stats.wasm`. A folder URL such as
 * `new URL('./ort-1.30.0/', import.meta.url)` is not followed by bundlers (Vite's dev server even drops its trailing slash),
 * hence one literal per file. Bundlers that do not follow `new URL` (esbuild) serve a copy of `dist/` and pass its
 * URL as `assetsUrl` (assetsFrom).
 */

/**
 * The folder of onnxruntime-web's files in `dist/`, named by its version so a server can cache them for a year
 * (server/content-headers.ts): an upgrade is a new URL, never a stale wasm under an old one. The literals above and
 * below repeat it (bundlers need literals); the SDK build (sdk/rollup.config.mjs) refuses to run when it is not the
 * installed onnxruntime-web's version.
 */
export const ORT_FOLDER = 'ort-1.30.0';

/** One onnxruntime-web build: the module the worker imports, the Emscripten glue it imports, and its WebAssembly. */
export interface OrtBuildUrls {
  entry: string;
  mjs: string;
  wasm: string;
}

export interface WorkerAssets {
  /** 'wasm': the WebAssembly-only build; 'webgpu': the JSEP build (WebGPU, and WebAssembly as well). */
  ort: Record<'wasm' | 'webgpu', OrtBuildUrls>;
  /** webgen's FID/KID statistics module. */
  statsWasm: string;
}

/** The files beside this script, as the app's bundler placed them. */
export function bundledAssets(): WorkerAssets {
  return {
    ort: {
      wasm: {
        entry: new URL('./ort-1.30.0/ort.wasm.min.mjs', import.meta.url).href,
        mjs: new URL('./ort-1.30.0/ort-wasm-simd-threaded.mjs', import.meta.url).href,
        wasm: new URL('./ort-1.30.0/ort-wasm-simd-threaded.wasm', import.meta.url).href,
      },
      webgpu: {
        entry: new URL('./ort-1.30.0/ort.min.mjs', import.meta.url).href,
        mjs: new URL('./ort-1.30.0/ort-wasm-simd-threaded.jsep.mjs', import.meta.url).href,
        wasm: new URL('./ort-1.30.0/ort-wasm-simd-threaded.jsep.wasm', import.meta.url).href,
      },
    },
    statsWasm: new URL('./webgen-stats.wasm', import.meta.url).href,
  };
}

/** The same files under `folder` (an absolute URL ending in '/': a served copy of the package's `dist/`). */
export function assetsFrom(folder: string): WorkerAssets {
  const at = (path: string) => new URL(path, folder).href;
  return {
    ort: {
      wasm: { entry: at(`${ORT_FOLDER}/ort.wasm.min.mjs`), mjs: at(`${ORT_FOLDER}/ort-wasm-simd-threaded.mjs`), wasm: at(`${ORT_FOLDER}/ort-wasm-simd-threaded.wasm`) },
      webgpu: { entry: at(`${ORT_FOLDER}/ort.min.mjs`), mjs: at(`${ORT_FOLDER}/ort-wasm-simd-threaded.jsep.mjs`), wasm: at(`${ORT_FOLDER}/ort-wasm-simd-threaded.jsep.wasm`) },
    },
    statsWasm: at('webgen-stats.wasm'),
  };
}

/** `assetsUrl` given → that folder, else the bundled files. */
export function workerAssets(assetsUrl: string | undefined): WorkerAssets {
  return assetsUrl === undefined ? bundledAssets() : assetsFrom(assetsUrl);
}
