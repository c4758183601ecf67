/**
 * The SDK for Node: the same API as the browser entry, run in-process on onnxruntime-node's native CPU provider
 * (no worker, no Cache API). `model` is a folder or manifest.json path (or file:/http(s): URL).
 *
 *   import { createGenerator } from 'webgen/node';
 *   const gen = await createGenerator({ model: 'models/mnist-ddim' });
 *   const [image] = await gen.sample({ classLabel: 7, seed: 1 });
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { InvalidInputError } from './errors/invalid-input-error.js';
import { ModelLoadError } from './errors/model-load-error.js';
import { DiffusionEngine } from './generator/engine.js';
import { setPngEncoder } from './image/png-encoder.js';
import { LocalGenerator } from './generator/local-generator.js';
import { checkInteger } from './generator/options.js';
import type { OrtRuntime, OrtSessionLike, OrtTensorLike } from './generator/runtime.js';
import { fetchModel, type LoadedModel } from './loader/fetch-model.js';
import { manifestUrlOf } from './loader/model-url.js';
import { verifyFile } from './loader/verify-file.js';
import type { Manifest } from './manifest/types.js';
import { validateManifest } from './manifest/validate-manifest.js';
import type { Generator, GeneratorOptions } from './types.js';

// The browser entry's exports that make sense in Node (no detectCapabilities or clearCache: no browser, no Cache API).
export { GeneratedImage } from './image/generated-image.js';
export { validateManifest } from './manifest/validate-manifest.js';
export { MANIFEST_SCHEMA_VERSION } from './manifest/types.js';
export { Rng } from './random/rng.js';
export { WebgenSdkError } from './errors/webgen-sdk-error.js';
export { InvalidInputError } from './errors/invalid-input-error.js';
export { PromptTooLongError } from './errors/prompt-too-long-error.js';
export { ModelLoadError } from './errors/model-load-error.js';
export { ManifestError } from './errors/manifest-error.js';
export { IntegrityError } from './errors/integrity-error.js';
export { BackendUnavailableError } from './errors/backend-unavailable-error.js';
export { AbortError } from './errors/abort-error.js';
// Node has no OffscreenCanvas: GeneratedImage.toBlob() encodes with pngjs.
setPngEncoder(async (rgba, width, height) => {
  const png = new PNG({ width, height });
  png.data.set(rgba);
  return new Blob([new Uint8Array(PNG.sync.write(png))], { type: 'image/png' });
});
export type * from './types.js';
export type { Manifest, ManifestFile, ManifestImage, ManifestSchedule, ManifestConditioning, ManifestTokenizer, ModelKind, TensorSpec } from './manifest/types.js';

/** Node's createGenerator: `backend` may be 'auto' or omitted ('webgpu'/'wasm' are browser backends); `cache` is ignored. */
export async function createGenerator(options: GeneratorOptions): Promise<Generator> {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError('options', "must be an object like { model: 'models/mnist-ddim' }", options);
  const { backend = 'auto', threads, onProgress } = options;
  if (backend !== 'auto') throw new InvalidInputError('backend', `must be 'auto' in Node (onnxruntime-node's CPU provider); 'webgpu' and 'wasm' are the browser's backends`, backend);
  if (threads !== undefined) checkInteger('threads', threads, 1, 256);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InvalidInputError('onProgress', 'must be a function (event) => void', onProgress);
  const url = manifestUrlOf(options.model, pathToFileURL(`${process.cwd()}/`));
  const loaded = url.protocol === 'file:' ? await readModelFolder(url, onProgress) : await fetchModel(url, { cache: false, ...(onProgress && { onProgress }) });
  const runtime: OrtRuntime = {
    backend: 'cpu',
    tensor: (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => new ort.Tensor(type, data, dims) as unknown as OrtTensorLike,
    createSession: async (bytes, role) => {
      try {
        return (await ort.InferenceSession.create(bytes, {
          executionProviders: ['cpu'],
          ...(threads !== undefined && { intraOpNumThreads: threads }),
        })) as unknown as OrtSessionLike;
      } catch (err) {
        throw new ModelLoadError(`onnxruntime-node cannot load files.${role} of '${loaded.manifest.name}': ${(err as Error).message}`, { cause: err });
      }
    },
  } as OrtRuntime;
  const engine = await DiffusionEngine.create(loaded.manifest, loaded.files, runtime);
  const total = Object.values(loaded.manifest.files).reduce((n, f) => n + f.bytes, 0);
  onProgress?.({ status: 'ready', file: url.href, loaded: total, total, backend: 'cpu' });
  return new LocalGenerator(engine);
}

/** Reads a model folder from disk, validating the manifest and each file's sha256. */
async function readModelFolder(url: URL, onProgress: GeneratorOptions['onProgress']): Promise<LoadedModel> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(url, 'utf8'));
  } catch (err) {
    throw new ModelLoadError(`cannot read ${url.pathname}: ${(err as Error).message}; 'model' must name a model folder holding manifest.json`, { cause: err });
  }
  const manifest: Manifest = validateManifest(json);
  const files: Record<string, Uint8Array> = {};
  for (const [role, file] of Object.entries(manifest.files)) {
    const fileUrl = new URL(file.path, url);
    onProgress?.({ status: 'download', file: file.path, loaded: 0, total: file.bytes, fromCache: false });
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(fileUrl));
    } catch (err) {
      throw new ModelLoadError(`cannot read ${fileUrl.pathname} (files.${role} of '${manifest.name}'): ${(err as Error).message}`, { cause: err });
    }
    onProgress?.({ status: 'progress', file: file.path, loaded: bytes.length, total: file.bytes });
    await verifyFile(file, bytes);
    files[role] = bytes;
  }
  return { manifest, files, url };
}
