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

/** A guidance interval: [lo, hi] with 0 ≤ lo ≤ hi ≤ 1 (fractions of the training timesteps where guidance applies). */
export function isGuidanceInterval(value: unknown): value is [number, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1) &&
    (value[0] as number) <= (value[1] as number)
  );
}
