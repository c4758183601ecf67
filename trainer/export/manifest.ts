/**
 * manifest.json: the contract between the trainer (writes it) and the SDK (validates it on load).
 * The schema and its validator live in the SDK (sdk/manifest/), the single source of truth; this
 * module re-exports them for the trainer (the CLI reports the SDK's errors as one line, exit 1). Browser-safe.
 */

export {
  FILE_VARIANTS,
  MANIFEST_SCHEMA_VERSION,
  MODEL_KINDS,
  type FileVariantName,
  type Manifest,
  type ManifestConditioning,
  type ManifestFile,
  type ManifestImage,
  type ManifestAutoencoder,
  type ManifestClip,
  type ManifestTranslator,
  type ManifestLatent,
  type ManifestParity,
  type ManifestSchedule,
  type ManifestTokenizer,
  type ManifestTraining,
  type ModelKind,
  type TensorDType,
  type TensorSpec,
} from '../../sdk/manifest/types.js';

/** Checks that `json` (parsed manifest.json) follows the schema and returns it typed; the SDK's ManifestError names the first bad field. */
export { validateManifest } from '../../sdk/manifest/validate-manifest.js';
export { ManifestError } from '../../sdk/errors/manifest-error.js';
