/**
 * Opening a model in Node, shared by the Node entry's create functions: the options every one takes, the model folder
 * read from disk (or fetched, for http(s) URLs) with each file's sha256 checked, and onnxruntime-node as the runtime.
 */
import { pathToFileURL } from 'node:url';
import { InvalidInputError } from './errors/invalid-input-error.js';
import { ModelLoadError } from './errors/model-load-error.js';
import { checkInteger } from './generator/options.js';
import type { OrtRuntime, OrtSessionLike, OrtTensorLike } from './generator/runtime.js';
import { checkPrecision, choosePrecision } from './loader/choose-precision.js';
import { fetchFiles, fetchManifest, type LoadedModel } from './loader/fetch-model.js';
import { manifestUrlOf } from './loader/model-url.js';
import { checkOptionNames } from './options/check-option-names.js';
import { callOnlyHints, GENERATOR_OPTION_NAMES } from './options/creation-option-names.js';
import { loadOrtNode } from './node-ort.js';
import { modelFileUrl } from './loader/model-file-url.js';
import { readLocalFile, type LocalReadProblem } from './loader/read-file-node.js';
import { verifyFile } from './loader/verify-file.js';
import { IntegrityError } from './errors/integrity-error.js';
import { MAX_MANIFEST_BYTES, type Manifest, type ManifestFile } from './manifest/types.js';
import { validateManifest } from './manifest/validate-manifest.js';
import type { GeneratorOptions, Precision } from './types.js';

export interface NodeModel {
  loaded: LoadedModel;
  runtime: OrtRuntime;
  /** Which weights were read (GeneratorOptions.precision; 'auto' is 'float32' here). */
  precision: Precision;
  /** Reports the 'ready' event (call it once the sessions run). */
  ready(): void;
}

/**
 * Checks the options (`example` is the model of the error messages; `names` the accepted option names of `callee`,
 * whose objects have the methods `calls`), reads the model and makes its runtime.
 */
export async function openNodeModel(options: GeneratorOptions, example: string, names: readonly string[] = GENERATOR_OPTION_NAMES, callee = 'createGenerator()', calls = 'sample(), textToImage(), img2img()'): Promise<NodeModel> {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError('options', `must be an object like { model: '${example}' }`, options);
  checkOptionNames(options, names, callee, callOnlyHints(callee, calls));
  const { backend = 'auto', threads, onProgress } = options;
  if (backend !== 'auto') throw new InvalidInputError('backend', `must be 'auto' in Node (onnxruntime-node's CPU provider); 'webgpu' and 'wasm' are the browser's backends`, backend);
  if (threads !== undefined) checkInteger('threads', threads, 1, 256);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InvalidInputError('onProgress', 'must be a function (event) => void', onProgress);
  const requested = checkPrecision(options.precision);
  const url = manifestUrlOf(options.model, pathToFileURL(`${process.cwd()}/`));
  const local = url.protocol === 'file:';
  // One read per load: a manifest the app already read (GeneratorOptions.manifest) is validated, not read again.
  const manifest = options.manifest !== undefined ? validateManifest(options.manifest) : local ? await readManifest(url) : await fetchManifest(url);
  // onnxruntime-node's CPU provider gains nothing from float16 storage but the bytes: 'auto' reads float32.
  const choice = choosePrecision(requested, { backend: 'cpu', shaderF16: false }, manifest);
  const files = local ? await readFiles(url, manifest.name, choice.files, onProgress) : await fetchFiles(url, choice.files, { cache: false, ...(onProgress && { onProgress }) });
  const loaded: LoadedModel = { manifest, files, url };
  const ort = await loadOrtNode();
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
  const total = Object.values(choice.files).reduce((n, f) => n + f.bytes, 0);
  return { loaded, runtime, precision: choice.precision, ready: () => onProgress?.({ status: 'ready', file: url.href, loaded: total, total, backend: 'cpu', precision: choice.precision }) };
}

/**
 * Reads a model folder from disk, validating the manifest and each file's sha256. `parameter` names the option that
 * pointed here, for the error when there is no manifest ('model', 'extractor').
 */
export async function readModelFolder(url: URL, onProgress: GeneratorOptions['onProgress'], parameter = 'model', alternative = ''): Promise<LoadedModel> {
  const manifest = await readManifest(url, parameter, alternative);
  return { manifest, files: await readFiles(url, manifest.name, manifest.files, onProgress), url };
}

/** Node's loadManifest: the validated manifest.json of `model` (a folder, manifest.json or http(s) URL). */
export function loadManifest(model: string | URL): Promise<Manifest> {
  const url = manifestUrlOf(model, pathToFileURL(`${process.cwd()}/`));
  return url.protocol === 'file:' ? readManifest(url) : fetchManifest(url);
}

/** Reads and validates the manifest.json at `url` (see readModelFolder for `parameter` and `alternative`). */
async function readManifest(url: URL, parameter = 'model', alternative = ''): Promise<Manifest> {
  const advice = `'${parameter}' must name a model folder holding manifest.json${alternative}`;
  let read;
  try {
    read = await readLocalFile(url, undefined, MAX_MANIFEST_BYTES);
  } catch (err) {
    throw new ModelLoadError(`cannot read ${url.pathname}: ${(err as Error).message}; ${advice}`, { cause: err });
  }
  if ('problem' in read) throw new ModelLoadError(`cannot read ${url.pathname}: it ${LOCAL_PROBLEM[read.problem]}; ${advice}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(read.bytes));
  } catch (err) {
    throw new ModelLoadError(`cannot read ${url.pathname}: ${(err as Error).message}; ${advice}`, { cause: err });
  }
  return validateManifest(json);
}

/** Each refusal of readLocalFile, in words that follow "it". */
const LOCAL_PROBLEM: Record<LocalReadProblem, string> = {
  outside: 'is a symbolic link to a file outside the model folder, and webgen reads only files inside it (copy the file into the folder)',
  'not-a-file': 'is not a regular file',
  'too-large': `is larger than a manifest.json can be (${MAX_MANIFEST_BYTES} bytes)`,
  changed: 'changed while it was read (try again)',
};

/**
 * Reads `entries` (by role) from beside the manifest at `url`, each checked against its sha256. A path must resolve
 * inside the folder (modelFileUrl), and the file's real path too (readLocalFile); at most `bytes` are read.
 */
async function readFiles(url: URL, modelName: string, entries: Record<string, ManifestFile>, onProgress: GeneratorOptions['onProgress']): Promise<Record<string, Uint8Array>> {
  const folder = new URL('.', url);
  const files: Record<string, Uint8Array> = {};
  for (const [role, file] of Object.entries(entries)) {
    const fileUrl = modelFileUrl(file.path, url, `files.${role}.path`);
    const where = `${fileUrl.pathname} (files.${role} of '${modelName}')`;
    onProgress?.({ status: 'download', file: file.path, loaded: 0, total: file.bytes, fromCache: false });
    let read;
    try {
      read = await readLocalFile(fileUrl, folder, file.bytes);
    } catch (err) {
      throw new ModelLoadError(`cannot read ${where}: ${(err as Error).message}`, { cause: err });
    }
    if ('problem' in read) {
      if (read.problem === 'too-large') throw new IntegrityError(file.path, file.sha256, '', file.bytes);
      throw new ModelLoadError(`cannot read ${where}: it ${LOCAL_PROBLEM[read.problem]}`);
    }
    onProgress?.({ status: 'progress', file: file.path, loaded: read.bytes.length, total: file.bytes });
    await verifyFile(file, read.bytes);
    files[role] = read.bytes;
  }
  return files;
}
