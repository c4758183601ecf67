/** manifest.json: schema types and the validator (the trainer writes it, the SDK checks it on load). */
export {
  MANIFEST_SCHEMA_VERSION,
  MODEL_KINDS,
  TENSOR_DTYPES,
  type Manifest,
  type ManifestConditioning,
  type ManifestFile,
  type ManifestFileVariant,
  type ManifestFileVariants,
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
} from './types.js';
export { validateManifest } from './validate-manifest.js';
export { AUTOENCODER_TENSOR_NAMES, GAN_TENSOR_NAMES, TENSOR_NAMES } from './tensor-names.js';
