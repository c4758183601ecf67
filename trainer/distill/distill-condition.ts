/**
 * What a distillation teacher is conditioned on, per row: a class (the null class for the unconditional rows) or a
 * frozen text encoder's states of the image's caption (the empty prompt's for the unconditional rows), and the U-Net
 * inputs of either. Guidance is v_u + w·(v_c − v_u) with the null condition as u, whatever the kind.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../sdk/random/rng.js';
import { gatherRows } from '../data/gather-rows.js';
import type { UNetCond } from '../models/unet.js';

/** One batch's conditions. */
export interface RowConditions {
  /** Per row: drawn as the null condition (no guidance). */
  isNull: boolean[];
  labels?: Int32Array;
  /** [B, L·D] */
  context?: Float32Array;
}

export interface DistillCondition {
  readonly kind: 'class' | 'text';
  /** The rows' conditions: each the null one with probability `nullRate` (and a class row without a label). */
  draw(batch: { labels?: Int32Array; indices: Int32Array }, rng: Rng, nullRate: number): RowConditions;
  /** The U-Net's conditioning inputs for `rows`, or for B null rows. */
  inputs(rows: RowConditions): UNetCond;
  nullInputs(B: number): UNetCond;
}

/** Class conditioning over K classes; K is the null class. */
export function classCondition(K: number): DistillCondition {
  return {
    kind: 'class',
    draw: (batch, rng, nullRate) => {
      const B = batch.indices.length;
      const labels = Int32Array.from({ length: B }, (_, r) => (rng.uniform() < nullRate || (batch.labels?.[r] ?? -1) < 0 ? K : batch.labels![r]!));
      return { labels, isNull: [...labels].map((l) => l === K) };
    },
    inputs: (rows) => ({ classLabels: tf.tensor1d(rows.labels!, 'int32') }),
    nullInputs: (B) => ({ classLabels: tf.fill([B], K, 'int32') as tf.Tensor1D }),
  };
}

/** Frozen text states: `contexts` [N, L·D] of the data set's captions (by example index), `nullContext` [L·D]. */
export function textCondition(contexts: Float32Array, nullContext: Float32Array, L: number, D: number): DistillCondition {
  const nullRows = (B: number) => {
    const out = new Float32Array(B * L * D);
    for (let r = 0; r < B; r++) out.set(nullContext, r * L * D);
    return out;
  };
  return {
    kind: 'text',
    draw: (batch, rng, nullRate) => {
      const B = batch.indices.length;
      const isNull = Array.from({ length: B }, () => rng.uniform() < nullRate);
      const context = gatherRows(contexts, batch.indices, L * D);
      isNull.forEach((n, r) => n && context.set(nullContext, r * L * D));
      return { isNull, context };
    },
    inputs: (rows) => ({ context: tf.tensor3d(rows.context!, [rows.isNull.length, L, D]) }),
    nullInputs: (B) => ({ context: tf.tensor3d(nullRows(B), [B, L, D]) }),
  };
}
