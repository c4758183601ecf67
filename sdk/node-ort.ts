/**
 * onnxruntime-node for `webgen/node`: an optional peer dependency of the package, imported when a model is opened so
 * that an app without it gets a BackendUnavailableError saying what to install, not ERR_MODULE_NOT_FOUND at import.
 */
import type * as OrtNode from 'onnxruntime-node';
import { BackendUnavailableError } from './errors/backend-unavailable-error.js';

let ort: Promise<typeof OrtNode> | undefined;

/** The onnxruntime-node module (imported once). */
export function loadOrtNode(): Promise<typeof OrtNode> {
  ort ??= import('onnxruntime-node').catch((err: unknown) => {
    ort = undefined;
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package) 'onnxruntime-node'/.test(String(err));
    throw new BackendUnavailableError('onnxruntime-node', missing ? "webgen/node runs models on onnxruntime-node, which is not installed: run 'npm install onnxruntime-node'" : `onnxruntime-node failed to load: ${(err as Error).message}`);
  });
  return ort;
}
