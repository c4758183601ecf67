/**
 * webgen's WebAssembly statistics kernels (AssemblyScript, SIMD f64x2): the float64 work behind FID
 * and KID. Every function works on raw pointers into this module's memory; the caller (sdk/fid/wasm.ts)
 * lays the buffers out, grows the memory and copies data in and out. No allocator, no runtime.
 *
 * Matrices are row-major float64 with a leading dimension `ld` (elements). Dimensions handed to the
 * tile kernels are padded by the caller: rows to a multiple of 4, inner lengths to a multiple of 2,
 * padding filled with zeros, so the kernels have no edge cases.
 */

/** Address of element [i][j] of the row-major float64 matrix at `base` with leading dimension ld. */
// @ts-ignore: decorator
@inline
function mat(base: usize, ld: i32, i: i32, j: i32): usize {
  return base + ((<usize>i * <usize>ld + <usize>j) << 3);
}

/** Address of element i of the float64 vector at `base`. */
// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

/** First free byte after the module's own data: the caller's buffers start here. */
export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------------------------------------
// 1. Streaming accumulation: Σ(x − K) and Σ(x − K)(x − K)ᵀ with a fixed shift K (the first batch's
//    mean), so the covariance (G − s sᵀ/n)/(n − 1) does not cancel catastrophically.
// ---------------------------------------------------------------------------------------------

/**
 * Reads n rows of d float32 features (src, row-major [n, d]), subtracts `shift` [d] in float64 and writes
 * them transposed into xt [dp, bp] (row = feature, column = sample), zero-padding rows d…dp−1 and columns
 * n…bp−1; adds each shifted row to `sum` [d].
 */
export function loadBatchF32(src: usize, n: i32, d: i32, shift: usize, xt: usize, dp: i32, bp: i32, sum: usize): void {
  memory.fill(xt, 0, <usize>dp * <usize>bp * 8);
  for (let i = 0; i < n; i++) {
    const row = src + <usize>i * <usize>d * 4;
    for (let j = 0; j < d; j++) {
      const x = <f64>load<f32>(row + (<usize>j << 2)) - load<f64>(shift + (<usize>j << 3));
      store<f64>(xt + ((<usize>j * <usize>bp + <usize>i) << 3), x);
      store<f64>(sum + (<usize>j << 3), load<f64>(sum + (<usize>j << 3)) + x);
    }
  }
}

/** As loadBatchF32 for float64 features. */
export function loadBatchF64(src: usize, n: i32, d: i32, shift: usize, xt: usize, dp: i32, bp: i32, sum: usize): void {
  memory.fill(xt, 0, <usize>dp * <usize>bp * 8);
  for (let i = 0; i < n; i++) {
    const row = src + <usize>i * <usize>d * 8;
    for (let j = 0; j < d; j++) {
      const x = load<f64>(row + (<usize>j << 3)) - load<f64>(shift + (<usize>j << 3));
      store<f64>(xt + ((<usize>j * <usize>bp + <usize>i) << 3), x);
      store<f64>(sum + (<usize>j << 3), load<f64>(sum + (<usize>j << 3)) + x);
    }
  }
}

/**
 * C[i][j] += Σ_{k0 ≤ k < k1} A[i][k]·B[j][k] for i < m, j < n — C += A Bᵀ over a slice of the inner
 * dimension. `lower`: only tiles touching j ≤ i (the upper part of diagonal tiles gets written too, and is
 * never read). m % 4 == 0, n % 2 == 0, (k1 − k0) % 2 == 0.
 */
export function gemmNT(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, k0: i32, k1: i32, lower: bool): void {
  const KC = 256; // inner slice: a 4-row A tile (8 KiB) stays in L1
  const NC = 64; //  B rows per block: 64 x 256 x 8 = 128 KiB stays in L2
  for (let kc = k0; kc < k1; kc += KC) {
    const len = min(KC, k1 - kc);
    for (let jb = 0; jb < n; jb += NC) {
      const je = min(jb + NC, n);
      for (let i = lower ? jb & ~3 : 0; i < m; i += 4) {
        const jEnd = lower ? min(je, i + 4) : je;
        const pa = a + ((<usize>i * <usize>lda + <usize>kc) << 3);
        for (let j = jb; j < jEnd; j += 2) {
          kernel4x2(pa, <usize>lda << 3, b + ((<usize>j * <usize>ldb + <usize>kc) << 3), <usize>ldb << 3, len, c + ((<usize>i * <usize>ldc + <usize>j) << 3), <usize>ldc << 3);
        }
      }
    }
  }
}

