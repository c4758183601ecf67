/**
 * Grad-CAM maps (Selvaraju et al. 2017) as webgen's classifiers export them: the output `grad_cam` [batch, h, w] of a
 * classifier's ONNX file is the predicted class's map on its last convolution block, computed inside the graph from
 * the head's closed-form gradient (trainer/explain/grad-cam-graph.ts), so the SDK needs no autograd and no weights.
 * Here: what the SDK does with such a map.
 *
 * CAM (Zhou et al. 2016) is the special case of a global average pool followed by one linear layer: there ∂logit/∂A
 * is W[c, class]/(h·w) everywhere, so Grad-CAM is CAM divided by h·w. Our judges are not that head (a grid pool keeps
 * where strokes are, and a hidden dense + SiLU sits before the logits), so the graph carries the gradient, not CAM.
 */
import { resizePixels } from '../image/resize.js';

/** A map [h, w] (≥ 0) brought to `width`×`height` (bilinear) and scaled to 0…1 by its maximum (all 0 stays 0). */
export function gradCamToImage(map: Float32Array, h: number, w: number, width: number, height: number): Float32Array {
  const up = resizePixels(map, w, h, 1, width, height);
  let max = 0;
  for (const v of up) if (v > max) max = v;
  for (let i = 0; i < up.length; i++) up[i] = max > 0 ? Math.max(0, up[i]!) / max : 0;
  return up;
}

/** The share of a map's mass on the pixels of `mask` (both [h, w] after resizing to the same size): 0…1. */
export function massInside(map: ArrayLike<number>, mask: ArrayLike<boolean>): number {
  let inside = 0;
  let total = 0;
  for (let i = 0; i < map.length; i++) {
    total += map[i]!;
    if (mask[i]) inside += map[i]!;
  }
  return total > 0 ? inside / total : 0;
}
