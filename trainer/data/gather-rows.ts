/** Rows `indices` of `rows` ([N, …] flat, `per` values a row), stacked. */
export function gatherRows(rows: Float32Array, indices: ArrayLike<number>, per: number): Float32Array {
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    out.set(rows.subarray(r * per, (r + 1) * per), i * per);
  }
  return out;
}
