/**
 * manifest.json: the contract between the trainer (writes it) and the SDK (validates it on load).
 * The schema and its validator live in the SDK (sdk/manifest/), the single source of truth; this
 * module re-exports them for the trainer and turns the SDK's ManifestError into the trainer's own
 * (a WebgenError, so the CLI prints it and exits 1). Browser-safe: no node imports.
 */
import { ManifestError as SdkManifestError } from '../../sdk/errors/manifest-error.js';
import { validateManifest as validateSdkManifest } from '../../sdk/manifest/validate-manifest.js';
import type { Manifest } from '../../sdk/manifest/types.js';
import { ManifestError } from './manifest-error.js';

export {
  MANIFEST_SCHEMA_VERSION,
  MODEL_KINDS,
  type Manifest,
  type ManifestConditioning,
  type ManifestFile,
  type ManifestImage,
  type ManifestAutoencoder,
  type ManifestLatent,
  type ManifestParity,
  type ManifestSchedule,
  type ManifestTokenizer,
  type ManifestTraining,
  type ModelKind,
  type TensorDType,
  type TensorSpec,
} from '../../sdk/manifest/types.js';

/**
 * Checks that `json` (parsed manifest.json) follows the schema and returns it typed.
 * Throws a ManifestError naming the first bad field, what was expected and what was found.
 */
export function validateManifest(json: unknown): Manifest {
  try {
    return validateSdkManifest(json);
  } catch (err) {
    if (err instanceof SdkManifestError) throw new ManifestError(err.field, err.problem);
    throw err;
  }
}
