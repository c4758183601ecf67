/**
 * One generator update and one discriminator update of CycleGAN (Zhu et al. 2017, eq. 1–3 and §4, with the official
 * code's order: G first, then D on the history pool of G's fakes):
 *
 *   L(G, F, D_A, D_B) = L_LSGAN(G, D_B) + L_LSGAN(F, D_A) + λ L_cyc(G, F) + 0.5·λ L_identity(G, F)
 *   L_cyc      = E_a[‖F(G(a)) − a‖₁] + E_b[‖G(F(b)) − b‖₁]            (eq. 2)
 *   L_identity = E_b[‖G(b) − b‖₁] + E_a[‖F(a) − a‖₁]                  (§5.2, "as in Taigman et al.")
 *
 * Notation: domain A = Noto, B = Twemoji; G: A → B, F: B → A; D_A tells real a from F(b), D_B real b from G(a). a and
 * b come from independent batches (unpaired). The adversarial terms are least squares (trainer/gan/losses/
 * least-squares.ts): G minimises E[(D_B(G(a)) − 1)²], D_B minimises ½E[(D_B(b) − 1)²] + ½E[D_B(fake)²].
 * One Adam moves G and F together and one both D's, as the official code (Adam is per-parameter: the same as two).
 */
import * as tf from '@tensorflow/tfjs';
import { leastSquaresLoss } from '../gan/losses/least-squares.js';
import type { PatchDiscriminator } from '../models/patch-discriminator.js';
import type { AdamW } from '../optim/adamw.js';
import { applyNamedGrads } from '../optim/apply-named-grads.js';

/** What the steps need of a generator: image batch → image batch ([B, S, S, C] in [-1, 1]). */
export interface ImageToImage {
  apply(x: tf.Tensor4D): tf.Tensor4D;
}

export interface CycleGanParts {
  /** A → B. */
  G: ImageToImage;
  /** B → A. */
  F: ImageToImage;
  /** Judges domain A images (real a against F(b)). */
  DA: PatchDiscriminator;
  /** Judges domain B images (real b against G(a)). */
  DB: PatchDiscriminator;
  /** G's and F's variables, D_A's and D_B's, by path. */
  gParams: Map<string, tf.Variable>;
  dParams: Map<string, tf.Variable>;
  adamG: AdamW;
  adamD: AdamW;
  /** λ of the cycle terms (the paper: 10). */
  cycleWeight: number;
  /** The identity terms' weight in units of λ (the paper: 0.5). */
  identityWeight: number;
  lr: number;
}

/** G's side of the objective on one pair of batches, in numbers. */
export interface CycleGanGeneratorTerms {
  /** The whole of G's and F's loss. */
  gLoss: number;
  /** E[(D_B(G(a)) − 1)²] + E[(D_A(F(b)) − 1)²]. */
  gAdv: number;
  /** mean |F(G(a)) − a| and mean |G(F(b)) − b| (without λ). */
  cycleA: number;
  cycleB: number;
  /** mean |F(a) − a| and mean |G(b) − b| (without weights). */
  identityA: number;
  identityB: number;
}

interface TermTensors {
  loss: tf.Scalar;
  parts: Record<Exclude<keyof CycleGanGeneratorTerms, 'gLoss'>, tf.Scalar>;
  fakeA: tf.Tensor4D;
  fakeB: tf.Tensor4D;
}

const l1 = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => tf.mean(tf.abs(tf.sub(x, y))) as tf.Scalar;

