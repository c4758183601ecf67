import { InvalidInputError } from '../errors/invalid-input-error.js';

/**
 * The `assetsUrl` option (GeneratorOptions.assetsUrl): any string naming a folder — absolute, root-relative or relative
 * to the page — resolved to an absolute URL ending in '/' (one is added), since the worker resolves file names against
 * it and its own base URL differs from the page's. Undefined stays undefined: the bundled files are used.
 */
export function resolveAssetsUrl(value: unknown, base: string): string | undefined {
  if (value === undefined) return undefined;
  if (!(typeof value === 'string' || value instanceof URL) || String(value).trim() === '') {
    throw new InvalidInputError('assetsUrl', "must be the URL of a folder serving a copy of node_modules/webgen/dist/ (e.g. '/webgen/' or 'https://cdn.example.com/webgen/0.1.0/')", value);
  }
  let url: URL;
  try {
    url = new URL(String(value).trim(), base);
  } catch {
    throw new InvalidInputError('assetsUrl', 'is not a URL or path this page can resolve', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError('assetsUrl', `must be an http(s) URL or a path (workers load scripts over HTTP), got the scheme '${url.protocol}'`, value);
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}
