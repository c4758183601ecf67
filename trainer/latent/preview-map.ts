/**
 * The cheap latent → pixel map of a latent diffusion model's per-step previews (the manifest's
 * latentDiffusion.previewMap; sdk/generator/latent-codec.ts applies it): for each image channel, an affine function of
 * the latent's channels at one latent pixel, fitted by least squares to the mean of the decoded image over that
 * pixel's block. The same idea as the "latent RGB factors" the Stable Diffusion UIs use for their live previews.
 */

/**
 * Fits the map on `n` scaled latents [n, h, w, c] (NHWC) and their decoded images [n, H, W, C] (NHWC, model range);
 * returns C rows of c + 1 numbers (the weights, then the offset). A tiny ridge keeps the solve defined.
 */
export function fitPreviewMap(latents: Float32Array, images: Float32Array, n: number, latent: [number, number, number], image: [number, number, number]): number[][] {
  const [c, h, w] = latent;
  const [C, H, W] = image;
  const by = H / h;
  const bx = W / w;
  if (!Number.isInteger(by) || !Number.isInteger(bx)) throw new Error(`fitPreviewMap: image ${H}x${W} is not a whole number of ${h}x${w} latent blocks`);
  const k = c + 1;
  const ata = new Float64Array(k * k);
  const atb = Array.from({ length: C }, () => new Float64Array(k));
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let j = 0; j < c; j++) row[j] = latents[((i * h + y) * w + x) * c + j]!;
        row[c] = 1;
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) ata[a * k + b]! += row[a]! * row[b]!;
        for (let o = 0; o < C; o++) {
          let mean = 0;
          for (let yy = 0; yy < by; yy++) for (let xx = 0; xx < bx; xx++) mean += images[((i * H + y * by + yy) * W + x * bx + xx) * C + o]!;
          mean /= by * bx;
          for (let a = 0; a < k; a++) atb[o]![a]! += row[a]! * mean;
        }
      }
    }
  }
  for (let a = 0; a < k; a++) ata[a * k + a]! += 1e-6 * n * h * w;
  return atb.map((b) => Array.from(solve(ata, b, k)));
}

/** x with A x = b for a symmetric positive definite k×k A (Gaussian elimination with partial pivoting). */
function solve(A: Float64Array, b: Float64Array, k: number): Float64Array {
  const m = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let col = 0; col < k; col++) {
    let p = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r * k + col]!) > Math.abs(m[p * k + col]!)) p = r;
    if (p !== col) {
      for (let j = 0; j < k; j++) [m[col * k + j], m[p * k + j]] = [m[p * k + j]!, m[col * k + j]!];
      [x[col], x[p]] = [x[p]!, x[col]!];
    }
    for (let r = col + 1; r < k; r++) {
      const f = m[r * k + col]! / m[col * k + col]!;
      for (let j = col; j < k; j++) m[r * k + j]! -= f * m[col * k + j]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let v = x[r]!;
    for (let j = r + 1; j < k; j++) v -= m[r * k + j]! * x[j]!;
    x[r] = v / m[r * k + r]!;
  }
  return x;
}
