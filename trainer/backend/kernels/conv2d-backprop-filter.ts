import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Scratch } from './wasm-kernel-calls.js';

/**
 * `Conv2DBackpropFilter` for the wasm backend, which has none (tfjs 4.22).
 *
 * The filter gradient is itself a convolution, so it runs on wasm's fast XNNPACK forward
 * `Conv2D` (~18 GFLOP/s here, against 1–2 for im2col + BatchMatMul):
 *
 *   dW[a, b, ci, co] = Σ_{n,i,j} x[n, i·s + a − pt, j·s + b − pl, ci] · dy[n, i, j, co]
 *
 * which is a conv with the input channels as batch, the batch as channels, dy as a filter of
 * size [Ho, Wo] dilated by the forward stride s:
 *
 *   xᵀ  = x  transposed [Ci, H, W, N]
 *   dyᵀ = dy transposed [Ho, Wo, N, Co]
 *   g   = conv2d(xᵀ, dyᵀ, stride 1, dilation s, pads [pt, pb'], [pl, pr'])   // [Ci, fh, fw, Co]
 *   dW  = g transposed [fh, fw, Ci, Co]
 *
 * pb' and pr' are what makes g exactly fh × fw; they go negative (crop x) when the forward
 * 'valid' conv never read x's last rows.
 */
function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo }; // x [N, H, W, Ci], dy [N, Ho, Wo, Co]
  const backend = args.backend as BackendWasm;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(`webgen wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only, got '${dataFormat}'`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, format);
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const [ho, wo] = [dy.shape[1], dy.shape[2]];
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Rows of (padded) x the forward read: [0, (Ho − 1)·s + fh); everything past H is bottom padding.
  const bottom = (ho - 1) * sh + fh - info.inHeight - top;
  const right = (wo - 1) * sw + fw - info.inWidth - left;

  const s = new Scratch(backend);
  try {
    let xT = s.run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [Ci, H, W, N]
    if (bottom < 0 || right < 0) {
      const [c, h, w, n] = xT.shape;
      xT = s.run('Slice', { x: xT }, { begin: [0, 0, 0, 0], size: [c, h + Math.min(bottom, 0), w + Math.min(right, 0), n] });
    }
    const dyT = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, Co]
    const explicit = [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]];
    const g = s.run('Conv2D', { x: xT, filter: dyT }, {
      strides: [1, 1], pad: explicit, dilations: [sh, sw], dataFormat: 'NHWC', dimRoundingMode: 'floor',
    }); // [Ci, fh, fw, Co]
    return s.final('Transpose', { x: g }, { perm: [1, 2, 0, 3] }); // [fh, fw, Ci, Co]
  } finally {
    s.dispose();
  }
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