/** The 4x2 register tile of gemmNT: 8 f64x2 accumulators along k, reduced and added to C at the end. */
// @ts-ignore: decorator
@inline
function kernel4x2(pa: usize, sa: usize, pb: usize, sb: usize, len: i32, pc: usize, sc: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const end = pa + (<usize>len << 3);
  let p0 = pa, q0 = pb;
  while (p0 < end) {
    const b0 = v128.load(q0);
    const b1 = v128.load(q0 + sb);
    let x = v128.load(p0);
    c00 = f64x2.add(c00, f64x2.mul(x, b0));
    c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load(p0 + sa);
    c10 = f64x2.add(c10, f64x2.mul(x, b0));
    c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load(p0 + 2 * sa);
    c20 = f64x2.add(c20, f64x2.mul(x, b0));
    c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load(p0 + 3 * sa);
    c30 = f64x2.add(c30, f64x2.mul(x, b0));
    c31 = f64x2.add(c31, f64x2.mul(x, b1));
    p0 += 16;
    q0 += 16;
  }
  addLanes(pc, c00);
  addLanes(pc + 8, c01);
  addLanes(pc + sc, c10);
  addLanes(pc + sc + 8, c11);
  addLanes(pc + 2 * sc, c20);
  addLanes(pc + 2 * sc + 8, c21);
  addLanes(pc + 3 * sc, c30);
  addLanes(pc + 3 * sc + 8, c31);
}

// @ts-ignore: decorator
@inline
function addLanes(p: usize, v: v128): void {
  store<f64>(p, load<f64>(p) + (f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1)));
}

/** dot(x[0:len], y[0:len]) with two f64x2 accumulators. */
// @ts-ignore: decorator
@inline
function dot(x: usize, y: usize, len: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(x + o + 16), v128.load(y + o + 16)));
  }
  a0 = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  for (; k < len; k++) s += load<f64>(x + (<usize>k << 3)) * load<f64>(y + (<usize>k << 3));
  return s;
}

// ---------------------------------------------------------------------------------------------
// 2. Tr((Σ1 Σ2)^½) = Σ √λ(Lᵀ Σ2 L) with Σ1 = P L Lᵀ Pᵀ (pivoted Cholesky, L: d × r, r = rank Σ1).
//    Lᵀ Σ2 L is symmetric PSD, so its eigenvalues come from a symmetric eigensolver: Householder
//    tridiagonalisation, then implicit QL. No matrix square root, no eigenvectors.
// ---------------------------------------------------------------------------------------------

/**
 * Blocked pivoted Cholesky, in place (LAPACK dpstrf's scheme): panels of `nb` columns are factored
 * left-looking within the panel with full pivoting on the Schur complement's diagonal, then the trailing
 * matrix is updated at once, A₂₂ −= P Pᵀ, by the gemm kernel. A [dp, dp] (ld) is symmetric in full
 * storage (padding rows and columns zero); when done its lower part holds L (columns k < rank) and perm [d]
 * the pivot order. `pan` and `neg` are scratch of [dp, nb] each; nb % 4 == 0, dp % 4 == 0.
 * choleskyInit sets perm and the working diagonal (−1 for NaN on the diagonal).
 */
export function choleskyInit(a: usize, ld: i32, d: i32, perm: usize, diag: usize): i32 {
  for (let i = 0; i < d; i++) {
    store<i32>(perm + (<usize>i << 2), i);
    const v = load<f64>(mat(a, ld, i, i));
    if (isNaN(v)) return -1;
    store<f64>(at(diag, i), v);
  }
  return 0;
}

/**
 * One panel (columns k0 … k0+nb−1) of the blocked pivoted Cholesky, after choleskyInit. Returns the columns
 * factored so far: min(k0 + nb, d) when the panel is done, j < that when pivot j was ≤ tol (the rank),
 * −1 for NaN. The caller loops over panels (many short calls let the engine's optimising tier take over).
 */
