/**
 * Before translating: is the model a translator this SDK drives (trainer/translator/export-translator.ts: 'image'
 * [batch, C, H, W] → 'translated' [batch, C, H, W], the styles in manifest translator)? Another kind of model is the
 * caller's mistake (InvalidInputError on 'model'); a translator manifest that contradicts itself is a ManifestError
 * naming the field.
 */
import { ManifestError } from '../errors/manifest-error.js';
import { checkModelKind, checkTensor, requireFiles } from '../manifest/model-contract.js';
import { TRANSLATOR_TENSOR_NAMES } from '../manifest/tensor-names.js';
import type { Manifest, ManifestFile, ManifestTranslator } from '../manifest/types.js';

const fix = 're-export the model with webgen-train translator --export, or correct manifest.json';

/** What a checked translator manifest gives: its file and its styles. */
export interface TranslatorSpec {
  files: { translator: ManifestFile };
  styles: ManifestTranslator;
}

export function checkTranslatorManifest(manifest: Manifest): TranslatorSpec {
  const name = manifest.name;
  checkModelKind(manifest, 'translator', 'an image-to-image translator', 'createTranslator');
  const files = requireFiles(manifest, ['translator'], fix);
  if (!manifest.translator) throw new ManifestError('translator', `of '${name}' must name the styles { source, target }; ${fix}`);
  const { channels, height, width } = manifest.image;
  checkTensor(files.translator.inputs, TRANSLATOR_TENSOR_NAMES.image, [channels, height, width], 'files.translator.inputs', name, fix);
  checkTensor(files.translator.outputs, TRANSLATOR_TENSOR_NAMES.output, [channels, height, width], 'files.translator.outputs', name, fix);
  return { files, styles: manifest.translator };
}
