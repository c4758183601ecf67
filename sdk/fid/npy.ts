/**
 * NumPy .npy files (format versions 1–3): reading float32/float64 matrices [N, d] (pytorch-fid feature
 * dumps, `np.save`) and writing them. Little- and big-endian, C order only.
 */
import { StatsFormatError } from '../errors/stats-format-error.js';

/** A 2-D numeric array read from .npy. */
export interface NpyMatrix {
  shape: [number, number];
  dtype: 'float32' | 'float64';
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses .npy bytes holding a 2-D float32 or float64 C-order array (a 1-D one as [1, d] with `allow1d`). `name` labels errors. */
export function parseNpy(bytes: Uint8Array, name = 'npy', opts: { allow1d?: boolean } = {}): NpyMatrix {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw new StatsFormatError(`${name}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new StatsFormatError(`${name}: truncated .npy header`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([<>|=]?)([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new StatsFormatError(`${name}: unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran[1] === 'True') throw new StatsFormatError(`${name}: Fortran-order arrays are not supported; save with np.ascontiguousarray(x)`);
  const kind = descr[2];
  if (kind !== 'f4' && kind !== 'f8') throw new StatsFormatError(`${name}: dtype '${descr[1]}${kind}' is not float32 or float64; convert with x.astype(np.float32)`);
  const dims = shapeM[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (opts.allow1d && dims.length === 1) dims.unshift(1);
  if (dims.length !== 2) throw new StatsFormatError(`${name}: expected a 2-D feature matrix [N, d], got shape (${dims.join(', ')})`);
  const [n, d] = dims as [number, number];
  const size = kind === 'f4' ? 4 : 8;
  const offset = start + headerLen;
  if (bytes.length < offset + n * d * size) throw new StatsFormatError(`${name}: truncated: shape (${n}, ${d}) needs ${n * d * size} data bytes, file has ${bytes.length - offset}`);
  const little = descr[1] !== '>';
  const out = kind === 'f4' ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) out[i] = size === 4 ? view.getFloat32(offset + 4 * i, little) : view.getFloat64(offset + 8 * i, little);
  return { shape: [n, d], dtype: kind === 'f4' ? 'float32' : 'float64', data: out };
}

/** .npy (version 1.0, little-endian, C order) bytes of a matrix [n, d]. */
export function encodeNpy(data: Float32Array | Float64Array, n: number, d: number): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${n}, ${d}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