export function choleskyPanel(a: usize, ld: i32, dp: i32, d: i32, perm: usize, diag: usize, tol: f64, nb: i32, pan: usize, neg: usize, k0: i32): i32 {
  {
    const k1 = min(k0 + nb, d);
    for (let j = k0; j < k1; j++) {
      // 1. pivot: the largest remaining diagonal of the Schur complement
      let p = j;
      let best = load<f64>(at(diag, j));
      for (let i = j + 1; i < d; i++) {
        const v = load<f64>(at(diag, i));
        if (v > best) {
          best = v;
          p = i;
        }
      }
      if (isNaN(best)) return -1;
      if (!(best > tol)) return j;
      // 2. symmetric swap j ↔ p: whole rows, then whole columns (keeps the full storage symmetric)
      if (p != j) {
        const pj = load<i32>(perm + (<usize>j << 2));
        store<i32>(perm + (<usize>j << 2), load<i32>(perm + (<usize>p << 2)));
        store<i32>(perm + (<usize>p << 2), pj);
        store<f64>(at(diag, p), load<f64>(at(diag, j)));
        store<f64>(at(diag, j), best);
        const rj = mat(a, ld, j, 0), rp = mat(a, ld, p, 0);
        for (let c = 0; c < dp; c++) {
          const t = load<f64>(at(rj, c));
          store<f64>(at(rj, c), load<f64>(at(rp, c)));
          store<f64>(at(rp, c), t);
        }
        for (let r = 0; r < dp; r++) {
          const q = mat(a, ld, r, 0);
          const t = load<f64>(at(q, j));
          store<f64>(at(q, j), load<f64>(at(q, p)));
          store<f64>(at(q, p), t);
        }
      }
      // 3. column j: L[i][j] = (A[i][j] − L[i][k0:j]·L[j][k0:j]) / L[j][j]; earlier panels are already in A
      const ljj = Math.sqrt(best);
      store<f64>(mat(a, ld, j, j), ljj);
      const inv = 1.0 / ljj;
      const rj = mat(a, ld, j, k0);
      for (let i = j + 1; i < d; i++) {
        const q = mat(a, ld, i, j);
        const lij = (load<f64>(q) - dot(mat(a, ld, i, k0), rj, j - k0)) * inv;
        store<f64>(q, lij);
        store<f64>(at(diag, i), load<f64>(at(diag, i)) - lij * lij);
      }
    }
    // 4. trailing update A[k1:, k1:] −= P Pᵀ with P = L[k1:, k0:k1] (both triangles)
    if (k1 < d) {
      const rows = dp - k1; // k1 = k0 + nb here, a multiple of 4
      memory.fill(pan, 0, (<usize>rows * <usize>nb) << 3);
      for (let i = 0; i < rows; i++) {
        const src = mat(a, ld, k1 + i, k0);
        for (let c = 0; c < k1 - k0; c++) {
          const v = load<f64>(at(src, c));
          store<f64>(mat(pan, nb, i, c), v);
          store<f64>(mat(neg, nb, i, c), -v);
        }
        for (let c = k1 - k0; c < nb; c++) store<f64>(mat(neg, nb, i, c), 0);
      }
      gemmNT(neg, nb, pan, nb, mat(a, ld, k1, k1), ld, rows, rows, 0, nb, false);
    }
    return k1;
  }
}

/**
 * One panel (columns k0 … k0+nb−1; the caller loops k0 = 0, nb, … while k0 < n − 1, or calls once with
 * k0 = 0 for n == 1) of the blocked Householder tridiagonalisation (LAPACK dsytrd/dlatrd, lower): A [n, ld] symmetric, lower
 * triangle used; n % 4 == 0 (zero padding adds zero eigenvalues). Within a panel of nb columns the
 * reflectors' effect is kept in V, W [n, nb] (A − V Wᵀ − W Vᵀ is the current matrix); the trailing
 * matrix is updated once per panel by the gemm kernel. Writes the diagonal dOut [n] and off-diagonal
 * eOut [n] (eOut[k] couples k and k+1). Scratch: V, W [n, nb]; NV, NW [n, 2·nb]; v, y [n]; t1, t2 [nb]; nb % 2 == 0.
 *
 * Notation (Golub & Van Loan §8.3.1): x = A[j+1:, j], H = I − τ v vᵀ, H x = α e₁,
 * w = τ A₂₂ v − (τ/2)(τ vᵀA₂₂v) v, A₂₂ ← A₂₂ − v wᵀ − w vᵀ.
 */
