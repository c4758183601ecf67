/**
 * Loading a model folder over HTTP (browser worker, or Node with an http(s) URL): manifest.json, validated, then each
 * file — from the Cache API when an earlier visit stored it (no network request), else downloaded with progress —
 * checked against its sha256 before anyone runs it.
 */
import { IntegrityError } from '../errors/integrity-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { MAX_MANIFEST_BYTES, type Manifest, type ManifestFile } from '../manifest/types.js';
import { validateManifest } from '../manifest/validate-manifest.js';
import type { ProgressEvent } from '../types.js';
import { modelFileUrl } from './model-file-url.js';
import { discardBody } from './discard-body.js';
import { readBody } from './read-body.js';
import { verifyFile } from './verify-file.js';

/** Name of the Cache API cache holding model files (clearCache() deletes it). */
export const MODEL_CACHE_NAME = 'webgen-models-v1';

export interface LoadedModel {
  manifest: Manifest;
  /** File bytes by role (as in manifest.files), each verified. */
  files: Record<string, Uint8Array>;
  /** The manifest's URL. */
  url: URL;
}

export interface FetchModelOptions {
  /** Use the Cache API. */
  cache: boolean;
  onProgress?: (event: ProgressEvent) => void;
}

/** Fetches and validates manifest.json. ModelLoadError when it cannot be fetched or parsed; ManifestError when invalid. */
export async function fetchManifest(url: URL): Promise<Manifest> {
  let response: Response;
  try {
    // Revalidate with the server each time: the manifest is small and says which file bytes are current.
    response = await fetch(url, { cache: 'no-cache' });
  } catch (err) {
    throw new ModelLoadError(`cannot fetch ${url.href}: ${(err as Error).message}; check the model URL and that the server is running`, { cause: err });
  }
  if (!response.ok) {
    discardBody(response);
    throw new ModelLoadError(`cannot fetch ${url.href}: HTTP ${response.status} ${response.statusText}; check the model URL`, { status: response.status });
  }
  const body = await readBody(response, MAX_MANIFEST_BYTES).catch((err: Error) => {
    throw new ModelLoadError(`cannot read ${url.href}: ${err.message}; check the model URL and that the server is running`, { cause: err });
  });
  if (body.tooLarge) throw new ModelLoadError(`${url.href} is larger than ${MAX_MANIFEST_BYTES} bytes, more than any model's manifest.json; check the model URL`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body.bytes));
  } catch (err) {
    throw new ModelLoadError(`${url.href} is not valid JSON (${(err as Error).message}); it must be a model's manifest.json`, { cause: err });
  }
  return validateManifest(json);
}

/** Opens the model cache, or undefined where the Cache API is missing (insecure context, Node). */
async function openCache(enabled: boolean, onProgress?: (e: ProgressEvent) => void): Promise<Cache | undefined> {
  if (!enabled) return undefined;
  if (typeof caches === 'undefined') {
    onProgress?.({ status: 'warning', code: 'no-cache', message: 'the Cache API is unavailable here (it needs a secure context: https or localhost); model files will be downloaded on every visit' });
    return undefined;
  }
  try {
    return await caches.open(MODEL_CACHE_NAME);
  } catch (err) {
    onProgress?.({ status: 'warning', code: 'no-cache', message: `the Cache API refused to open (${(err as Error).message}); model files will be downloaded on every visit` });
    return undefined;
  }
}

/** The cache key of a file: its URL plus its sha256, so a new version of a model never reads a stale entry. */
function cacheKey(url: URL, sha256: string): string {
  const key = new URL(url);
  key.searchParams.set('webgen-sha256', sha256);
  return key.href;
}

/** Downloads `url` reporting progress; `total` is the size the manifest declares. */
async function download(url: URL, file: ManifestFile, onProgress?: (e: ProgressEvent) => void): Promise<Uint8Array> {
  onProgress?.({ status: 'download', file: file.path, loaded: 0, total: file.bytes, fromCache: false });
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new ModelLoadError(`cannot fetch ${url.href}: ${(err as Error).message}`, { cause: err });
  }
  if (!response.ok) {
    discardBody(response);
    throw new ModelLoadError(`cannot fetch ${url.href}: HTTP ${response.status} ${response.statusText}; is the model folder complete?`);
  }
  let body: Awaited<ReturnType<typeof readBody>>;
  try {
    body = await readBody(response, file.bytes, (loaded) => onProgress?.({ status: 'progress', file: file.path, loaded, total: file.bytes }));
  } catch (err) {
    throw new ModelLoadError(`cannot fetch ${url.href}: ${(err as Error).message}`, { cause: err });
  }
  // More than declared: stop there (a wrong or hostile server must not make us allocate without bound).
  if (body.tooLarge) throw new IntegrityError(file.path, file.sha256, '', file.bytes);
  return body.bytes;
}

/** Loads manifest.json and every file it lists, verified (see the module comment). */
export async function fetchModel(manifestUrl: URL, opts: FetchModelOptions): Promise<LoadedModel> {
  const manifest = await fetchManifest(manifestUrl);
  return { manifest, files: await fetchFiles(manifestUrl, manifest.files, opts), url: manifestUrl };
}

/**
 * Loads `entries` (by role; manifest.files, or the files choosePrecision picked), each resolved against the
 * manifest's URL and verified. Resolves with the bytes by role.
 */
export async function fetchFiles(manifestUrl: URL, entries: Record<string, ManifestFile>, opts: FetchModelOptions): Promise<Record<string, Uint8Array>> {
  const cache = await openCache(opts.cache, opts.onProgress);
  const files: Record<string, Uint8Array> = {};
  for (const [role, file] of Object.entries(entries)) {
    const url = modelFileUrl(file.path, manifestUrl, `files.${role}.path`);
    const key = cacheKey(url, file.sha256);
    const cached = await cache?.match(key).catch(() => undefined);
    if (cached) {
      opts.onProgress?.({ status: 'download', file: file.path, loaded: 0, total: file.bytes, fromCache: true });
      const { bytes, tooLarge } = await readBody(cached, file.bytes);
      opts.onProgress?.({ status: 'progress', file: file.path, loaded: bytes.length, total: file.bytes });
      try {
        if (tooLarge) throw new IntegrityError(file.path, file.sha256, '', file.bytes);
        await verifyFile(file, bytes);
        files[role] = bytes;
        continue;
      } catch (err) {
        // A damaged cache entry: drop it and download again.
        if (!(err instanceof IntegrityError)) throw err;
        await cache!.delete(key).catch(() => undefined);
      }
    }
    const bytes = await download(url, file, opts.onProgress);
    await verifyFile(file, bytes);
    files[role] = bytes;
    if (cache) {
      await cache
        .put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) } }))
        .catch((err: Error) => opts.onProgress?.({ status: 'warning', code: 'no-cache', message: `could not store ${file.path} in the Cache API (${err.message}); it will be downloaded again next time` }));
    }
  }
  return files;
}
