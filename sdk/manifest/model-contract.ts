/**
 * The checks every one-engine pipeline's model check makes of its manifest (autoencoder, clip): the kind the create
 * function loads (another kind is the caller's mistake: InvalidInputError on 'model'), the files of its roles, and each
 * tensor of the contract declared with its shape [batch, ...dims] (a ManifestError naming the field, ending in `fix`,
 * how to repair the model).
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ManifestError } from '../errors/manifest-error.js';
import type { Manifest, ManifestFile, ModelKind, TensorSpec } from './types.js';

/** Throws unless the manifest is of `kind`; `what` names such a model ('a CLIP model') and `creator` the function ('createClip'). */
export function checkModelKind(manifest: Manifest, kind: ModelKind, what: string, creator: string): void {
  if (manifest.kind !== kind) {
    throw new InvalidInputError('model', `must be ${what} (manifest kind '${kind}'), but '${manifest.name}' is a '${manifest.kind}': ${creator} loads '${kind}' models only`);
  }
}

/** The manifest's files of `roles`, by role; a missing one is a ManifestError naming it. */
export function requireFiles<R extends string>(manifest: Manifest, roles: readonly R[], fix: string): Record<R, ManifestFile> {
  const out = {} as Record<R, ManifestFile>;
  for (const role of roles) {
    const file = manifest.files[role];
    if (!file) throw new ManifestError(`files.${role}`, `is missing in the manifest of '${manifest.name}'; ${fix}`);
    out[role] = file;
  }
  return out;
}

/** The spec of tensor `name` in `list` (a file's inputs or outputs, reached as `field`), shaped [batch, ...dims]. */
export function checkTensor(list: readonly TensorSpec[], name: string, dims: readonly number[], field: string, model: string, fix: string): TensorSpec {
  const t = list.find((s) => s.name === name);
  if (!t) throw new ManifestError(field, `of '${model}' lacks '${name}'; ${fix}`);
  if (t.shape.length !== dims.length + 1 || dims.some((d, i) => typeof t.shape[i + 1] === 'number' && t.shape[i + 1] !== d)) {
    throw new ManifestError(`${field}[${name}].shape`, `of '${model}' is ${JSON.stringify(t.shape)}, which does not match [batch, ${dims.join(', ')}]; ${fix}`);
  }
  return t;
}