export function tridiagonalPanel(a: usize, ld: i32, n: i32, dOut: usize, eOut: usize, V: usize, W: usize, NV: usize, NW: usize, v: usize, y: usize, t1: usize, t2: usize, nb: i32, k0: i32): void {
  store<f64>(at(eOut, n - 1), 0);
  if (n == 1) store<f64>(dOut, load<f64>(a));
  if (k0 < n - 1) {
    const kend = min(k0 + nb, n - 1);
    memory.fill(V, 0, (<usize>n * <usize>nb) << 3);
    memory.fill(W, 0, (<usize>n * <usize>nb) << 3);
    const last = kend == n - 1;
    for (let j = k0; j <= kend; j++) {
      if (j == kend && !last) break;
      const jj = j - k0;
      // 1. bring column j (rows j … n−1) up to date with this panel's reflectors
      if (jj > 0) {
        const vj = mat(V, nb, j, 0), wj = mat(W, nb, j, 0);
        for (let i = j; i < n; i++) {
          const q = mat(a, ld, i, j);
          store<f64>(q, load<f64>(q) - dot(mat(V, nb, i, 0), wj, jj) - dot(mat(W, nb, i, 0), vj, jj));
        }
      }
      store<f64>(at(dOut, j), load<f64>(mat(a, ld, j, j)));
      if (j == n - 1) break;
      // 2. reflector of column j
      const tau = householder(a, ld, j, n, v, eOut);
      const j1 = j + 1;
      for (let i = j1; i < n; i++) store<f64>(mat(V, nb, i, jj), load<f64>(at(v, i)));
      if (tau == 0) continue; // H = I: w = 0
      // 3. y = A₂₂ v on the lower triangle (A₂₂ as at the panel's start), four rows per pass
      memory.fill(at(y, j1), 0, <usize>(n - j1) << 3);
      symvLowerQuads(a, ld, j1, n, v, y);
      // 4. y −= V (Wᵀv) + W (Vᵀv): the panel's pending update applied to v
      if (jj > 0) {
        memory.fill(t1, 0, <usize>jj << 3);
        memory.fill(t2, 0, <usize>jj << 3);
        for (let i = j1; i < n; i++) {
          const vi = load<f64>(at(v, i));
          for (let c = 0; c < jj; c++) {
            store<f64>(at(t1, c), load<f64>(at(t1, c)) + load<f64>(mat(W, nb, i, c)) * vi);
            store<f64>(at(t2, c), load<f64>(at(t2, c)) + load<f64>(mat(V, nb, i, c)) * vi);
          }
        }
        for (let i = j1; i < n; i++) {
          store<f64>(at(y, i), load<f64>(at(y, i)) - dot(mat(V, nb, i, 0), t1, jj) - dot(mat(W, nb, i, 0), t2, jj));
        }
      }
      // 5. w = τ y − (τ/2)(τ yᵀv) v
      let yv = 0.0;
      for (let i = j1; i < n; i++) yv += load<f64>(at(y, i)) * load<f64>(at(v, i));
      const K = 0.5 * tau * tau * yv;
      for (let i = j1; i < n; i++) store<f64>(mat(W, nb, i, jj), tau * load<f64>(at(y, i)) - K * load<f64>(at(v, i)));
    }
    // 6. trailing matrix: A[k1:, k1:] −= V Wᵀ + W Vᵀ = [−V −W][W V]ᵀ, one pass over the lower tiles
    if (!last) {
      const k1 = kend;
      const rows = n - k1;
      const nb2 = 2 * nb;
      for (let i = k1; i < n; i++) {
        for (let c = 0; c < nb; c++) {
          const vic = load<f64>(mat(V, nb, i, c)), wic = load<f64>(mat(W, nb, i, c));
          store<f64>(mat(NV, nb2, i, c), -vic);
          store<f64>(mat(NV, nb2, i, nb + c), -wic);
          store<f64>(mat(NW, nb2, i, c), wic);
          store<f64>(mat(NW, nb2, i, nb + c), vic);
        }
      }
      gemmNT(mat(NV, nb2, k1, 0), nb2, mat(NW, nb2, k1, 0), nb2, mat(a, ld, k1, k1), ld, rows, rows, 0, nb2, true);
    }
  }
}

