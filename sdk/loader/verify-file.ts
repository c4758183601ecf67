import { IntegrityError } from '../errors/integrity-error.js';
import type { ManifestFile } from '../manifest/types.js';
import { sha256Hex } from './sha256.js';

/** Throws IntegrityError unless `bytes` hash to the manifest's sha256 for `file`. Returns the hash. */
export async function verifyFile(file: ManifestFile, bytes: Uint8Array): Promise<string> {
  const actual = await sha256Hex(bytes);
  if (actual !== file.sha256) throw new IntegrityError(file.path, file.sha256, actual);
  return actual;
}
