import { ManifestError } from '../errors/manifest-error.js';
import { MANIFEST_FIX } from '../manifest/validate-manifest.js';

/**
 * The URL of one file a manifest lists: `path` resolved against the folder holding manifest.json, accepted only when
 * the result has the folder's scheme, origin and credentials, no query or fragment, and a path inside the folder's
 * path — judged after the URL parser's own decoding and normalisation (so `%2e%2e/`, `\`, ` /tmp/x`, `file:///x`,
 * `fi\tle:///x`, `//other.host/x` and `data:` all fail here, whatever the manifest validator let through). Each
 * segment of what remains must also decode to a plain name: no encoded `/` or `\`, no `.` or `..`, no control
 * characters. `field` names the manifest field for the ManifestError.
 */
export function modelFileUrl(path: string, manifestUrl: URL, field: string): URL {
  const folder = new URL('.', manifestUrl);
  const refuse = (why: string): never => {
    throw new ManifestError(field, `must name a file inside the model folder ${folder.href}; ${JSON.stringify(path)} ${why}; ${MANIFEST_FIX}`);
  };
  let url: URL;
  try {
    url = new URL(path, folder);
  } catch {
    return refuse('is not a URL path');
  }
  if (url.protocol !== folder.protocol || url.host !== folder.host || url.username !== folder.username || url.password !== folder.password) {
    return refuse(`points at ${url.protocol}//${url.host}, another place than the folder`);
  }
  if (url.search !== '' || url.hash !== '') refuse('has a query or fragment');
  if (!url.pathname.startsWith(folder.pathname) || url.pathname.length === folder.pathname.length) refuse('resolves outside it');
  for (const segment of url.pathname.slice(folder.pathname.length).split('/')) {
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return refuse('has a malformed %-escape');
    }
    // eslint-disable-next-line no-control-regex
    if (name === '' || name === '.' || name === '..' || /[/\\\u0000-\u001f\u007f]/.test(name)) refuse('has a segment that is not a plain file or folder name');
  }
  return url;
}
