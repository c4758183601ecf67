import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/**
 * Multithreaded wasm under Node — the one place webgen relies on tfjs-backend-wasm internals.
 *
 * tfjs 4.22 ships a threaded-SIMD build (dist/tfjs-backend-wasm-threaded-simd.wasm) but its
 * flag WASM_HAS_MULTITHREAD_SUPPORT answers false under Node (tfjs issue #3830), and even when
 * forced, init fails: tfjs gives Emscripten the pthread worker script as a blob: URL
 * (`URL.createObjectURL(new Blob([wasmWorkerContents]))`), which Node's worker_threads refuses.
 * Two xnnpack threads cut a U-Net training step from 5.0 s to 3.1 s, so we:
 *   1. set WASM_HAS_MULTITHREAD_SUPPORT = true and setThreadsCount(n) before the backend starts;
 *   2. while it starts, answer the worker-script object URL with wasm-threads-worker.cjs, a real
 *      file that runs tfjs' own worker code with Node shims;
 *   3. while it starts, make os.cpus() list at least 2·n cores: the C side caps the pool at
 *      os.cpus().length / 2 (it assumes hyperthreading), read once when the module starts.
 * What this depends on (checked by tests/backend-wasm-threads.test.ts, so an upgrade that
 * breaks it fails loudly): the flag's name, the locateFile→createObjectURL path for
 * '.worker.js', the files wasm-out/tfjs-backend-wasm-threaded-simd{.js,.worker.js}, the
 * `wasmWorkerContents` export of the latter, and the core count read through os.cpus().
 */

/** The worker-script file handed to Emscripten in place of tfjs' blob: URL. */
export const wasmThreadsWorkerPath = fileURLToPath(new URL('./wasm-threads-worker.cjs', import.meta.url));

/**
 * Starts the wasm backend (via `start`, e.g. `() => tf.setBackend('wasm')`) with `threads`
 * xnnpack threads. Must run before the wasm backend's first start in this process; returns
 * what `start` returns.
 */
export async function startWasmWithThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  // tfjs creates the worker-script Blob with this type (the main-script Blob is 'text/javascript',
  // and is posted to the worker as is).
  URL.createObjectURL = (obj: Blob | MediaSource) =>
    obj instanceof Blob && obj.type === 'application/javascript' ? wasmThreadsWorkerPath : createObjectURL(obj);
  os.cpus = () => {
    const real = cpus();
    return real.length >= 2 * threads ? real : Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]!);
  };
  try {
    return await start();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}