/** As symvLowerPairs, four rows per pass (one load and store of y per four rows). */
function symvLowerQuads(a: usize, ld: i32, j0: i32, n: i32, v: usize, y: usize): void {
  let i = j0;
  for (; i + 3 < n; i += 4) {
    const r0 = mat(a, ld, i, 0), r1 = mat(a, ld, i + 1, 0), r2 = mat(a, ld, i + 2, 0), r3 = mat(a, ld, i + 3, 0);
    const v0 = load<f64>(at(v, i)), v1 = load<f64>(at(v, i + 1)), v2 = load<f64>(at(v, i + 2)), v3 = load<f64>(at(v, i + 3));
    const s0 = f64x2.splat(v0), s1 = f64x2.splat(v1), s2 = f64x2.splat(v2), s3 = f64x2.splat(v3);
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0), acc2 = f64x2.splat(0), acc3 = f64x2.splat(0);
    let l = j0;
    for (; l + 2 <= i; l += 2) {
      const o = <usize>l << 3;
      const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o), vl = v128.load(v + o);
      acc0 = f64x2.add(acc0, f64x2.mul(x0, vl));
      acc1 = f64x2.add(acc1, f64x2.mul(x1, vl));
      acc2 = f64x2.add(acc2, f64x2.mul(x2, vl));
      acc3 = f64x2.add(acc3, f64x2.mul(x3, vl));
      const t = f64x2.add(f64x2.add(f64x2.mul(x0, s0), f64x2.mul(x1, s1)), f64x2.add(f64x2.mul(x2, s2), f64x2.mul(x3, s3)));
      v128.store(y + o, f64x2.add(v128.load(y + o), t));
    }
    let d0 = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    let d1 = f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
    let d2 = f64x2.extract_lane(acc2, 0) + f64x2.extract_lane(acc2, 1);
    let d3 = f64x2.extract_lane(acc3, 0) + f64x2.extract_lane(acc3, 1);
    for (; l < i; l++) {
      const x0 = load<f64>(at(r0, l)), x1 = load<f64>(at(r1, l)), x2 = load<f64>(at(r2, l)), x3 = load<f64>(at(r3, l)), vl = load<f64>(at(v, l));
      d0 += x0 * vl;
      d1 += x1 * vl;
      d2 += x2 * vl;
      d3 += x3 * vl;
      store<f64>(at(y, l), load<f64>(at(y, l)) + x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3);
    }
    // the 4x4 diagonal block (lower triangle of rows i … i+3, columns i … i+3)
    const a00 = load<f64>(at(r0, i));
    const a10 = load<f64>(at(r1, i)), a11 = load<f64>(at(r1, i + 1));
    const a20 = load<f64>(at(r2, i)), a21 = load<f64>(at(r2, i + 1)), a22 = load<f64>(at(r2, i + 2));
    const a30 = load<f64>(at(r3, i)), a31 = load<f64>(at(r3, i + 1)), a32 = load<f64>(at(r3, i + 2)), a33 = load<f64>(at(r3, i + 3));
    d0 += a00 * v0 + a10 * v1 + a20 * v2 + a30 * v3;
    d1 += a10 * v0 + a11 * v1 + a21 * v2 + a31 * v3;
    d2 += a20 * v0 + a21 * v1 + a22 * v2 + a32 * v3;
    d3 += a30 * v0 + a31 * v1 + a32 * v2 + a33 * v3;
    store<f64>(at(y, i), load<f64>(at(y, i)) + d0);
    store<f64>(at(y, i + 1), load<f64>(at(y, i + 1)) + d1);
    store<f64>(at(y, i + 2), load<f64>(at(y, i + 2)) + d2);
    store<f64>(at(y, i + 3), load<f64>(at(y, i + 3)) + d3);
  }
  if (i < n) symvLowerPairs(a, ld, j0, n, v, y, i);
}

