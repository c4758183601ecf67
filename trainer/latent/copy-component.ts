/**
 * A frozen part of a pipeline (a CLIP text encoder, an autoencoder's decoder or encoder) copied verbatim from the
 * verified model folder it comes from, with its float16 variant and the parity that model recorded for it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestFile } from '../../sdk/manifest/types.js';
import type { CopiedFile } from '../export/export-model.js';

/** A model folder opened by FrozenAutoencoder / FrozenTextEncoder. */
export interface ComponentSource {
  dir: string;
  manifest: { name: string; files: Record<string, ManifestFile>; parity: { byFile?: Record<string, number>; maxAbsError: number } };
}

/** The file of `role` in `from` (and its float16 variant) as `filename`, and where it came from (model and sha256). */
export async function copyComponent(from: ComponentSource, role: string, filename: string): Promise<{ file: CopiedFile; component: { model: string; sha256: string } }> {
  const file = from.manifest.files[role];
  if (!file) throw new Error(`copyComponent: model '${from.manifest.name}' has no file '${role}'`);
  const half = file.variants?.float16;
  return {
    file: {
      bytes: await readFile(join(from.dir, file.path)),
      filename,
      ...(half && { variants: { float16: { bytes: await readFile(join(from.dir, half.path)), filename: filename.replace(/\.onnx$/, '.fp16.onnx') } } }),
      parity: from.manifest.parity.byFile?.[role] ?? from.manifest.parity.maxAbsError,
    },
    component: { model: from.manifest.name, sha256: file.sha256 },
  };
}
