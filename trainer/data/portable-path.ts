import { relative, resolve } from 'node:path';

/**
 * `path` relative to the working directory, with forward slashes: what data-set descriptions record,
 * because manifests must not carry one machine's absolute paths.
 */
export function portablePath(path: string): string {
  return relative(process.cwd(), resolve(path)).split('\\').join('/') || '.';
}
