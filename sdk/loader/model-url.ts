import { InvalidInputError } from '../errors/invalid-input-error.js';

/**
 * `model` (a folder or a manifest.json, as a URL or a path) → the absolute URL of its manifest.json, resolved
 * against `base` (the page's URL in a browser, the working directory as a file: URL in Node).
 */
export function manifestUrlOf(model: unknown, base: string | URL): URL {
  if (!(typeof model === 'string' || model instanceof URL) || String(model).trim() === '') {
    throw new InvalidInputError('model', "must be the URL or path of a model folder (e.g. 'models/mnist-ddim') or of its manifest.json", model);
  }
  const text = String(model);
  const url = new URL(text, base);
  if (url.pathname.endsWith('.json')) return url;
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL('manifest.json', url);
}
