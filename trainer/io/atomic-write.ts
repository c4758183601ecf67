import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { OutputError } from '../errors/output-error.js';

/** `.NAME.PID.MILLISECONDS.tmp`: the temporary file writeFileAtomic writes NAME through. */
const tempName = (name: string) => `.${name}.${process.pid}.${Date.now()}.tmp`;
const isTempOf = (name: string, entry: string) => entry.startsWith(`.${name}.`) && /^\.\d+\.\d+\.tmp$/.test(entry.slice(name.length + 1));

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never half, even across a
 * power cut: the bytes go to a temporary file in the same folder and are fsync'ed, rename() replaces the target, and
 * the folder is fsync'ed so the rename itself is on disk. Without the first fsync a crash soon after the rename can
 * leave the new name pointing at a file whose blocks were never written (ext4's delayed allocation, XFS).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, tempName(basename(path)));
  try {
    await mkdir(dir, { recursive: true });
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    const e = err as NodeJS.ErrnoException;
    throw new OutputError(path, e.code ? `${e.code} (${e.message})` : String(err));
  }
  await syncFolder(dir);
}

/**
 * fsync of a folder, which makes a rename in it durable. Windows cannot open a folder for this (EISDIR, EPERM) and
 * some file systems refuse it (EINVAL); the rename has happened either way, so those are not errors.
 */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: see above
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Deletes the temporary files writeFileAtomic leaves next to `path` when the process is killed mid-write (SIGKILL,
 * power cut: no `catch` runs), and returns their names. Call it where no other process writes `path`: at the start
 * of a run that owns its folder.
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return []; // no folder, nothing stale
  }
  const stale = entries.filter((e) => isTempOf(name, e));
  for (const e of stale) await rm(join(dir, e), { force: true });
  return stale;
}
