/**
 * Before encoding: is the model an autoencoder this SDK drives (trainer/autoencoder/export-autoencoder.ts: encoder
 * 'image' [batch, C, H, W] → 'latent' [batch, ...latentShape], decoder 'latent' → 'image')? Another kind of model is
 * the caller's mistake (InvalidInputError on 'model'); an autoencoder manifest that contradicts itself is a
 * ManifestError naming the field.
 */
import { ManifestError } from '../errors/manifest-error.js';
import { checkModelKind, checkTensor, requireFiles } from '../manifest/model-contract.js';
import type { Manifest, ManifestAutoencoder, ManifestFile } from '../manifest/types.js';
import { AUTOENCODER_TENSOR_NAMES } from '../manifest/tensor-names.js';

/** Input and output names of the exported encoder and decoder. */
export const AUTOENCODER_NAMES = AUTOENCODER_TENSOR_NAMES;

const fix = 're-export the model with webgen-train autoencoder --export, or correct manifest.json';

/** Checks the manifest describes an autoencoder; returns its two files (by role) and latent space. */
export function checkAutoencoderManifest(manifest: Manifest): { files: Record<'encoder' | 'decoder', ManifestFile>; latent: ManifestAutoencoder } {
  const name = manifest.name;
  checkModelKind(manifest, 'autoencoder', 'an autoencoder', 'createAutoencoder');
  const latent = manifest.autoencoder;
  if (!latent) throw new ManifestError('autoencoder', `of '${name}' is missing (latentShape, quantization, scalingFactor); ${fix}`);
  const files = requireFiles(manifest, ['encoder', 'decoder'], fix);
  const { channels, height, width } = manifest.image;
  checkTensor(files.encoder.inputs, AUTOENCODER_NAMES.image, [channels, height, width], 'files.encoder.inputs', name, fix);
  checkTensor(files.encoder.outputs, AUTOENCODER_NAMES.latent, latent.latentShape, 'files.encoder.outputs', name, fix);
  checkTensor(files.decoder.inputs, AUTOENCODER_NAMES.latent, latent.latentShape, 'files.decoder.inputs', name, fix);
  checkTensor(files.decoder.outputs, AUTOENCODER_NAMES.image, [channels, height, width], 'files.decoder.outputs', name, fix);
  return { files, latent };
}
