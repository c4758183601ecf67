/**
 * Classifier-free guidance (Ho & Salimans 2022, Eq. 6):  ε̂ = ε_u + s·(ε_c − ε_u).
 * Linear in the model output, so it applies unchanged to ε-, v- and x_0-predicting models.
 * s = 1 is the plain conditional model; s = 0 the unconditional one.
 */
export function applyGuidance(conditional: Float32Array, unconditional: Float32Array, scale: number): Float32Array {
  const out = new Float32Array(conditional.length);
  for (let i = 0; i < out.length; i++) {
    const u = unconditional[i]!;
    out[i] = u + scale * (conditional[i]! - u);
  }
  return out;
}
