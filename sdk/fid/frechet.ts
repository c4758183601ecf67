/**
 * Fréchet distance between two Gaussians fitted to features (FID, Heusel et al. 2017), computed as
 * pytorch-fid's `calculate_frechet_distance`:
 *
 *   d² = ‖μ₁ − μ₂‖² + Tr(Σ₁) + Tr(Σ₂) − 2 Tr((Σ₁Σ₂)^½)
 *
 * without a matrix square root: with Σ₁ = P L Lᵀ Pᵀ (pivoted Cholesky, L: d × r, r = rank Σ₁),
 * Σ₁Σ₂ is similar to Lᵀ(PᵀΣ₂P)L ⊕ 0, a symmetric PSD r × r matrix, so Tr((Σ₁Σ₂)^½) = Σ √λᵢ of its
 * eigenvalues (Householder tridiagonalisation + implicit QL, eigenvalues only). A singular Σ₁ (fewer
 * samples than dimensions) just gives r < d: its null space contributes zero eigenvalues, which is what
 * scipy's sqrtm returns too. Eigenvalues that rounding makes slightly negative count as 0, as pytorch-fid's
 * `.real` does. Only when the result is not finite is ε·I added to both covariances, as pytorch-fid does.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkStats, type FeatureStats } from './stats.js';
import { roundUp, StatsArena } from './wasm.js';

/** Options of {@link frechetDistance}. */
export interface FrechetOptions {
  /** Added to both covariances' diagonals when the plain computation is not finite (pytorch-fid's `eps`). Default 1e-6. */
  eps?: number;
}

/** FID and the parts it is made of. */
export interface FrechetResult {
  /** ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr((Σ₁Σ₂)^½). */
  fid: number;
  /** ‖μ₁ − μ₂‖². */
  meanTerm: number;
  /** Tr Σ₁ and Tr Σ₂. */
  traces: [number, number];
  /** Tr((Σ₁Σ₂)^½). */
  traceSqrtProduct: number;
  /** Feature dimension. */
  dim: number;
  /** Which covariance was factored (the one from fewer samples), and its numerical rank. */
  factored: 'a' | 'b';
  rank: number;
  /** True when the factored covariance is singular (rank < dim, e.g. fewer samples than dimensions). */
  singular: boolean;
  /** Most negative eigenvalue of the PSD product that rounding produced (counted as 0); 0 if none. */
  clampedEigenvalue: number;
  /** ε added to both diagonals because the plain result was not finite (pytorch-fid's fallback); 0 when not needed. */
  offset: number;
  /** A sentence for logs when something above is unusual (singular covariance, ε added); '' otherwise. */
  note: string;
}

/** FID between the Gaussians `a` and `b` (e.g. real and generated features). */
export async function frechetDistance(a: FeatureStats, b: FeatureStats, opts: FrechetOptions = {}): Promise<FrechetResult> {
  checkStats(a, 'a');
  checkStats(b, 'b');
  if (a.dim !== b.dim) throw new InvalidInputError('b.dim', `must equal a.dim (${a.dim}): both sets need the same feature extractor`, b.dim);
  const eps = opts.eps ?? 1e-6;
  if (!(eps > 0 && Number.isFinite(eps))) throw new InvalidInputError('eps', 'must be a positive number', eps);
  const d = a.dim;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (a.mean[j]! - b.mean[j]!) ** 2;
  const traces: [number, number] = [trace(a.cov, d), trace(b.cov, d)];
  // Factor the covariance from fewer samples: its rank (≤ count − 1) bounds the eigenproblem's size.
  const factored = b.count < a.count ? 'b' : 'a';
  const [f, o] = factored === 'a' ? [a.cov, b.cov] : [b.cov, a.cov];
  let offset = 0;
  let t = await traceSqrtProduct(f, o, d, 0);
  if (!Number.isFinite(t.value)) {
    offset = eps;
    t = await traceSqrtProduct(f, o, d, eps);
  }
  const fid = meanTerm + traces[0] + traces[1] - 2 * t.value;
  if (!Number.isFinite(fid)) {
    let big = 0;
    for (const c of [a.cov, b.cov]) for (const v of c) big = Math.max(big, Math.abs(v));
    throw new InvalidInputError('a.cov, b.cov', `give no finite FID even with ${eps}·I added (largest covariance entry ${big.toExponential(2)}); scale the features down`);
  }
  const singular = t.rank < d;
  const notes: string[] = [];
  if (singular) notes.push(`covariance ${factored} is singular (rank ${t.rank} of ${d}${(factored === 'a' ? a : b).count <= d ? `: ${(factored === 'a' ? a : b).count} samples for ${d} dimensions` : ''}); its null space contributes zero, as with scipy's sqrtm`);
  if (offset) notes.push(`the product was not finite; added ${offset} to both diagonals (pytorch-fid's fallback)`);
  return {
    fid,
    meanTerm,
    traces,
    traceSqrtProduct: t.value,
    dim: d,
    factored,
    rank: t.rank,
    singular,
    clampedEigenvalue: t.clamped,
    offset,
    note: notes.join('; '),
  };
}

function trace(c: Float64Array, d: number): number {
  let t = 0;
  for (let i = 0; i < d; i++) t += c[i * d + i]!;
  return t;
}

/** Tr((F O)^½), the rank of F, and where the time went (ms per phase). */
export interface TraceSqrt {
  value: number;
  rank: number;
  clamped: number;
  ms?: { cholesky: number; congruence: number; tridiagonal: number; ql: number };
}

