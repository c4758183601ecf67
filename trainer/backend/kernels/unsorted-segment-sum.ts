import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Scratch } from './wasm-kernel-calls.js';

/**
 * `UnsortedSegmentSum` for the wasm backend, which has none (tfjs 4.22). It is the gradient of
 * `gather` (embedding tables), so it is needed to train a text encoder on wasm.
 *
 *   out[k, …] = Σ_{m : ids[m] = k} x[m, …]
 *
 * is wasm's `ScatterNd` with indices ids as [M, 1] (ScatterNd sums duplicate indices).
 * `segmentIds` is 1-D as tf.unsortedSegmentSum requires (any prefix shape of x works here); ids outside
 * [0, numSegments) are not checked (gather already rejected them in the forward pass).
 */
function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo }; // x [...idShape, ...inner], segmentIds [...idShape]
  const backend = args.backend as BackendWasm;
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const m = tf.util.sizeFromShape(segmentIds.shape);
  const inner = x.shape.slice(segmentIds.shape.length);

  const s = new Scratch(backend);
  try {
    let ids = s.run('Reshape', { x: segmentIds }, { shape: [m, 1] }); // [M, 1]
    if (ids.dtype !== 'int32') ids = s.run('Cast', { x: ids }, { dtype: 'int32' });
    const updates = s.run('Reshape', { x }, { shape: [m, ...inner] }); // [M, ...inner]
    return s.final('ScatterNd', { indices: ids, updates }, { shape: [numSegments, ...inner] });
  } finally {
    s.dispose();
  }
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
