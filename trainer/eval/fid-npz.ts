/**
 * NumPy .npz archives (np.savez / np.savez_compressed: a zip of .npy files, stored or deflated), as
 * pytorch-fid's `--save-stats` writes them ({ mu, sigma }). Node only (zlib).
 */
import { inflateRawSync } from 'node:zlib';
import { DataError } from '../errors/data-error.js';

/** The raw .npy bytes of each array in the archive, by name (without '.npy'). */
export function readNpzEntries(bytes: Uint8Array, path: string): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // the end-of-central-directory record: signature 0x06054b50 in the last 22 + 65535 bytes
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DataError(path, 'not a .npz (zip) file: no end-of-central-directory record');
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out = new Map<string, Uint8Array>();
  for (let k = 0; k < count; k++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new DataError(path, 'corrupt .npz: bad central directory entry');
    const method = view.getUint16(p + 10, true);
    let compressed = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // zip64 (numpy uses it for big arrays): sizes and offset in the 0x0001 extra field
    if (compressed === 0xffffffff || local === 0xffffffff) {
      let e = p + 46 + nameLen;
      const end = e + extraLen;
      while (e + 4 <= end) {
        const id = view.getUint16(e, true);
        const size = view.getUint16(e + 2, true);
        if (id === 1) {
          let f = e + 4;
          if (view.getUint32(p + 24, true) === 0xffffffff) f += 8; // uncompressed size comes first
          if (compressed === 0xffffffff) {
            compressed = Number(view.getBigUint64(f, true));
            f += 8;
          }
          if (local === 0xffffffff) local = Number(view.getBigUint64(f, true));
        }
        e += 4 + size;
      }
    }
    if (view.getUint32(local, true) !== 0x04034b50) throw new DataError(path, `corrupt .npz: bad local header for ${name}`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + compressed);
    let raw: Uint8Array;
    if (method === 0) raw = data;
    else if (method === 8) raw = inflateRawSync(data);
    else throw new DataError(path, `${name} uses zip compression method ${method}; only stored and deflate are supported`);
    out.set(name.replace(/\.npy$/, ''), raw);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
