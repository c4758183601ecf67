import { WebgenSdkError } from './webgen-sdk-error.js';

/**
 * The backend asked for cannot run here (no WebGPU adapter, the WebAssembly runtime failed to start, a session could
 * not be created on it). With `backend: 'auto'` the SDK falls back instead of throwing; this error means there was
 * nothing left to fall back to, or an explicit backend was requested.
 */
export class BackendUnavailableError extends WebgenSdkError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'BackendUnavailableError';
  constructor(
    /** The backend that failed ('webgpu' or 'wasm'). */
    readonly backend: string,
    /** Why, in words. */
    readonly reason: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}${backend === 'webgpu' ? "; use backend: 'auto' to fall back to WebAssembly" : ''}`);
  }
}
