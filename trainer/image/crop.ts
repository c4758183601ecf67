/** Centre crops for the trainer's image folders (resizing itself: sdk/image/resize.ts, the one filter). */
/**
 * The centred crop box of a srcWidth×srcHeight image with the aspect ratio of dstWidth×dstHeight,
 * so resizing it does not stretch the content.
 */
export function centerCropBox(
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
): { x: number; y: number; width: number; height: number } {
  const target = dstWidth / dstHeight;
  if (srcWidth / srcHeight > target) {
    const width = Math.max(1, Math.round(srcHeight * target));
    return { x: Math.floor((srcWidth - width) / 2), y: 0, width, height: srcHeight };
  }
  const height = Math.max(1, Math.round(srcWidth / target));
  return { x: 0, y: Math.floor((srcHeight - height) / 2), width: srcWidth, height };
}

/** Copies the box (x, y, width, height) out of interleaved pixels [srcH, srcW, C]. */
export function cropImage<T extends Uint8Array | Float32Array>(
  src: T,
  srcWidth: number,
  channels: number,
  box: { x: number; y: number; width: number; height: number },
): T {
  const out = (src instanceof Uint8Array
    ? new Uint8Array(box.width * box.height * channels)
    : new Float32Array(box.width * box.height * channels)) as T;
  const row = box.width * channels;
  for (let y = 0; y < box.height; y++) {
    const s = ((box.y + y) * srcWidth + box.x) * channels;
    out.set(src.subarray(s, s + row) as T, y * row);
  }
  return out;
}
