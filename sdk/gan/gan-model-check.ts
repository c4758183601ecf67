/**
 * Before sampling: is the model a GAN generator this SDK drives (trainer/gan/export-generator.ts: input z
 * [batch, latent.dim], class_labels [batch] int64 when conditional, output image [batch, C, H, W])?
 * Another kind of model is the caller's mistake (InvalidInputError on 'model'); a GAN manifest that contradicts
 * itself is a ManifestError naming the field.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ManifestError } from '../errors/manifest-error.js';
import type { Manifest, ManifestFile } from '../manifest/types.js';
import { GAN_TENSOR_NAMES, STYLE_TENSOR_NAMES } from '../manifest/tensor-names.js';

/** Input and output names of the exported generator. */
export const GAN_NAMES = GAN_TENSOR_NAMES;

const fix = 're-export the model with webgen-train gan, or correct manifest.json';

export interface GanModelSpec {
  file: ManifestFile;
  latentDim: number;
  classes: readonly string[] | undefined;
  /** A style-based generator's layer count (latent.styleLayers): truncationPsi and mix() work. */
  styleLayers: number | undefined;
}

/** Checks the manifest describes a GAN generator; returns its file, latent size and classes. */
export function checkGanManifest(manifest: Manifest): GanModelSpec {
  const name = manifest.name;
  if (manifest.kind !== 'gan-generator') {
    const use = manifest.kind === 'diffusion-unet' ? 'load it with createGenerator instead' : "createGan loads 'gan-generator' models only";
    throw new InvalidInputError('model', `must be a GAN generator (manifest kind 'gan-generator'), but '${name}' is a '${manifest.kind}': ${use}`);
  }
  const dim = manifest.latent?.dim;
  if (!manifest.latent || !Number.isInteger(dim) || dim! < 1) throw new ManifestError('latent', `of '${name}' must be { dim, distribution: 'normal' }; ${fix}`);
  const file = manifest.files.generator;
  if (!file) throw new ManifestError('files.generator', `is missing in the manifest of '${name}' (the generator's ONNX file); ${fix}`);
  const z = file.inputs.find((s) => s.name === GAN_NAMES.latent);
  if (!z) throw new ManifestError('files.generator.inputs', `of '${name}' lacks '${GAN_NAMES.latent}' (the latent); ${fix}`);
  if (z.shape.length !== 2 || (typeof z.shape[1] === 'number' && z.shape[1] !== dim)) {
    throw new ManifestError('files.generator.inputs[z].shape', `of '${name}' is ${JSON.stringify(z.shape)}, which does not match latent.dim ${dim} ([batch, ${dim}]); ${fix}`);
  }
  const classes = manifest.conditioning?.classes;
  const labels = file.inputs.some((s) => s.name === GAN_NAMES.classLabels);
  if (classes && !labels) throw new ManifestError('conditioning.classes', `of '${name}' lists classes but files.generator has no '${GAN_NAMES.classLabels}' input; ${fix}`);
  if (!classes && labels) throw new ManifestError('conditioning.classes', `of '${name}' is missing but files.generator takes '${GAN_NAMES.classLabels}'; ${fix}`);
  const out = file.outputs.find((s) => s.name === GAN_NAMES.image);
  if (!out) throw new ManifestError('files.generator.outputs', `of '${name}' lacks '${GAN_NAMES.image}'; ${fix}`);
  const { channels, height, width } = manifest.image;
  const expect = [channels, height, width];
  if (out.shape.length !== 4 || expect.some((d, i) => typeof out.shape[i + 1] === 'number' && out.shape[i + 1] !== d)) {
    throw new ManifestError(
      'files.generator.outputs[image].shape',
      `of '${name}' is ${JSON.stringify(out.shape)}, which does not match image ${channels}x${height}x${width} ([batch, ${expect.join(', ')}]); ${fix}`,
    );
  }
  const styleInputs = Object.values(STYLE_TENSOR_NAMES).filter((n) => file.inputs.some((s) => s.name === n));
  const styleLayers = manifest.latent.styleLayers;
  if (styleLayers !== undefined && styleInputs.length !== 3) {
    throw new ManifestError('latent.styleLayers', `of '${name}' says the generator is style-based, but files.generator lacks ${Object.values(STYLE_TENSOR_NAMES).filter((n) => !styleInputs.includes(n)).join(', ')}; ${fix}`);
  }
  if (styleLayers === undefined && styleInputs.length > 0) throw new ManifestError('latent.styleLayers', `of '${name}' is missing but files.generator takes ${styleInputs.join(', ')}; ${fix}`);
  return { file, latentDim: dim!, classes, styleLayers };
}
