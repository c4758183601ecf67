/**
 * Maps a request path onto a file inside one mounted folder, or says why not. The only place the static server
 * touches the file system before streaming: the path is decoded once, dot segments (`..`, `.env`, `.git`), NUL bytes
 * and backslashes are refused, and the file's real path (symlinks resolved) must lie inside the mount's real path and
 * be a regular file, so a symlink that points out of a served folder is never followed.
 */
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** A request path decoded and checked: its segments, and whether it ended in '/'. */
export type DecodedPath = { ok: true; segments: string[]; trailingSlash: boolean } | { ok: false; status: 400 | 404 };

/** Decodes the path part of a request URL; 400 for bad percent-encoding, 404 for anything that could escape or hide. */
export function decodeRequestPath(url: string): DecodedPath {
  const raw = url.split(/[?#]/, 1)[0]!;
  if (!raw.startsWith('/')) return { ok: false, status: 400 };
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 404 };
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, status: 404 };
  return { ok: true, segments, trailingSlash: path.endsWith('/') };
}

export type ResolvedFile =
  | { ok: true; file: string; size: number }
  | { ok: false; status: 404 }
  | { ok: false; status: 301; location: string };

/**
 * Resolves `segments` (already checked by decodeRequestPath) under `root`. A folder serves its index.html when the
 * request ended in '/', and redirects to the '/' form otherwise (so relative links inside it resolve).
 */
export async function resolveFile(root: string, segments: string[], trailingSlash: boolean, requestPath: string): Promise<ResolvedFile> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { ok: false, status: 404 };
  }
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  let real: string;
  try {
    real = await realpath(join(realRoot, ...segments));
  } catch {
    return { ok: false, status: 404 };
  }
  if (!inside(real)) return { ok: false, status: 404 };
  let info = await stat(real).catch(() => null);
  if (info?.isDirectory()) {
    if (!trailingSlash) return { ok: false, status: 301, location: `${requestPath}/` };
    try {
      real = await realpath(join(real, 'index.html'));
    } catch {
      return { ok: false, status: 404 };
    }
    if (!inside(real)) return { ok: false, status: 404 };
    info = await stat(real).catch(() => null);
  } else if (trailingSlash) {
    return { ok: false, status: 404 };
  }
  if (!info?.isFile()) return { ok: false, status: 404 };
  return { ok: true, file: real, size: info.size };
}
