/**
 * Writing and verifying model folders (Node only): model files + manifest.json.
 * The manifest is written last, so a folder with a manifest.json always has its files complete.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, relative } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { DataError } from '../errors/data-error.js';
import { FILE_VARIANTS, MANIFEST_SCHEMA_VERSION, validateManifest, type FileVariantName, type Manifest, type ManifestFile, type TensorDType, type TensorSpec } from './manifest.js';
import { readOnnxModel } from './onnx-proto.js';
import { TensorDataType, type ValueInfoJson } from './onnx-codec.js';

/** Lowercase hex SHA-256 of a file, streamed (model files can be large). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', (err) => reject(new DataError(path, `cannot read for sha256: ${err.message}`)))
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Lowercase hex SHA-256 of bytes in memory. */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One model file to write. inputs/outputs/weights default to what the ONNX bytes declare. */
export interface ModelFileInput {
  /** The serialized ONNX model (OnnxGraph.toBytes()). */
  bytes: Uint8Array;
  /** File name inside the folder, e.g. 'unet.onnx'. */
  filename: string;
  /** Override of the graph inputs read from the model. */
  inputs?: TensorSpec[];
  /** Override of the graph outputs read from the model. */
  outputs?: TensorSpec[];
  /** Override of the weight precision read from the model (float16 when any initializer is FLOAT16). */
  weights?: 'float32' | 'float16';
  /** The same network stored with float16 or int8 weights (manifest files.<role>.variants.<name>); same inputs and outputs. */
  variants?: Partial<Record<FileVariantName, { bytes: Uint8Array; filename: string }>>;
  /** The file's own names of contract tensors (manifest files.<role>.tensorNames), for files made elsewhere. */
  tensorNames?: Record<string, string>;
}

/** Everything of the manifest except what writeModelFolder computes (files, schemaVersion, createdAt). */
export type ModelFolderSpec = Omit<Manifest, 'files' | 'schemaVersion' | 'createdAt'> & {
  /** Model files by role ('unet', 'textEncoder', 'generator'...). */
  files: Record<string, ModelFileInput>;
  /** Export time. Default now. */
  createdAt?: string;
};

/**
 * Writes each model file and then manifest.json into `dir` (created if needed), each atomically,
 * with sha256 and sizes computed from the bytes. The manifest is validated before anything is
 * written. Returns the manifest written.
 */
export async function writeModelFolder(dir: string, spec: ModelFolderSpec): Promise<Manifest> {
  const files: Record<string, ManifestFile> = {};
  for (const [role, f] of Object.entries(spec.files)) {
    const declared = describeOnnx(f.bytes, f.filename);
    files[role] = {
      path: f.filename,
      sha256: sha256Bytes(f.bytes),
      bytes: f.bytes.byteLength,
      inputs: f.inputs ?? declared.inputs,
      outputs: f.outputs ?? declared.outputs,
      weights: f.weights ?? declared.weights,
    };
    if (f.tensorNames) files[role]!.tensorNames = f.tensorNames;
    const variants = Object.entries(f.variants ?? {}).map(([name, v]) => [name, { path: v.filename, sha256: sha256Bytes(v.bytes), bytes: v.bytes.byteLength }]);
    if (variants.length > 0) files[role]!.variants = Object.fromEntries(variants);
  }
  const { files: _inputs, createdAt, ...rest } = spec;
  if (rest.training?.config) rest.training = { ...rest.training, config: portablePaths(rest.training.config) };
  const manifest = validateManifest({
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    ...rest,
    createdAt: createdAt ?? new Date().toISOString(),
    files,
  });
  for (const f of Object.values(spec.files)) {
    await writeFileAtomic(join(dir, f.filename), f.bytes);
    for (const v of Object.values(f.variants ?? {})) await writeFileAtomic(join(dir, v.filename), v.bytes);
  }
  await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * A training config as a manifest records it: absolute paths (`--out /home/me/runs/x`) say nothing to the model's
 * users and leak the trainer's machine, so each becomes relative to the working directory, or just its last folder
 * name ('…/x') when it lies outside.
 */
export function portablePaths(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (typeof v !== 'string' || !isAbsolute(v)) {
      out[k] = v;
      continue;
    }
    const rel = relative(process.cwd(), v);
    out[k] = rel === '' ? '.' : isInside(rel) ? rel : `…/${basename(v)}`;
  }
  return out;
}

/**
 * A path as a command written into a card may show it: relative inside the working directory, `~/…` inside the home
 * folder (a reader's own runs live there too), else `…/<name>`; never the writer's absolute path.
 */
export function commandPath(p: string): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(process.cwd(), p);
  if (rel === '') return '.';
  if (isInside(rel)) return rel;
  const home = relative(homedir(), p);
  return isInside(home) ? `~/${home}` : `…/${basename(p)}`;
}

/** Whether a path made by `relative(base, p)` stays inside base (no `..`, not another drive). */
function isInside(rel: string): boolean {
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Reads `dir/manifest.json`, validates it, and checks every file's size and sha256.
 * Throws DataError naming the file at fault (or ManifestError for a bad field).
 */
export async function verifyModelFolder(dir: string): Promise<Manifest> {
  const manifestPath = join(dir, 'manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (err) {
    throw new DataError(manifestPath, `cannot read manifest: ${(err as Error).message}; re-export the model`);
  }
  const manifest = validateManifest(json);
  const stored = Object.entries(manifest.files).flatMap(([role, f]) => [
    { field: `files.${role}`, f },
    ...FILE_VARIANTS.flatMap((name) => (f.variants?.[name] ? [{ field: `files.${role}.variants.${name}`, f: f.variants[name] }] : [])),
  ]);
  for (const { field, f } of stored) {
    const path = join(dir, f.path);
    const sha = await sha256File(path);
    if (sha !== f.sha256) {
      throw new DataError(path, `sha256 ${sha} differs from manifest ${field}.sha256 ${f.sha256}: the file is corrupt or was replaced; re-export the model`);
    }
  }
  return manifest;
}

const ELEM_TYPES: Record<number, TensorDType> = {
  [TensorDataType.FLOAT]: 'float32',
  [TensorDataType.FLOAT16]: 'float16',
  [TensorDataType.INT64]: 'int64',
  [TensorDataType.INT32]: 'int32',
  [TensorDataType.BOOL]: 'bool',
};

/** The graph's declared inputs/outputs and weight precision, read from the ONNX bytes. */
export function describeOnnx(bytes: Uint8Array, label = 'model'): { inputs: TensorSpec[]; outputs: TensorSpec[]; weights: 'float32' | 'float16' } {
  const graph = readOnnxModel(bytes).graph;
  if (!graph) throw new DataError(label, 'ONNX model has no graph');
  const spec = (v: ValueInfoJson): TensorSpec => {
    const t = v.type?.tensor_type;
    const dtype = ELEM_TYPES[t?.elem_type ?? -1];
    if (!v.name || !dtype) throw new DataError(label, `graph value '${v.name}' has element type ${t?.elem_type}, which the manifest cannot describe`);
    return { name: v.name, dtype, shape: (t?.shape?.dim ?? []).map((d) => d.dim_param ?? d.dim_value ?? 0) };
  };
  const fp16 = (graph.initializer ?? []).some((i) => i.data_type === TensorDataType.FLOAT16);
  return { inputs: (graph.input ?? []).map(spec), outputs: (graph.output ?? []).map(spec), weights: fp16 ? 'float16' : 'float32' };
}
