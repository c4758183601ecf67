/** Draws `src` centred and covering `canvas` (cleared first: transparent stays transparent). The Latent space and Restyle pages share it. */
export function drawCover(canvas: HTMLCanvasElement, src: CanvasImageSource & { width: number; height: number }): void {
  const c = canvas.getContext('2d', { willReadFrequently: true })!;
  const scale = Math.max(canvas.width / src.width, canvas.height / src.height);
  const w = src.width * scale;
  const hh = src.height * scale;
  c.clearRect(0, 0, canvas.width, canvas.height);
  c.imageSmoothingQuality = 'high';
  c.drawImage(src, (canvas.width - w) / 2, (canvas.height - hh) / 2, w, hh);
}
