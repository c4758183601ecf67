import { WebgenSdkError } from './webgen-sdk-error.js';

/**
 * The FID/KID statistics module (wasm/build/webgen-stats.wasm) could not be read or compiled: not built
 * (`npm run build:wasm`), not served where the page looks for it (pass its bytes or URL to setStatsWasm()),
 * or a runtime without WebAssembly SIMD.
 */
export class StatsWasmUnavailableError extends WebgenSdkError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'StatsWasmUnavailableError';
}
