/**
 * Reading one file of a model folder from disk (Node), with the checks a manifest from anywhere needs: the file's
 * real path (symlinks resolved) must lie inside the folder's real path, it must be a regular file (not a device, a
 * FIFO or a folder), and no more than `limit` bytes are read — a file that is larger, or grows while read, stops
 * there. Node-only: imported by node-model.ts, never by the browser bundle.
 */
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why a read was refused (the caller turns each into its typed error). */
export type LocalReadProblem = 'outside' | 'not-a-file' | 'too-large' | 'changed';

export type LocalRead = { bytes: Uint8Array } | { problem: LocalReadProblem };

/**
 * Reads `file` (a file: URL) when it really lies inside `folder` (a file: URL ending in '/'); `limit` bounds the
 * bytes read. I/O errors (a missing file, no permission) are thrown as they come.
 */
export async function readLocalFile(file: URL, folder: URL | undefined, limit: number): Promise<LocalRead> {
  const real = await realpath(fileURLToPath(file));
  if (folder) {
    const root = await realpath(fileURLToPath(folder));
    if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) return { problem: 'outside' };
  }
  if (!(await stat(real)).isFile()) return { problem: 'not-a-file' };
  // Non-blocking: a FIFO swapped in after the stat() above must not block open() until someone writes to it.
  const handle = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { problem: 'not-a-file' };
    if (info.size > limit) return { problem: 'too-large' };
    // One byte more than the file's size: a file that grew since stat() shows up, rather than being cut short.
    const buffer = new Uint8Array(Math.min(info.size, limit) + 1);
    let at = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, at, buffer.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
      if (at === buffer.length) return { problem: at > limit ? 'too-large' : 'changed' };
    }
    return { bytes: buffer.subarray(0, at) };
  } finally {
    await handle.close();
  }
}
