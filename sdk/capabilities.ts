import type { Capabilities } from './types.js';

/** What this browser (or worker) offers the SDK. Never throws; every check that cannot run reads false. */
export async function detectCapabilities(): Promise<Capabilities> {
  const isolated = typeof crossOriginIsolated === 'boolean' ? crossOriginIsolated : false;
  const wasmThreads = isolated && typeof SharedArrayBuffer !== 'undefined' && typeof WebAssembly === 'object';
  let webgpu = false;
  let shaderF16 = false;
  try {
    const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: ReadonlySet<string> } | null> } } | undefined)?.gpu;
    const adapter = gpu ? await gpu.requestAdapter() : null;
    webgpu = adapter !== null && adapter !== undefined;
    shaderF16 = webgpu && adapter!.features.has('shader-f16');
  } catch {
    webgpu = false;
  }
  return { webgpu, shaderF16, wasmThreads, crossOriginIsolated: isolated };
}
