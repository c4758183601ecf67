/**
 * The same statistics in plain TypeScript (no wasm, no SIMD, no blocking): the baseline `npm run bench`
 * measures the wasm kernels against, and a second implementation tests cross-check them with. Same
 * algorithms as wasm/assembly/index.ts: shifted moments; pivoted Cholesky, C = Lᵀ S L, Householder
 * tridiagonalisation, implicit QL.
 */
import type { FeatureStats } from './stats.js';

/** Mean and covariance of x [n, d] (shifted by the first row block's mean, like the wasm accumulator). */
export function plainFeatureStats(x: Float32Array | Float64Array, d: number): FeatureStats {
  const n = x.length / d;
  const shift = new Float64Array(d);
  const nb = Math.min(n, 256);
  for (let i = 0; i < nb; i++) for (let j = 0; j < d; j++) shift[j]! += x[i * d + j]!;
  for (let j = 0; j < d; j++) shift[j]! /= nb;
  const sum = new Float64Array(d);
  const g = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      row[j] = x[i * d + j]! - shift[j]!;
      sum[j]! += row[j]!;
    }
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      const base = a * d;
      for (let b = 0; b <= a; b++) g[base + b]! += ra * row[b]!;
    }
  }
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = shift[j]! + sum[j]! / n;
  const cov = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const c = (g[a * d + b]! - (sum[a]! * sum[b]!) / n) / (n - 1);
      cov[a * d + b] = c;
      cov[b * d + a] = c;
    }
  }
  return { count: n, dim: d, mean, cov };
}

/** FID from two statistics, plain TypeScript. */
export function plainFrechetDistance(a: FeatureStats, b: FeatureStats): number {
  const d = a.dim;
  let fid = 0;
  for (let j = 0; j < d; j++) fid += (a.mean[j]! - b.mean[j]!) ** 2 + a.cov[j * d + j]! + b.cov[j * d + j]!;
  return fid - 2 * plainTraceSqrtProduct(a.cov, b.cov, d);
}

/** Tr((F O)^½) = Σ √λ(Lᵀ PᵀOP L), F = P L Lᵀ Pᵀ. */
export function plainTraceSqrtProduct(F: Float64Array, O: Float64Array, d: number): number {
  // 1. pivoted Cholesky (left-looking), L row-major [d, d]
  const L = new Float64Array(d * d);
  const perm = Int32Array.from({ length: d }, (_, i) => i);
  const diag = Float64Array.from({ length: d }, (_, i) => F[i * d + i]!);
  let maxDiag = 0;
  for (const v of diag) maxDiag = Math.max(maxDiag, v);
  const tol = d * 2.220446049250313e-16 * maxDiag;
  let r = d;
  for (let k = 0; k < d; k++) {
    let p = k;
    for (let i = k + 1; i < d; i++) if (diag[i]! > diag[p]!) p = i;
    if (!(diag[p]! > tol)) {
      r = k;
      break;
    }
    [perm[k], perm[p]] = [perm[p]!, perm[k]!];
    [diag[k], diag[p]] = [diag[p]!, diag[k]!];
    for (let j = 0; j < k; j++) [L[k * d + j], L[p * d + j]] = [L[p * d + j]!, L[k * d + j]!];
    const lkk = Math.sqrt(diag[k]!);
    L[k * d + k] = lkk;
    for (let i = k + 1; i < d; i++) {
      let s = F[perm[k]! * d + perm[i]!]!;
      for (let j = 0; j < k; j++) s -= L[i * d + j]! * L[k * d + j]!;
      const lik = s / lkk;
      L[i * d + k] = lik;
      diag[i]! -= lik * lik;
    }
  }
  if (r === 0) return 0;
  // 2. W = S L (S = PᵀOP), C = Lᵀ W  [r, r]
  const W = new Float64Array(d * r);
  for (let i = 0; i < d; i++) {
    const si = perm[i]! * d;
    for (let k = 0; k < r; k++) {
      let s = 0;
      for (let j = k; j < d; j++) s += O[si + perm[j]!]! * L[j * d + k]!;
      W[i * r + k] = s;
    }
  }
  const C = new Float64Array(r * r);
  for (let k = 0; k < r; k++) {
    for (let l = 0; l <= k; l++) {
      let s = 0;
      for (let i = k; i < d; i++) s += L[i * d + k]! * W[i * r + l]!;
      C[k * r + l] = s;
      C[l * r + k] = s;
    }
  }
  // 3. eigenvalues
  const { diagonal, offDiagonal } = plainTridiagonalize(C, r);
  plainTridiagonalEigenvalues(diagonal, offDiagonal);
  let t = 0;
  for (const l of diagonal) if (l > 0) t += Math.sqrt(l);
  return t;
}

/** Householder tridiagonalisation of the symmetric A [n, n] (full storage, destroyed). */
export function plainTridiagonalize(A: Float64Array, n: number): { diagonal: Float64Array; offDiagonal: Float64Array } {
  const dOut = new Float64Array(n);
  const eOut = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 1; k++) {
    // x = A[k+1:, k] → H x = α e₁, H = I − τ v vᵀ
    const k1 = k + 1;
    let sigma = 0;
    for (let i = k1 + 1; i < n; i++) sigma += A[i * n + k]! ** 2;
    const x0 = A[k1 * n + k]!;
    dOut[k] = A[k * n + k]!;
    if (sigma === 0) {
      eOut[k] = x0;
      continue;
    }
    const mu = Math.sqrt(x0 * x0 + sigma);
    const alpha = x0 <= 0 ? mu : -mu;
    eOut[k] = alpha;
    v[k1] = x0 - alpha;
    for (let i = k1 + 1; i < n; i++) v[i] = A[i * n + k]!;
    const tau = 2 / (v[k1]! ** 2 + sigma);
    // p = τ A₂₂ v, w = p − (τ/2)(pᵀv) v, A₂₂ −= v wᵀ + w vᵀ
    let pv = 0;
    for (let i = k1; i < n; i++) {
      let s = 0;
      for (let j = k1; j < n; j++) s += A[i * n + j]! * v[j]!;
      p[i] = tau * s;
      pv += p[i]! * v[i]!;
    }
    const K = 0.5 * tau * pv;
    for (let i = k1; i < n; i++) p[i]! -= K * v[i]!;
    for (let i = k1; i < n; i++) for (let j = k1; j < n; j++) A[i * n + j]! -= v[i]! * p[j]! + p[i]! * v[j]!;
  }
  if (n > 0) dOut[n - 1] = A[(n - 1) * n + n - 1]!;
  return { diagonal: dOut, offDiagonal: eOut };
}

/** Implicit QL with Wilkinson shifts (EISPACK tql1): eigenvalues into `d` (unordered); `e[k]` couples k, k+1. */
export function plainTridiagonalEigenvalues(d: Float64Array, e: Float64Array): void {
  const n = d.length;
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) if (Math.abs(e[m]!) <= Number.EPSILON * (Math.abs(d[m]!) + Math.abs(d[m + 1]!))) break;
      if (m !== l) {
        if (iter++ === 60) throw new Error(`QL did not converge for eigenvalue ${l}`);
        let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
        let r = Math.hypot(g, 1);
        g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let underflow = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i]!;
          const b = c * e[i]!;
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1]! -= p;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1]! - p;
          r = (d[i]! - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l]! -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
}
