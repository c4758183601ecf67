/**
 * One prompt word's cross-attention map drawn over the image it made (webgen sample --attention): the image
 * composited over white, half-and-half with a heat colour of the map scaled to its own maximum (so each word's map
 * uses the whole colour range; the figures in the JSON keep the absolute values).
 */
import type { AttentionMaps, RgbaImage } from '../../sdk/types.js';
import { heatColour } from '../image/heat-colour.js';


/** RGBA bytes of map `token` of `maps` over `image` (the same size). */
export function attentionOverlay(image: RgbaImage, maps: AttentionMaps, token: number): Uint8ClampedArray {
  const { width: W, height: H } = maps;
  if (image.width !== W || image.height !== H) throw new RangeError(`attentionOverlay: the maps are ${W}x${H}, the image ${image.width}x${image.height}`);
  const P = W * H;
  const map = maps.maps.subarray(token * P, (token + 1) * P);
  let max = 1e-12;
  for (const v of map) max = Math.max(max, v);
  const out = new Uint8ClampedArray(P * 4);
  for (let p = 0; p < P; p++) {
    const a = image.data[p * 4 + 3]! / 255;
    const colour = heatColour(map[p]! / max).map((v) => Math.round(255 * v));
    for (let c = 0; c < 3; c++) out[p * 4 + c] = 0.5 * (image.data[p * 4 + c]! * a + 255 * (1 - a)) + 0.5 * colour[c]!;
    out[p * 4 + 3] = 255;
  }
  return out;
}
