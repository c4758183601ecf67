/**
 * Which encoding of a model's files to load (createGenerator's `precision`): the files the manifest lists, or the
 * float16 variants it offers beside them (files.<role>.variants.float16). Decided before any download, so only the
 * chosen file of each role is fetched and sha256-checked.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { Manifest, ManifestFile } from '../manifest/types.js';
import type { ActiveBackend, Precision } from '../types.js';

/** The values of GeneratorOptions.precision. */
export const PRECISIONS: readonly ('auto' | Precision)[] = ['auto', 'float32', 'float16', 'int8', 'int8-qdq'];

/** What the choice needs to know of where the model is about to run. */
export interface PrecisionDevice {
  /** The backend the model will be opened on ('webgpu' when an adapter exists and WebGPU will be tried). */
  backend: ActiveBackend;
  /** The WebGPU adapter has the 'shader-f16' feature. */
  shaderF16: boolean;
}

export interface PrecisionChoice {
  /** 'float16' / 'int8' / 'int8-qdq' when any chosen file stores its weights so. */
  precision: Precision;
  /** The file to load for each role (as in manifest.files): its own entry, or its float16 variant as a full entry. */
  files: Record<string, ManifestFile>;
}

/** Checks the `precision` option; undefined reads as 'auto'. */
export function checkPrecision(value: unknown): 'auto' | Precision {
  if (value === undefined) return 'auto';
  if (!(PRECISIONS as readonly unknown[]).includes(value)) throw new InvalidInputError('precision', `must be one of ${PRECISIONS.map((p) => `'${p}'`).join(', ')}`, value);
  return value as 'auto' | Precision;
}

/**
 * 'auto' → float16 variants on WebGPU with 'shader-f16' (half the download; onnxruntime casts the weights up), else the
 * float32 files; 'float16' / 'int8' / 'int8-qdq' / 'float32' → that encoding wherever the model offers it, else an InvalidInputError naming
 * 'precision' that says what the model has.
 */
export function choosePrecision(requested: 'auto' | Precision, device: PrecisionDevice, manifest: Manifest): PrecisionChoice {
  const entries = Object.entries(manifest.files);
  const withVariant = entries.filter(([, f]) => f.variants?.float16).map(([role]) => role);
  const halfOnly = entries.filter(([, f]) => f.weights === 'float16').map(([role]) => role);
  const want: Precision = requested !== 'auto' ? requested : device.backend === 'webgpu' && device.shaderF16 && withVariant.length > 0 ? 'float16' : 'float32';
  if (want === 'float16' && withVariant.length === 0 && halfOnly.length === 0) {
    throw new InvalidInputError('precision', `is 'float16' but model '${manifest.name}' has no float16 weights (no files.unet.variants.float16): re-export it with --fp16, or use 'auto' or 'float32'`);
  }
  if ((want === 'int8' || want === 'int8-qdq') && !entries.some(([, f]) => f.variants?.[want])) {
    const what = want === 'int8' ? 'int8 weights' : 'int8 QDQ convolutions';
    throw new InvalidInputError('precision', `is '${want}' but model '${manifest.name}' has no ${what} (no files.unet.variants.${want}): re-export it with --${want}, or use 'auto' or 'float32'`);
  }
  if (requested === 'float32' && halfOnly.length > 0) {
    throw new InvalidInputError('precision', `is 'float32' but files.${halfOnly[0]} of model '${manifest.name}' stores float16 weights only: use 'auto' or 'float16', or re-export with --fp16 (which keeps a float32 file)`);
  }
  const files: Record<string, ManifestFile> = {};
  for (const [role, file] of entries) {
    const { variants, ...own } = file;
    const variant = want === 'float32' ? undefined : variants?.[want];
    files[role] = variant ? { ...own, path: variant.path, sha256: variant.sha256, bytes: variant.bytes, weights: want } : own;
  }
  const stored = Object.values(files).map((f) => f.weights);
  const precision = (['int8-qdq', 'int8', 'float16'] as const).find((p) => stored.includes(p)) ?? 'float32';
  return { precision, files };
}
