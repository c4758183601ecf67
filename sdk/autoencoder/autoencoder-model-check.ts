/**
 * Before encoding: is the model an autoencoder this SDK drives (trainer/autoencoder/export-autoencoder.ts: encoder
 * 'image' [batch, C, H, W] → 'latent' [batch, ...latentShape], decoder 'latent' → 'image')? Another kind of model is
 * the caller's mistake (InvalidInputError on 'model'); an autoencoder manifest that contradicts itself is a
 * ManifestError naming the field.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ManifestError } from '../errors/manifest-error.js';
import type { Manifest, ManifestAutoencoder, ManifestFile } from '../manifest/types.js';
import { AUTOENCODER_TENSOR_NAMES } from '../manifest/tensor-names.js';

/** Input and output names of the exported encoder and decoder. */
export const AUTOENCODER_NAMES = AUTOENCODER_TENSOR_NAMES;

const fix = 're-export the model with webgen-train autoencoder --export, or correct manifest.json';

export interface AutoencoderModelSpec {
  encoder: ManifestFile;
  decoder: ManifestFile;
  latent: ManifestAutoencoder;
}

function hasTensor(list: ManifestFile['inputs'], name: string, dims: readonly number[], field: string, model: string): void {
  const t = list.find((s) => s.name === name);
  if (!t) throw new ManifestError(field, `of '${model}' lacks '${name}'; ${fix}`);
  if (t.shape.length !== dims.length + 1 || dims.some((d, i) => typeof t.shape[i + 1] === 'number' && t.shape[i + 1] !== d)) {
    throw new ManifestError(`${field}[${name}].shape`, `of '${model}' is ${JSON.stringify(t.shape)}, which does not match [batch, ${dims.join(', ')}]; ${fix}`);
  }
}

/** Checks the manifest describes an autoencoder; returns its two files and latent space. */
export function checkAutoencoderManifest(manifest: Manifest): AutoencoderModelSpec {
  const name = manifest.name;
  if (manifest.kind !== 'autoencoder') {
    throw new InvalidInputError('model', `must be an autoencoder (manifest kind 'autoencoder'), but '${name}' is a '${manifest.kind}': createAutoencoder loads 'autoencoder' models only`);
  }
  const latent = manifest.autoencoder;
  if (!latent) throw new ManifestError('autoencoder', `of '${name}' is missing (latentShape, quantization, scalingFactor); ${fix}`);
  const { encoder, decoder } = manifest.files;
  if (!encoder) throw new ManifestError('files.encoder', `is missing in the manifest of '${name}'; ${fix}`);
  if (!decoder) throw new ManifestError('files.decoder', `is missing in the manifest of '${name}'; ${fix}`);
  const { channels, height, width } = manifest.image;
  hasTensor(encoder.inputs, AUTOENCODER_NAMES.image, [channels, height, width], 'files.encoder.inputs', name);
  hasTensor(encoder.outputs, AUTOENCODER_NAMES.latent, latent.latentShape, 'files.encoder.outputs', name);
  hasTensor(decoder.inputs, AUTOENCODER_NAMES.latent, latent.latentShape, 'files.decoder.inputs', name);
  hasTensor(decoder.outputs, AUTOENCODER_NAMES.image, [channels, height, width], 'files.decoder.outputs', name);
  return { encoder, decoder, latent };
}
