/**
 * Grad-CAM (Selvaraju et al. 2017) without autograd, for webgen's classifier head (trainer/models/classifier-net.ts):
 * feature maps A [C, h, w] → average pool to a G×G grid → flatten (C, G, G) → dense → SiLU → dense → logits. The
 * gradient of one logit with respect to A is written out by hand (the head is three small layers), then
 *   α_c = mean over (y, x) of ∂logit/∂A[c, y, x],     map = ReLU(Σ_c α_c A[c])
 * as the paper. A test checks it against tfjs' gradients of the same head (trainer/explain/grad-cam.ts).
 *
 * CAM (Zhou et al. 2016) is the special case of a global average pool followed by one linear layer: there ∂logit/∂A
 * is W[c, class]/(h·w) everywhere, so Grad-CAM is CAM divided by h·w. Our judges are not that head (a 4×4 grid pool
 * keeps where strokes are, and a hidden dense + SiLU sits before the logits), so the browser needs this gradient,
 * not CAM.
 */

/** The head's weights, as the ONNX initializers store them (Dense kernels [in, out]). */
export interface ClassifierHeadWeights {
  /** G: the side of the pooled grid (h and w divide by it). */
  grid: number;
  /** [C·G·G, F] and [F]: pooled (flattened C, G, G) → hidden features. */
  featureKernel: Float32Array;
  featureBias: Float32Array;
  /** [F, K] and [K]: features → logits. */
  logitKernel: Float32Array;
  logitBias: Float32Array;
}

export interface GradCamResult {
  /** ReLU(Σ_c α_c A[c]), [h, w], in A's units (not normalised). */
  map: Float32Array;
  /** α_c, [C]. */
  weights: Float32Array;
  /** The head's logits [K] (so that callers can pick or report the class). */
  logits: Float32Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Grad-CAM of class `cls` for one image's feature maps `maps` [C, h, w] (row-major). */
export function gradCam(maps: Float32Array, dims: readonly [number, number, number], head: ClassifierHeadWeights, cls: number): GradCamResult {
  const [C, h, w] = dims;
  const G = head.grid;
  if (maps.length !== C * h * w) throw new RangeError(`gradCam: ${maps.length} values for maps [${dims.join(', ')}]`);
  if (h % G !== 0 || w % G !== 0) throw new RangeError(`gradCam: the ${G}x${G} grid must divide the ${h}x${w} maps`);
  const inDim = C * G * G;
  const F = head.featureBias.length;
  const K = head.logitBias.length;
  if (head.featureKernel.length !== inDim * F || head.logitKernel.length !== F * K) throw new RangeError(`gradCam: head kernels [${head.featureKernel.length}], [${head.logitKernel.length}] do not fit ${inDim} → ${F} → ${K}`);
  if (!Number.isInteger(cls) || cls < 0 || cls >= K) throw new RangeError(`gradCam: class ${cls} is not in [0, ${K})`);
  const ky = h / G;
  const kx = w / G;
  // forward
  const pooled = new Float64Array(inDim);
  for (let c = 0; c < C; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) pooled[(c * G + Math.floor(y / ky)) * G + Math.floor(x / kx)]! += maps[(c * h + y) * w + x]! / (ky * kx);
  const pre = Float64Array.from(head.featureBias);
  for (let i = 0; i < inDim; i++) {
    const p = pooled[i]!;
    if (p !== 0) for (let f = 0; f < F; f++) pre[f]! += p * head.featureKernel[i * F + f]!;
  }
  const feat = pre.map((v) => v * sigmoid(v));
  const logits = Float32Array.from(head.logitBias);
  for (let f = 0; f < F; f++) for (let k = 0; k < K; k++) logits[k]! += feat[f]! * head.logitKernel[f * K + k]!;
  // backward of logits[cls]
  const dPre = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const s = sigmoid(pre[f]!);
    dPre[f] = head.logitKernel[f * K + cls]! * s * (1 + pre[f]! * (1 - s)); // SiLU'(x) = σ(x)(1 + x(1 − σ(x)))
  }
  const dPooled = new Float64Array(inDim);
  for (let i = 0; i < inDim; i++) {
    let d = 0;
    for (let f = 0; f < F; f++) d += head.featureKernel[i * F + f]! * dPre[f]!;
    dPooled[i] = d;
  }
  // ∂logit/∂A[c, y, x] = dPooled[c, y/ky, x/kx] / (ky·kx); α_c is its mean over the map
  const weights = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let gy = 0; gy < G; gy++) for (let gx = 0; gx < G; gx++) sum += dPooled[(c * G + gy) * G + gx]!;
    weights[c] = sum / (G * G) / (ky * kx);
  }
  const map = new Float32Array(h * w);
  for (let c = 0; c < C; c++) {
    const a = weights[c]!;
    for (let p = 0; p < h * w; p++) map[p]! += a * maps[c * h * w + p]!;
  }
  for (let p = 0; p < h * w; p++) map[p] = Math.max(0, map[p]!);
  return { map, weights, logits };
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
