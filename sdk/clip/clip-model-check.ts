/**
 * Before embedding: is the model a CLIP this SDK drives (trainer/clip/export-clip.ts: image encoder 'image'
 * [batch, C, H, W] → 'image_embeds' [batch, embedDim]; text encoder 'input_ids' [batch, maxLength] int64 →
 * 'text_embeds' [batch, embedDim]; a word tokenizer)? Another kind of model is the caller's mistake (InvalidInputError
 * on 'model'); a clip manifest that contradicts itself is a ManifestError naming the field.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ManifestError } from '../errors/manifest-error.js';
import { checkModelKind, checkTensor, requireFiles } from '../manifest/model-contract.js';
import { CLIP_TENSOR_NAMES } from '../manifest/tensor-names.js';
import type { Manifest, ManifestClip, ManifestFile } from '../manifest/types.js';
import { WordTokenizer } from '../text/tokenizer.js';

/** Input and output names of the exported encoders. */
export const CLIP_NAMES = CLIP_TENSOR_NAMES;

const fix = 're-export the model with webgen-train clip --export, or correct manifest.json';

/** Checks the manifest describes a CLIP model; returns its two files (by role), its embedding and its tokenizer. */
export function checkClipManifest(manifest: Manifest): { files: Record<'imageEncoder' | 'textEncoder', ManifestFile>; clip: ManifestClip; tokenizer: WordTokenizer } {
  const name = manifest.name;
  checkModelKind(manifest, 'clip', 'a CLIP model', 'createClip');
  const clip = manifest.clip;
  if (!clip) throw new ManifestError('clip', `of '${name}' is missing (embedDim, logitScale, imageEncoder); ${fix}`);
  const files = requireFiles(manifest, ['imageEncoder', 'textEncoder'], fix);
  let tokenizer: WordTokenizer;
  try {
    tokenizer = WordTokenizer.fromManifest(manifest.conditioning?.tokenizer);
  } catch (err) {
    // The tokenizer names the field ('conditioning.tokenizer.vocab' must be …): the same words, as a manifest error.
    if (err instanceof InvalidInputError) throw new ManifestError(err.parameter, `of '${name}' ${err.message.slice(err.parameter.length + 3)}; ${fix}`);
    throw err;
  }
  const { channels, height, width } = manifest.image;
  const d = [clip.embedDim];
  const { imageEncoder, textEncoder } = files;
  checkTensor(imageEncoder.inputs, CLIP_NAMES.image, [channels, height, width], 'files.imageEncoder.inputs', name, fix);
  checkTensor(imageEncoder.outputs, CLIP_NAMES.imageEmbeds, d, 'files.imageEncoder.outputs', name, fix);
  const ids = checkTensor(textEncoder.inputs, CLIP_NAMES.inputIds, [tokenizer.maxLength], 'files.textEncoder.inputs', name, fix);
  if (ids.dtype !== 'int64') throw new ManifestError(`files.textEncoder.inputs[${CLIP_NAMES.inputIds}].dtype`, `of '${name}' is '${ids.dtype}'; this SDK feeds token ids as int64; ${fix}`);
  checkTensor(textEncoder.outputs, CLIP_NAMES.textEmbeds, d, 'files.textEncoder.outputs', name, fix);
  return { files, clip, tokenizer };
}