/** a, b [B, S, S, C] (unrelated batches) → G's loss and its parts, and the fakes G(a), F(b). */
function generatorTerms(p: CycleGanParts, a: tf.Tensor4D, b: tf.Tensor4D): TermTensors {
  // 1. translations and round trips
  const fakeB = p.G.apply(a);
  const fakeA = p.F.apply(b);
  const cycleA = l1(p.F.apply(fakeB), a);
  const cycleB = l1(p.G.apply(fakeA), b);
  // 2. the adversarial terms through the D's as they are (their weights are not in this gradient's list)
  const gAdv = tf.add(leastSquaresLoss.generator(p.DB.apply(fakeB)), leastSquaresLoss.generator(p.DA.apply(fakeA))) as tf.Scalar;
  // 3. identity: each generator fed its own target domain should leave it alone (skipped when its weight is 0)
  const zero = tf.scalar(0);
  const idOn = p.identityWeight > 0;
  const identityA = idOn ? l1(p.F.apply(a), a) : zero;
  const identityB = idOn ? l1(p.G.apply(b), b) : zero;
  // 4. eq. 3 with the identity term
  const lambda = p.cycleWeight;
  const loss = tf.addN([gAdv, tf.mul(tf.add(cycleA, cycleB), lambda), tf.mul(tf.add(identityA, identityB), lambda * p.identityWeight)]) as tf.Scalar;
  return { loss, parts: { gAdv, cycleA, cycleB, identityA, identityB }, fakeA, fakeB };
}

const numbers = (t: TermTensors): CycleGanGeneratorTerms => ({
  gLoss: t.loss.dataSync()[0]!,
  ...(Object.fromEntries(Object.entries(t.parts).map(([k, v]) => [k, v.dataSync()[0]!])) as Omit<CycleGanGeneratorTerms, 'gLoss'>),
});

/** D_A's and D_B's least-squares losses: real a, b against the (pooled) fakes of each domain. */
function discriminatorTerms(p: CycleGanParts, a: tf.Tensor4D, b: tf.Tensor4D, fakeA: tf.Tensor4D, fakeB: tf.Tensor4D): { dA: tf.Scalar; dB: tf.Scalar } {
  return { dA: leastSquaresLoss.discriminator(p.DA.apply(a), p.DA.apply(fakeA)), dB: leastSquaresLoss.discriminator(p.DB.apply(b), p.DB.apply(fakeB)) };
}

/**
 * One G-and-F update on (a, b); returns their loss and its parts before the update, and the fakes G(a), F(b) of the
 * weights before it (flat [B, S, S, C], for the pools; the official code feeds D these, not a new forward pass).
 */
export function generatorStep(p: CycleGanParts, a: tf.Tensor4D, b: tf.Tensor4D): { terms: CycleGanGeneratorTerms; fakeA: Float32Array; fakeB: Float32Array } {
  let out: { terms: CycleGanGeneratorTerms; fakeA: Float32Array; fakeB: Float32Array } | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const t = generatorTerms(p, a, b);
    out = { terms: numbers(t), fakeA: Float32Array.from(t.fakeA.dataSync() as Float32Array), fakeB: Float32Array.from(t.fakeB.dataSync() as Float32Array) };
    return t.loss;
  }, [...p.gParams.values()]);
  value.dispose();
  applyNamedGrads(p.gParams, p.adamG, grads, p.lr);
  return out!;
}

/** One update of both D's on real (a, b) against fakes (fakeA, fakeB) from the pools; returns their losses before it. */
export function discriminatorStep(p: CycleGanParts, a: tf.Tensor4D, b: tf.Tensor4D, fakeA: tf.Tensor4D, fakeB: tf.Tensor4D): { dA: number; dB: number } {
  const parts = { dA: 0, dB: 0 };
  const { value, grads } = tf.variableGrads(() => {
    const t = discriminatorTerms(p, a, b, fakeA, fakeB);
    parts.dA = t.dA.dataSync()[0]!;
    parts.dB = t.dB.dataSync()[0]!;
    return tf.add(t.dA, t.dB) as tf.Scalar;
  }, [...p.dParams.values()]);
  value.dispose();
  applyNamedGrads(p.dParams, p.adamD, grads, p.lr);
  return parts;
}

/** Every loss of the current weights on (a, b), without training; D's against this G's fresh fakes (no pool). */
export function cycleGanLosses(p: CycleGanParts, a: tf.Tensor4D, b: tf.Tensor4D): CycleGanGeneratorTerms & { dA: number; dB: number } {
  return tf.tidy(() => {
    const t = generatorTerms(p, a, b);
    const d = discriminatorTerms(p, a, b, t.fakeA, t.fakeB);
    return { ...numbers(t), dA: d.dA.dataSync()[0]!, dB: d.dB.dataSync()[0]! };
  });
}
