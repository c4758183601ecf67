import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { padOrCrop, Scratch } from './wasm-kernel-calls.js';

/**
 * `Conv2DBackpropInput` for the wasm backend, replacing its own (a plain C loop at ~2 GFLOP/s,
 * two thirds of a U-Net training step) with wasm's XNNPACK forward `Conv2D` (23–27 GFLOP/s):
 *
 *   dx = conv2d(pad(zeroInsert(dy, s)), flip(W)ᵀ, stride 1, 'valid')
 *
 *   zeroInsert: s − 1 zeros between dy's rows and columns            // [N, (Ho−1)·s+1, …, Co]
 *   pad:        fh − 1 − pt on top, whatever makes dx exactly H below (negative: crop)
 *   flip(W)ᵀ:   W reversed along both spatial axes, in/out swapped     // [fh, fw, Co, Ci]
 *
 * since dx[n, y, x, ci] = Σ dy[n, i, j, co] · W[a, b, ci, co] over y = i·s + a − pt.
 * The output shape is the `inputShape` attr, as in the original kernel.
 */
function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo }; // dy [N, Ho, Wo, Co], filter [fh, fw, Ci, Co]
  const backend = args.backend as BackendWasm;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(`webgen wasm Conv2DBackpropInput supports dataFormat 'NHWC' only, got '${dataFormat}'`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, format);
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const [n, ho, wo, co] = dy.shape;

  const s = new Scratch(backend);
  try {
    // 1. zero insertion: [N, Ho, 1, Wo, 1, Co] padded to [N, Ho, sh, Wo, sw, Co]; the last
    //    sh − 1 rows (sw − 1 columns) of zeros are surplus and are cropped by the padding below.
    let z = dy;
    if (sh > 1 || sw > 1) {
      const r6 = s.run('Reshape', { x: dy }, { shape: [n, ho, 1, wo, 1, co] });
      const p6 = s.run('PadV2', { x: r6 }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
      z = s.run('Reshape', { x: p6 }, { shape: [n, ho * sh, wo * sw, co] });
    }
    // 2. padding so that the 'valid' conv yields exactly [H, W].
    const top = fh - 1 - info.padInfo.top;
    const left = fw - 1 - info.padInfo.left;
    const bottom = info.inHeight + fh - 1 - ho * sh - top;
    const right = info.inWidth + fw - 1 - wo * sw - left;
    const zp = padOrCrop(s, z, [[top, bottom], [left, right]]); // [N, H + fh − 1, W + fw − 1, Co]
    // 3. flipped, transposed filter.
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const wT = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [fh, fw, Co, Ci]
    return s.final('Conv2D', { x: zp, filter: wT }, {
      strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: 'floor',
    }); // [N, H, W, Ci]
  } finally {
    s.dispose();
  }
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
