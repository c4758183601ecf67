/**
 * Before generating: is the model one this SDK drives (a diffusion U-Net with the inputs it feeds), and does each
 * ONNX file have the inputs and outputs its manifest declares? Each failure is a ModelLoadError naming the field.
 */
import { ModelLoadError } from '../errors/model-load-error.js';
import { AUTOENCODER_TENSOR_NAMES, TENSOR_NAMES } from '../manifest/tensor-names.js';
import type { Manifest, ManifestFile, TensorSpec } from '../manifest/types.js';
import type { OrtSessionLike, OrtValueMetadata } from './runtime.js';

/** The contract's tensor names (sdk/manifest/tensor-names.ts). */
export const NAMES = TENSOR_NAMES;

const fix = 're-export the model with webgen-train, or correct manifest.json';

/** The files of a diffusion model by role: the U-Net, a text model's encoder, a latent model's decoder (and encoder). */
export interface DiffusionRoles {
  unet: ManifestFile;
  textEncoder?: ManifestFile;
  decoder?: ManifestFile;
  encoder?: ManifestFile;
}

/** Checks the manifest describes a model this SDK can generate with (kind 'diffusion-unet' or 'latent-diffusion'); returns its roles. */
export function checkDiffusionManifest(manifest: Manifest): DiffusionRoles {
  const name = manifest.name;
  if (manifest.kind !== 'diffusion-unet' && manifest.kind !== 'latent-diffusion') {
    const use = manifest.kind === 'gan-generator' ? 'load GAN generators with createGan' : 'createGenerator loads image generators only';
    throw new ModelLoadError(`model '${name}' is a '${manifest.kind}', not a 'diffusion-unet' or 'latent-diffusion': ${use}`);
  }
  const unet = manifest.files.unet;
  if (!unet) throw new ModelLoadError(`manifest of '${name}' has no files.unet (the U-Net); ${fix}`);
  const input = (n: string) => unet.inputs.find((s) => s.name === n);
  for (const n of [NAMES.sample, NAMES.timestep]) {
    if (!input(n)) throw new ModelLoadError(`manifest field 'files.unet.inputs' of '${name}' lacks '${n}'; ${fix}`);
  }
  if (!unet.outputs.some((s) => s.name === NAMES.output)) throw new ModelLoadError(`manifest field 'files.unet.outputs' of '${name}' lacks '${NAMES.output}'; ${fix}`);
  const { channels, height, width } = manifest.image;
  const sampleShape = input(NAMES.sample)!.shape;
  // A latent model's U-Net denoises the latent, a pixel model's the image.
  const expect = manifest.latentDiffusion?.latentShape ?? [channels, height, width];
  const what = manifest.latentDiffusion ? `latentDiffusion.latentShape ${expect.join('x')}` : `image ${channels}x${height}x${width}`;
  if (sampleShape.length !== 4 || expect.some((d, i) => typeof sampleShape[i + 1] === 'number' && sampleShape[i + 1] !== d)) {
    throw new ModelLoadError(`manifest field 'files.unet.inputs[sample].shape' of '${name}' is ${JSON.stringify(sampleShape)}, which does not match ${what} ([batch, ${expect.join(', ')}]); ${fix}`);
  }
  const latent = manifest.kind === 'latent-diffusion' ? checkLatentFiles(manifest) : {};
  const classes = manifest.conditioning?.classes;
  if (classes && !input(NAMES.classLabels)) throw new ModelLoadError(`manifest of '${name}' lists classes but files.unet has no '${NAMES.classLabels}' input; ${fix}`);
  if (!classes && input(NAMES.classLabels)) throw new ModelLoadError(`files.unet of '${name}' takes '${NAMES.classLabels}' but the manifest lists no conditioning.classes; ${fix}`);
  const guidanceRange = manifest.sampling?.guidanceRange;
  if (input(NAMES.guidanceScale) && !guidanceRange) throw new ModelLoadError(`files.unet of '${name}' takes '${NAMES.guidanceScale}' but the manifest has no sampling.guidanceRange (the scales it was distilled for); ${fix}`);
  if (!input(NAMES.guidanceScale) && guidanceRange) throw new ModelLoadError(`manifest of '${name}' gives sampling.guidanceRange but files.unet has no '${NAMES.guidanceScale}' input; ${fix}`);
  const tokenizer = manifest.conditioning?.tokenizer;
  if (input(NAMES.context)) {
    const textEncoder = manifest.files.textEncoder;
    if (!tokenizer || !textEncoder) throw new ModelLoadError(`files.unet of '${name}' takes '${NAMES.context}' but the manifest lacks conditioning.tokenizer or files.textEncoder; ${fix}`);
    if (tokenizer.kind !== 'word') throw new ModelLoadError(`manifest field 'conditioning.tokenizer.kind' of '${name}' is '${tokenizer.kind}'; this SDK tokenizes 'word' only`);
    if (!textEncoder.inputs.some((s) => s.name === NAMES.inputIds) || !textEncoder.outputs.some((s) => s.name === NAMES.hidden)) {
      throw new ModelLoadError(`manifest field 'files.textEncoder' of '${name}' must have input '${NAMES.inputIds}' and output '${NAMES.hidden}'; ${fix}`);
    }
    return { unet, textEncoder, ...latent };
  }
  return { unet, ...latent };
}