/**
 * Tr((F O)^½) for symmetric PSD F and O [d, d] (+ eps·I each): Σ √max(λ, 0) over the eigenvalues of
 * Lᵀ(PᵀOP)L with F = P L Lᵀ Pᵀ. NaN when the computation broke down (the caller then adds ε).
 */
export async function traceSqrtProduct(F: Float64Array, O: Float64Array, d: number, eps: number): Promise<TraceSqrt> {
  const arena = await StatsArena.create();
  const k = arena.k;
  const dp = roundUp(d, 4);
  const NB = 32; // panel width of the blocked factorisations
  const big = dp * dp * 8;
  const S = arena.alloc(big);
  const T = arena.alloc(big);
  const P = arena.alloc(big);
  const perm = arena.alloc(dp * 4);
  const [diag, dv, ev, v, y, t1, t2] = Array.from({ length: 7 }, () => arena.alloc(dp * 8)) as [number, number, number, number, number, number, number];
  const panels = [dp * NB, dp * NB, 2 * dp * NB, 2 * dp * NB].map((n) => arena.alloc(n * 8)) as [number, number, number, number];
  // 1. copy in (zero padding), maximum diagonal for the rank tolerance
  const s = arena.f64(S, dp * dp).fill(0);
  const t = arena.f64(T, dp * dp).fill(0);
  let maxDiag = 0;
  for (let i = 0; i < d; i++) {
    s.set(F.subarray(i * d, (i + 1) * d), i * dp);
    t.set(O.subarray(i * d, (i + 1) * d), i * dp);
    if (eps) {
      s[i * dp + i]! += eps;
      t[i * dp + i]! += eps;
    }
    maxDiag = Math.max(maxDiag, s[i * dp + i]!);
  }
  // 2. F = P L Lᵀ Pᵀ in place (L in S's lower part); stop at pivots ≤ d·ε_machine·max diag (dpstrf's default)
  const tol = dp * 2.220446049250313e-16 * maxDiag;
  const t0 = performance.now();
  // panel by panel from JS: many short calls let the engine swap in its optimised code early
  if (k.choleskyInit(S, dp, d, perm, diag) < 0) return { value: NaN, rank: 0, clamped: 0 };
  let r = d;
  for (let k0 = 0; k0 < d; k0 += NB) {
    const done = k.choleskyPanel(S, dp, dp, d, perm, diag, tol, NB, panels[0], panels[1], k0);
    if (done < 0) return { value: NaN, rank: 0, clamped: 0 };
    if (done < Math.min(k0 + NB, d)) {
      r = done;
      break;
    }
  }
  const t1ms = performance.now();
  if (r === 0) return { value: 0, rank: 0, clamped: 0 };
  // 3. C = Lᵀ (PᵀOP) L   [r, r]: PᵀOP into P, Lᵀ into a new buffer, Wᵀ into T, C into S
  const rp = roundUp(r, 4);
  k.permuteSymmetric(T, P, dp, perm, d);
  const Lt = arena.alloc(rp * dp * 8);
  k.transposeLower(S, Lt, dp, d, r, rp);
  congruence(arena, Lt, P, T, S, dp, rp);
  const t2ms = performance.now();
  // 4. eigenvalues of C (padded to rp with zero rows: zero eigenvalues)
  for (let k0 = 0; k0 === 0 || k0 < rp - 1; k0 += NB) k.tridiagonalPanel(S, dp, rp, dv, ev, panels[0], panels[1], panels[2], panels[3], v, y, t1, t2, NB, k0);
  const t3ms = performance.now();
  if (k.tridiagonalEigenvalues(dv, ev, rp) !== 0) return { value: NaN, rank: r, clamped: 0 };
  const ms = { cholesky: t1ms - t0, congruence: t2ms - t1ms, tridiagonal: t3ms - t2ms, ql: performance.now() - t3ms };
  const lambda = arena.f64(dv, rp);
  let sum = 0;
  let clamped = 0;
  for (const l of lambda) {
    if (l > 0) sum += Math.sqrt(l);
    else if (Number.isNaN(l)) return { value: NaN, rank: r, clamped: 0 };
    else clamped = Math.min(clamped, l);
  }
  return { value: sum, rank: r, clamped, ms };
}

/**
 * C = Lᵀ S L for lower-trapezoidal L given as lt = Lᵀ [rp, dp] (lt[k][j] = 0 for j < k) and symmetric S
 * [dp, dp]: Wᵀ = Lᵀ S into wt [rp, dp], then the lower triangle of C = Lᵀ W into c [rp, dp]. Inner slices
 * of 256: rows k ≥ the slice's end of Lᵀ are zero there and skipped.
 */
function congruence(arena: StatsArena, lt: number, s: number, wt: number, c: number, dp: number, rp: number): void {
  const KB = 256;
  arena.f64(wt, rp * dp).fill(0);
  arena.f64(c, rp * dp).fill(0);
  for (let c0 = 0; c0 < dp; c0 += KB) {
    const c1 = Math.min(c0 + KB, dp);
    arena.k.gemmNT(lt, dp, s, dp, wt, dp, Math.min(rp, roundUp(c1, 4)), dp, c0, c1, 0);
  }
  for (let c0 = 0; c0 < dp; c0 += KB) {
    const c1 = Math.min(c0 + KB, dp);
    const rows = Math.min(rp, roundUp(c1, 4));
    arena.k.gemmNT(lt, dp, wt, dp, c, dp, rows, rows, c0, c1, 1);
  }
}
