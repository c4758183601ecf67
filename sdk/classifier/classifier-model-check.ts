/**
 * Before classifying: is the model a classifier this SDK drives (trainer/models/classifier-net.ts: 'images'
 * [batch, C, H, W] → 'logits' [batch, K], optionally 'grad_cam' [batch, h, w]; K class names in
 * conditioning.classes)? Another kind of model is the caller's mistake (InvalidInputError on 'model'); a classifier
 * manifest that contradicts itself is a ManifestError naming the field.
 */
import { ManifestError } from '../errors/manifest-error.js';
import { checkModelKind, checkTensor, requireFiles } from '../manifest/model-contract.js';
import { CLASSIFIER_TENSOR_NAMES } from '../manifest/tensor-names.js';
import type { Manifest, ManifestFile } from '../manifest/types.js';

const fix = 're-export the model with webgen-train classifier --export (or webgen-train reexport), or correct manifest.json';

/** What a checked classifier manifest gives: its file, class names, and the Grad-CAM grid [h, w] if it has the output. */
export interface ClassifierSpec {
  files: { classifier: ManifestFile };
  labels: string[];
  gradCam: [h: number, w: number] | undefined;
}

export function checkClassifierManifest(manifest: Manifest): ClassifierSpec {
  const name = manifest.name;
  checkModelKind(manifest, 'classifier', 'a classifier', 'createClassifier');
  const files = requireFiles(manifest, ['classifier'], fix);
  const labels = manifest.conditioning?.classes;
  if (!labels || labels.length < 2) throw new ManifestError('conditioning.classes', `of '${name}' must list the class names (at least 2); ${fix}`);
  const { channels, height, width } = manifest.image;
  const file = files.classifier;
  checkTensor(file.inputs, CLASSIFIER_TENSOR_NAMES.images, [channels, height, width], 'files.classifier.inputs', name, fix);
  checkTensor(file.outputs, CLASSIFIER_TENSOR_NAMES.logits, [labels.length], 'files.classifier.outputs', name, fix);
  const cam = file.outputs.find((s) => s.name === CLASSIFIER_TENSOR_NAMES.gradCam);
  let gradCam: [number, number] | undefined;
  if (cam) {
    const [, h, w] = cam.shape;
    if (cam.shape.length !== 3 || typeof h !== 'number' || typeof w !== 'number' || h < 1 || w < 1) {
      throw new ManifestError(`files.classifier.outputs[${CLASSIFIER_TENSOR_NAMES.gradCam}].shape`, `of '${name}' is ${JSON.stringify(cam.shape)}, not [batch, h, w] with fixed h and w; ${fix}`);
    }
    gradCam = [h, w];
  }
  return { files, labels, gradCam };
}
