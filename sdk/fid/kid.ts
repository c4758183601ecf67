/**
 * Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the unbiased estimate of
 * MMD² with the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged over random subsets, as
 * clean-fid's `kernel_distance` (100 subsets of m = min(N_a, N_b, 1000) samples drawn without
 * replacement). Per subset X, Y of m rows:
 *
 *   MMD² = [Σ_{i≠j} k(xᵢ, xⱼ) + k(yᵢ, yⱼ)] / (m(m − 1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / m²
 *
 * The mean over subsets is KID; std is the subsets' population std (torch-fidelity's `kid_std`).
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { Rng } from '../random/rng.js';
import { MAX_KID_SAMPLES, MAX_KID_SUBSETS } from './kid-limits.js';
import { checkFinite } from './stats.js';
import { roundUp, StatsArena } from './wasm.js';

/** Options of {@link kernelDistance}. */
export interface KidOptions {
  /** Number of random subsets, at most 1,000. Default 100 (clean-fid, torch-fidelity). */
  subsets?: number;
  /** Largest subset size, at most 1,000,000; each subset has min(N_a, N_b, subsetSize) samples. Default 1000. */
  subsetSize?: number;
  /** Seed of the subset draws. Default 0. */
  seed?: number;
}

/** KID over subsets. */
export interface KidResult {
  /** Mean of the per-subset unbiased MMD² estimates. */
  kid: number;
  /** Population standard deviation of the per-subset estimates. */
  std: number;
  /** Subsets used and their size m. */
  subsets: number;
  subsetSize: number;
  /** The per-subset estimates. */
  values: Float64Array;
}

/** One subset: row indices into a and into b, m each. */
export interface KidSubset {
  a: ArrayLike<number>;
  b: ArrayLike<number>;
}

/** KID between feature matrices a [N_a, dim] and b [N_b, dim] (row-major). */
export async function kernelDistance(a: Float32Array | Float64Array, b: Float32Array | Float64Array, dim: number, opts: KidOptions = {}): Promise<KidResult> {
  const [na, nb] = checkFeatures(a, b, dim);
  const subsets = opts.subsets ?? 100;
  const maxSize = opts.subsetSize ?? 1000;
  if (!Number.isInteger(subsets) || subsets < 1 || subsets > MAX_KID_SUBSETS) {
    throw new InvalidInputError('subsets', `must be an integer in [1, ${MAX_KID_SUBSETS}] (clean-fid uses 100)`, subsets);
  }
  if (!Number.isInteger(maxSize) || maxSize < 2 || maxSize > MAX_KID_SAMPLES) throw new InvalidInputError('subsetSize', `must be an integer in [2, ${MAX_KID_SAMPLES}]`, maxSize);
  const m = Math.min(na, nb, maxSize);
  const rng = new Rng(opts.seed ?? 0);
  const draws: KidSubset[] = [];
  for (let s = 0; s < subsets; s++) draws.push({ b: choose(rng, nb, m), a: choose(rng, na, m) });
  return kernelDistanceOnSubsets(a, b, dim, draws);
}

/** KID on given subsets (each with the same size m ≥ 2): the deterministic core of {@link kernelDistance}. */
export async function kernelDistanceOnSubsets(a: Float32Array | Float64Array, b: Float32Array | Float64Array, dim: number, draws: readonly KidSubset[]): Promise<KidResult> {
  const [na, nb] = checkFeatures(a, b, dim);
  if (draws.length === 0) throw new InvalidInputError('subsets', 'must list at least one subset');
  const m = draws[0]!.a.length;
  for (const [s, dr] of draws.entries()) {
    if (dr.a.length !== m || dr.b.length !== m) throw new InvalidInputError(`subsets[${s}]`, `must have ${m} indices into a and into b`, `${dr.a.length} and ${dr.b.length}`);
    for (const i of Array.from(dr.a)) if (!(Number.isInteger(i) && i >= 0 && i < na)) throw new InvalidInputError(`subsets[${s}].a`, `must hold row indices in [0, ${na})`, i);
    for (const i of Array.from(dr.b)) if (!(Number.isInteger(i) && i >= 0 && i < nb)) throw new InvalidInputError(`subsets[${s}].b`, `must hold row indices in [0, ${nb})`, i);
  }
  const arena = await StatsArena.create();
  const k = arena.k;
  const mp = roundUp(m, 4);
  const dp = roundUp(dim, 2);
  const X = arena.alloc(mp * dp * 8);
  const Y = arena.alloc(mp * dp * 8);
  const G = arena.alloc(mp * mp * 8);
  const values = new Float64Array(draws.length);
  for (const [s, dr] of draws.entries()) {
    gather(arena.f64(X, mp * dp), a, dr.a, dim, dp);
    gather(arena.f64(Y, mp * dp), b, dr.b, dim, dp);
    const g = () => arena.f64(G, mp * mp).fill(0);
    // k(x, y) sums from the Gram blocks XXᵀ, YYᵀ (strict lower triangles, doubled) and XYᵀ
    g();
    k.gemmNT(X, dp, X, dp, G, mp, mp, mp, 0, dp, 1);
    const kxx = 2 * k.polyKernelSum(G, mp, m, m, dim, 1);
    g();
    k.gemmNT(Y, dp, Y, dp, G, mp, mp, mp, 0, dp, 1);
    const kyy = 2 * k.polyKernelSum(G, mp, m, m, dim, 1);
    g();
    k.gemmNT(X, dp, Y, dp, G, mp, mp, mp, 0, dp, 0);
    const kxy = k.polyKernelSum(G, mp, m, m, dim, 0);
    values[s] = (kxx + kyy) / (m * (m - 1)) - (2 * kxy) / (m * m);
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let varSum = 0;
  for (const v of values) varSum += (v - mean) ** 2;
  return { kid: mean, std: Math.sqrt(varSum / values.length), subsets: values.length, subsetSize: m, values };
}

function checkFeatures(a: Float32Array | Float64Array, b: Float32Array | Float64Array, dim: number): [number, number] {
  if (!Number.isInteger(dim) || dim < 1) throw new InvalidInputError('dim', 'must be a positive integer (the feature dimension)', dim);
  for (const [name, x] of [['a', a], ['b', b]] as const) {
    if (!(x instanceof Float32Array || x instanceof Float64Array)) throw new InvalidInputError(name, `must be a Float32Array or Float64Array [N, ${dim}]`, x);
    if (x.length % dim !== 0) throw new InvalidInputError(name, `must hold whole rows of ${dim} features`, `${x.length} values`);
    if (x.length / dim < 2) throw new InvalidInputError(name, 'needs at least 2 samples for KID', `${x.length / dim}`);
    checkFinite(x, dim, name);
  }
  return [a.length / dim, b.length / dim];
}

/** m distinct indices of [0, n), uniformly (partial Fisher–Yates). */
function choose(rng: Rng, n: number, m: number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, m);
}

function gather(dst: Float64Array, src: Float32Array | Float64Array, rows: ArrayLike<number>, d: number, dp: number): void {
  dst.fill(0);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let j = 0; j < d; j++) dst[i * dp + j] = src[r * d + j]!;
  }
}