/** y[j0:n] += A[j0:n, j0:n] v[j0:n] for symmetric A stored in its lower triangle; rows `from` … n−1 (from ≥ j0), taken in pairs. */
function symvLowerPairs(a: usize, ld: i32, j0: i32, n: i32, v: usize, y: usize, from: i32): void {
  let i = from;
  for (; i + 1 < n; i += 2) {
    const r0 = mat(a, ld, i, 0), r1 = mat(a, ld, i + 1, 0);
    const v0 = load<f64>(at(v, i)), v1 = load<f64>(at(v, i + 1));
    const s0 = f64x2.splat(v0), s1 = f64x2.splat(v1);
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
    let l = j0;
    for (; l + 2 <= i; l += 2) {
      const o = <usize>l << 3;
      const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), vl = v128.load(v + o);
      acc0 = f64x2.add(acc0, f64x2.mul(x0, vl));
      acc1 = f64x2.add(acc1, f64x2.mul(x1, vl));
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.add(f64x2.mul(x0, s0), f64x2.mul(x1, s1))));
    }
    let d0 = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    let d1 = f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
    for (; l < i; l++) {
      const x0 = load<f64>(at(r0, l)), x1 = load<f64>(at(r1, l)), vl = load<f64>(at(v, l));
      d0 += x0 * vl;
      d1 += x1 * vl;
      store<f64>(at(y, l), load<f64>(at(y, l)) + x0 * v0 + x1 * v1);
    }
    // the 2x2 diagonal block: A[i][i], A[i+1][i], A[i+1][i+1]
    const aii = load<f64>(at(r0, i)), a10 = load<f64>(at(r1, i)), a11 = load<f64>(at(r1, i + 1));
    d0 += aii * v0 + a10 * v1;
    d1 += a10 * v0 + a11 * v1;
    store<f64>(at(y, i), load<f64>(at(y, i)) + d0);
    store<f64>(at(y, i + 1), load<f64>(at(y, i + 1)) + d1);
  }
  if (i < n) {
    const r0 = mat(a, ld, i, 0);
    const v0 = load<f64>(at(v, i));
    let d0 = 0.0;
    for (let l = j0; l < i; l++) {
      const x0 = load<f64>(at(r0, l));
      d0 += x0 * load<f64>(at(v, l));
      store<f64>(at(y, l), load<f64>(at(y, l)) + x0 * v0);
    }
    store<f64>(at(y, i), load<f64>(at(y, i)) + d0 + load<f64>(at(r0, i)) * v0);
  }
}

/** dst[i][j] = src[perm[i]][perm[j]] for i, j < d (full storage, both ld = ld). */
export function permuteSymmetric(src: usize, dst: usize, ld: i32, perm: usize, d: i32): void {
  for (let i = 0; i < d; i++) {
    const srow = src + ((<usize>load<i32>(perm + (<usize>i << 2)) * <usize>ld) << 3);
    const drow = dst + ((<usize>i * <usize>ld) << 3);
    for (let j = 0; j < d; j++) store<f64>(drow + (<usize>j << 3), load<f64>(srow + (<usize>load<i32>(perm + (<usize>j << 2)) << 3)));
  }
}

/** lt [rows, ld] = first r columns of the lower-triangular L [d, ld], transposed: lt[k][i] = L[i][k] for i ≥ k, else 0. Rows r…rows−1 are zero. */
export function transposeLower(l: usize, lt: usize, ld: i32, d: i32, r: i32, rows: i32): void {
  memory.fill(lt, 0, (<usize>rows * <usize>ld) << 3);
  for (let i = 0; i < d; i++) {
    const li = l + ((<usize>i * <usize>ld) << 3);
    const kEnd = min(i + 1, r);
    for (let k = 0; k < kEnd; k++) store<f64>(lt + ((<usize>k * <usize>ld + <usize>i) << 3), load<f64>(li + (<usize>k << 3)));
  }
}

/**
 * Householder reflector of column k below the diagonal (x = A[k+1:n, k]): writes v [n] (entries k+1 … n−1)
 * and eOut[k] = α, returns τ (0 when x is already a multiple of e₁).
 */
