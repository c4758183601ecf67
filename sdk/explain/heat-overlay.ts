/**
 * Drawing an explanation over its image: one colour map (blue → green → red) for every map the SDK returns —
 * cross-attention per word (textToImage({ attentionMaps: true })) and Grad-CAM (classifier.gradCam) — and the overlay
 * the demo, `webgen sample --attention` and `webgen explain gradcam` draw: the image composited over white,
 * half-and-half with the heat colour of the map stretched from its own minimum (blue) to its maximum (red). The
 * stretch shows where a map is higher than elsewhere: a word's cross-attention is rarely near zero anywhere (the
 * softmax shares each pixel's attention among the prompt's words), so a map scaled by its maximum alone paints the
 * whole image red; a flat map is all blue.
 */
import type { RgbaImage } from '../types.js';

/** A heat colour (blue → green → red) for h in [0, 1], as RGB in [0, 1]. */
export function heatColour(h: number): [number, number, number] {
  const f = (x: number) => Math.max(0, Math.min(1, 1.5 - Math.abs(4 * h - x)));
  return [f(3), f(2), f(1)];
}

/**
 * `map` (width × height values, row-major; stretched from its minimum to its maximum here) drawn over `image` (the
 * same size): opaque RGBA, each pixel (1 − opacity) × the image over white + opacity × the heat colour. opacity
 * default 0.5.
 */
export function heatOverlay(image: RgbaImage, map: ArrayLike<number>, opacity = 0.5): RgbaImage {
  const { width: W, height: H } = image;
  const P = W * H;
  if (map.length !== P) throw new RangeError(`heatOverlay: the map has ${map.length} values, the ${W}x${H} image ${P} pixels`);
  if (!(opacity >= 0 && opacity <= 1)) throw new RangeError(`heatOverlay: opacity must be in [0, 1], got ${opacity}`);
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < P; p++) {
    min = Math.min(min, map[p]!);
    max = Math.max(max, map[p]!);
  }
  const span = max - min > 1e-12 ? max - min : Infinity;
  const data = new Uint8ClampedArray(P * 4);
  for (let p = 0; p < P; p++) {
    const a = image.data[p * 4 + 3]! / 255;
    const colour = heatColour((map[p]! - min) / span);
    for (let c = 0; c < 3; c++) data[p * 4 + c] = (1 - opacity) * (image.data[p * 4 + c]! * a + 255 * (1 - a)) + opacity * 255 * colour[c]!;
    data[p * 4 + 3] = 255;
  }
  return { width: W, height: H, data };
}
