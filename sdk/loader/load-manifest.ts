/**
 * loadManifest(model): a model's manifest.json, validated, without loading the model — to check it suits a page (its
 * kind, classes, tokenizer) before loading it, then pass it as `createGenerator({ model, manifest })` (and the other
 * create functions) so the load does not fetch it a second time. An HTTP error is a ModelLoadError with `status`
 * (404: the model is not on that server); an invalid manifest is a ManifestError naming the field.
 */
import type { Manifest } from '../manifest/types.js';
import { pageUrl } from '../worker/connection.js';
import { fetchManifest } from './fetch-model.js';
import { manifestUrlOf } from './model-url.js';

/** Fetches and validates the manifest of `model` (a folder or manifest.json URL, resolved against the page). */
export function loadManifest(model: string | URL): Promise<Manifest> {
  return fetchManifest(manifestUrlOf(model, pageUrl()));
}