function householder(a: usize, ld: i32, k: i32, n: i32, v: usize, eOut: usize): f64 {
  const k1 = k + 1;
  const x0 = load<f64>(a + ((<usize>k1 * <usize>ld + <usize>k) << 3));
  let sigma = 0.0;
  let scale = Math.abs(x0);
  for (let i = k1 + 1; i < n; i++) scale = Math.max(scale, Math.abs(load<f64>(a + ((<usize>i * <usize>ld + <usize>k) << 3))));
  store<f64>(v + (<usize>k1 << 3), x0);
  if (scale == 0) {
    for (let i = k1 + 1; i < n; i++) store<f64>(v + (<usize>i << 3), 0);
    store<f64>(eOut + (<usize>k << 3), 0);
    return 0;
  }
  // scaled sums of squares: no overflow or underflow for extreme features
  const inv = 1 / scale;
  for (let i = k1 + 1; i < n; i++) {
    const xi = load<f64>(a + ((<usize>i * <usize>ld + <usize>k) << 3));
    store<f64>(v + (<usize>i << 3), xi);
    const y = xi * inv;
    sigma += y * y;
  }
  if (sigma == 0) {
    store<f64>(eOut + (<usize>k << 3), x0);
    return 0;
  }
  const y0 = x0 * inv;
  const mu = scale * Math.sqrt(y0 * y0 + sigma);
  const alpha = x0 <= 0 ? mu : -mu;
  const v0 = x0 - alpha;
  store<f64>(v + (<usize>k1 << 3), v0);
  store<f64>(eOut + (<usize>k << 3), alpha);
  // τ = 2 / vᵀv, vᵀv = v0² + σ·scale²
  const vv = v0 * v0 + sigma * scale * scale;
  return 2 / vv;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix (diagonal d [n], off-diagonal e [n], e[k] couples k and
 * k+1) by the implicit QL method with Wilkinson shifts (EISPACK tql1). Overwrites d with the eigenvalues
 * (unordered) and destroys e. Returns 0, or the index of an eigenvalue that did not converge in 60 sweeps.
 */
export function tridiagonalEigenvalues(d: usize, e: usize, n: i32): i32 {
  if (n > 0) store<f64>(at(e, n - 1), 0);
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m = l;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(load<f64>(at(d, m))) + Math.abs(load<f64>(at(d, m + 1)));
        if (Math.abs(load<f64>(at(e, m))) <= f64.EPSILON * dd) break;
      }
      if (m != l) {
        if (iter++ == 60) return l + 1;
        const el = load<f64>(at(e, l));
        let g = (load<f64>(at(d, l + 1)) - load<f64>(at(d, l))) / (2 * el);
        let r = hypot(g, 1);
        g = load<f64>(at(d, m)) - load<f64>(at(d, l)) + el / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1.0, c = 1.0, p = 0.0;
        let i = m - 1;
        let underflow = false;
        for (; i >= l; i--) {
          const f = s * load<f64>(at(e, i));
          const b = c * load<f64>(at(e, i));
          r = hypot(f, g);
          store<f64>(at(e, i + 1), r);
          if (r == 0) {
            store<f64>(at(d, i + 1), load<f64>(at(d, i + 1)) - p);
            store<f64>(at(e, m), 0);
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = load<f64>(at(d, i + 1)) - p;
          r = (load<f64>(at(d, i)) - g) * s + 2 * c * b;
          p = s * r;
          store<f64>(at(d, i + 1), g + p);
          g = c * r - b;
        }
        if (underflow) continue;
        store<f64>(at(d, l), load<f64>(at(d, l)) - p);
        store<f64>(at(e, l), g);
        store<f64>(at(e, m), 0);
      }
    } while (m != l);
  }
  return 0;
}

function hypot(a: f64, b: f64): f64 {
  const x = Math.abs(a), y = Math.abs(b);
  const big = Math.max(x, y);
  if (big == 0) return 0;
  const small = Math.min(x, y) / big;
  return big * Math.sqrt(1 + small * small);
}

// ---------------------------------------------------------------------------------------------
// 3. KID: sums of the cubic polynomial kernel k(x, y) = (x·y / d + 1)³ over a Gram block.
// ---------------------------------------------------------------------------------------------

/** Σ (g[i][j] / dim + 1)³ over i < m, j < n of g [m, ld]; `strictLower`: only j < i (of a symmetric Gram). */
export function polyKernelSum(g: usize, ld: i32, m: i32, n: i32, dim: f64, strictLower: bool): f64 {
  const inv = 1 / dim;
  let total = 0.0;
  for (let i = 0; i < m; i++) {
    const row = g + ((<usize>i * <usize>ld) << 3);
    let s = 0.0;
    const jEnd = strictLower ? min(i, n) : n;
    for (let j = 0; j < jEnd; j++) {
      const k = load<f64>(row + (<usize>j << 3)) * inv + 1;
      s += k * k * k;
    }
    total += s;
  }
  return total;
}
