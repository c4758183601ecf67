import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Calling the wasm backend's own kernels from inside our kernels.
 *
 * A kernel function receives and returns raw `TensorInfo`s (no engine bookkeeping), so every
 * intermediate one kernel produces must be freed by hand with `backend.disposeData(dataId)`,
 * or the wasm heap grows by one tensor per training step. `Scratch` does that bookkeeping.
 */

/** The kernel function the wasm backend registered for `kernelName` (looked up at call time, so
 * that replacing a kernel later is seen). Throws if the wasm backend lacks it. */
export function wasmKernelFunc(kernelName: string): tf.KernelFunc {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config == null) {
    throw new Error(`the wasm backend has no '${kernelName}' kernel (is @tensorflow/tfjs-backend-wasm imported?)`);
  }
  return config.kernelFunc;
}

/** Intermediate tensors of one kernel call, freed together in `dispose()`. */
export class Scratch {
  private readonly held: tf.TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs the wasm kernel `kernelName` and keeps its output for disposal. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const out = wasmKernelFunc(kernelName)({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      this.held.push(...out);
      throw new Error(`wasm kernel '${kernelName}' returned several tensors; Scratch.run expects one`);
    }
    this.held.push(out);
    return out;
  }

  /** Runs the wasm kernel `kernelName` and hands its output to the caller (not disposed here). */
  final(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const out = wasmKernelFunc(kernelName)({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`wasm kernel '${kernelName}' returned several tensors`);
    return out;
  }

  /** Frees every kept intermediate (a reshape's output shares its data by reference count, so
   * freeing it only drops that count). */
  dispose(): void {
    for (const t of this.held) this.backend.disposeData(t.dataId);
    this.held.length = 0;
  }
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor.
 * `amounts` is [[top, bottom], [left, right]]. Returns `x` itself when all amounts are zero.
 */
export function padOrCrop(s: Scratch, x: tf.TensorInfo, amounts: [[number, number], [number, number]]): tf.TensorInfo {
  const [[top, bottom], [left, right]] = amounts;
  let t = x;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    const paddings = [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]];
    t = s.run('PadV2', { x: t }, { paddings, constantValue: 0 });
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = t.shape;
    const begin = [0, Math.max(-top, 0), Math.max(-left, 0), 0];
    const size = [n, h - begin[1] - Math.max(-bottom, 0), w - begin[2] - Math.max(-right, 0), c];
    t = s.run('Slice', { x: t }, { begin, size });
  }
  return t;
}