/** A latent model's decoder ('latent' → 'image') and optional encoder ('image' → 'latent'), shapes checked against the manifest. */
function checkLatentFiles(manifest: Manifest): { decoder: ManifestFile; encoder?: ManifestFile } {
  const name = manifest.name;
  const { channels, height, width } = manifest.image;
  const latentShape = manifest.latentDiffusion!.latentShape;
  const pixels = [channels, height, width];
  const need = (role: string, list: 'inputs' | 'outputs', tensor: string, dims: readonly number[]) => {
    const spec = manifest.files[role]![list].find((s) => s.name === tensor);
    if (!spec || spec.shape.length !== 4 || dims.some((d, i) => typeof spec.shape[i + 1] === 'number' && spec.shape[i + 1] !== d)) {
      throw new ModelLoadError(`manifest field 'files.${role}.${list}' of '${name}' must have '${tensor}' [batch, ${dims.join(', ')}]${spec ? `, got ${JSON.stringify(spec.shape)}` : ''}; ${fix}`);
    }
  };
  const decoder = manifest.files.decoder;
  if (!decoder) throw new ModelLoadError(`manifest of '${name}' has no files.decoder (latents → pixels); ${fix}`);
  need('decoder', 'inputs', AUTOENCODER_TENSOR_NAMES.latent, latentShape);
  need('decoder', 'outputs', AUTOENCODER_TENSOR_NAMES.image, pixels);
  const encoder = manifest.files.encoder;
  if (encoder) {
    need('encoder', 'inputs', AUTOENCODER_TENSOR_NAMES.image, pixels);
    need('encoder', 'outputs', AUTOENCODER_TENSOR_NAMES.latent, latentShape);
  }
  return { decoder, ...(encoder && { encoder }) };
}

/**
 * Compares what onnxruntime reads from the ONNX file with what the manifest declares for it: same input and output
 * names, and the same fixed dims (a symbolic dim like 'batch' matches anything symbolic).
 */
export function checkSessionMatchesManifest(session: OrtSessionLike, file: ManifestFile, role: string, modelName: string): void {
  const compare = (kind: 'inputs' | 'outputs', declared: TensorSpec[], names: readonly string[], meta: readonly OrtValueMetadata[] | undefined) => {
    const missing = declared.filter((s) => !names.includes(s.name)).map((s) => s.name);
    if (missing.length) {
      throw new ModelLoadError(`manifest field 'files.${role}.${kind}' of '${modelName}' names ${missing.join(', ')}, which ${file.path} lacks (it has ${names.join(', ')}); ${fix}`);
    }
    for (const [i, spec] of declared.entries()) {
      const m = meta?.find((x) => x.name === spec.name);
      if (!m?.isTensor || !m.shape || m.shape.length === 0) continue;
      const actual = m.shape;
      const same = actual.length === spec.shape.length && actual.every((d, k) => (typeof d === 'number' && d > 0 ? d === spec.shape[k] : typeof spec.shape[k] === 'string' || spec.shape[k] === 0));
      if (!same) {
        throw new ModelLoadError(
          `manifest field 'files.${role}.${kind}[${i}].shape' of '${modelName}' is ${JSON.stringify(spec.shape)} but ${file.path} declares '${spec.name}' as ${JSON.stringify(actual)}; ${fix}`,
        );
      }
    }
  };
  compare('inputs', file.inputs, session.inputNames, session.inputMetadata);
  compare('outputs', file.outputs, session.outputNames, session.outputMetadata);
}
