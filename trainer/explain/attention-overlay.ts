/**
 * One prompt word's cross-attention map drawn over the image it made (webgen sample --attention), with the SDK's
 * heatOverlay (each word's map scaled to its own maximum; the figures in the JSON keep the absolute values).
 */
import { heatOverlay } from '../../sdk/explain/heat-overlay.js';
import type { AttentionMaps, RgbaImage } from '../../sdk/types.js';

/** RGBA bytes of map `token` of `maps` over `image` (the same size). */
export function attentionOverlay(image: RgbaImage, maps: AttentionMaps, token: number): Uint8ClampedArray {
  const { width: W, height: H } = maps;
  if (image.width !== W || image.height !== H) throw new RangeError(`attentionOverlay: the maps are ${W}x${H}, the image ${image.width}x${image.height}`);
  const P = W * H;
  return heatOverlay(image, maps.maps.subarray(token * P, (token + 1) * P)).data as Uint8ClampedArray;
}
