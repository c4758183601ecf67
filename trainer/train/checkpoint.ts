import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { DataError } from '../errors/data-error.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/**
 * One checkpoint file holds everything a run needs to continue exactly where it stopped:
 *   "WGCK" | uint32 LE header length | JSON header | zero padding to 4 bytes | float32 tensors
 * The header records, for each tensor, its group (params, ema, adam.m, adam.v), name, shape and
 * offset, plus the run's counters and RNG state. Written atomically: a killed run leaves the
 * previous checkpoint intact.
 */
const MAGIC = 'WGCK';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointTensor {
  group: string;
  name: string;
  shape: number[];
  /** Offset in float32 elements from the start of the tensor section. */
  offset: number;
}

export interface CheckpointHeader {
  version: number;
  /** Completed optimiser steps. */
  step: number;
  /** Anything JSON the training loop wants back (config, RNG state, counters, timings). */
  state: Record<string, unknown>;
  tensors: CheckpointTensor[];
}

export type TensorGroups = Record<string, Map<string, tf.Tensor>>;

export async function saveCheckpoint(path: string, step: number, state: Record<string, unknown>, groups: TensorGroups): Promise<void> {
  const tensors: CheckpointTensor[] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  for (const [group, map] of Object.entries(groups)) {
    for (const [name, t] of map) {
      const data = (await t.data()) as Float32Array;
      tensors.push({ group, name, shape: t.shape, offset });
      arrays.push(data);
      offset += data.length;
    }
  }
  const header: CheckpointHeader = { version: CHECKPOINT_VERSION, step, state, tensors };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 8 + json.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const bytes = new Uint8Array(dataStart + offset * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  const floats = new Float32Array(bytes.buffer, dataStart, offset);
  for (let i = 0; i < arrays.length; i++) floats.set(arrays[i]!, tensors[i]!.offset);
  await writeFileAtomic(path, bytes);
}

export interface LoadedCheckpoint {
  header: CheckpointHeader;
  /** Float32 values of `group` / `name`. */
  get(group: string, name: string): Float32Array | undefined;
}

export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new DataError(path, `cannot read checkpoint (${(err as NodeJS.ErrnoException).code ?? err}); run without --resume to start a new run`);
  }
  if (buf.length < 8 || buf.subarray(0, 4).toString('latin1') !== MAGIC) {
    throw new DataError(path, 'not a webgen checkpoint (bad magic bytes)');
  }
  const jsonLen = buf.readUInt32LE(4);
  if (8 + jsonLen > buf.length) throw new DataError(path, `truncated checkpoint: header says ${jsonLen} bytes, file has ${buf.length - 8}`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(buf.subarray(8, 8 + jsonLen).toString('utf8')) as CheckpointHeader;
  } catch {
    throw new DataError(path, 'checkpoint header is not valid JSON');
  }
  if (header.version !== CHECKPOINT_VERSION) {
    throw new DataError(path, `checkpoint version ${header.version} is not supported (expected ${CHECKPOINT_VERSION})`);
  }
  const dataStart = Math.ceil((8 + jsonLen) / 4) * 4;
  const total = header.tensors.reduce((n, t) => Math.max(n, t.offset + t.shape.reduce((a, b) => a * b, 1)), 0);
  if (dataStart + total * 4 > buf.length) {
    throw new DataError(path, `truncated checkpoint: needs ${dataStart + total * 4} bytes, has ${buf.length}`);
  }
  // Copy into an aligned buffer: Buffer's own offset into its pool need not be a multiple of 4.
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + dataStart, buf.byteOffset + dataStart + total * 4));
  const index = new Map(header.tensors.map((t) => [`${t.group}/${t.name}`, t]));
  return {
    header,
    get(group, name) {
      const t = index.get(`${group}/${name}`);
      if (!t) return undefined;
      const size = t.shape.reduce((a, b) => a * b, 1);
      return floats.subarray(t.offset, t.offset + size);
    },
  };
}

/** Assigns every variable of `vars` from the checkpoint group, failing clearly on a mismatch. */
export function restoreGroup(ckpt: LoadedCheckpoint, path: string, group: string, vars: Map<string, tf.Variable>): void {
  for (const [name, v] of vars) {
    const data = ckpt.get(group, name);
    if (!data) throw new DataError(path, `checkpoint has no '${group}/${name}': it was written by a different model configuration`);
    if (data.length !== v.size) {
      throw new DataError(path, `'${group}/${name}' has ${data.length} values, the model expects ${v.size} (shape ${v.shape.join('x')})`);
    }
    tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
  }
}
