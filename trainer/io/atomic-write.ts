import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { OutputError } from '../errors/output-error.js';

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never half:
 * the bytes go to a temporary file in the same folder, then rename() replaces the target.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    const e = err as NodeJS.ErrnoException;
    throw new OutputError(path, e.code ? `${e.code} (${e.message})` : String(err));
  }
}
