/**
 * Parity check: runs an exported ONNX model in onnxruntime-node (CPU) and compares its outputs
 * with what the trainer computed (tfjs forward pass) for the same inputs.
 *
 * Tolerances. float32 weights: layer-by-layer differences are summation-order rounding, so
 * 1e-4 absolute is ample for outputs of order 1 (measured ~1e-6 on the export tests' graphs). Rounding grows with
 * the values, so the bound scales with the output: tolerance · max(1, max |expected|) (a trained classifier's
 * logits reach ~30; its float32 rounding differences, ~3e-4, are the same 1e-5 relative).
 * float16 weights (toBytes({ weightsFp16: true })): each weight moves by at most 2^-11 relative
 * (≈4.9e-4), so an output moves by at most ≈4.9e-4 · Σ|w·x| over the terms that form it; for
 * O(1) activations that is a few 1e-3. Measured in tests/export-onnx-graph.test.ts: a
 * conv -> relu -> conv stack with He-initialised weights and N(0,1) inputs gives max abs error
 * ≈1e-3 against float32 (outputs of magnitude ~1-5); pass `tolerance: 1e-2` for fp16 files.
 */
import * as ort from 'onnxruntime-node';
import { ParityError } from './parity-error.js';

/** An input tensor: data in row-major order with its dims. */
export interface FeedTensor {
  data: Float32Array | BigInt64Array | Int32Array;
  dims: number[];
}

/** An expected output: float32 data in row-major order with its dims. */
export interface ExpectedTensor {
  data: Float32Array;
  dims: number[];
}

/** Options of checkParity / assertParity. */
export interface ParityOptions {
  /** Largest allowed |onnx - expected| for outputs of magnitude ≤ 1, scaled by max |expected| above that. Default 1e-4. */
  tolerance?: number;
}

/** Result of a parity check. */
export interface ParityResult {
  /** Largest absolute difference per output (Infinity when the output is missing, mis-shaped or NaN). */
  maxAbsError: Record<string, number>;
  /** True when every output is within the tolerance. */
  ok: boolean;
  /** Human-readable notes on what went wrong (missing outputs, shape mismatches); empty when ok. */
  problems: string[];
}

/** Default parity tolerance for float32 exports. */
export const DEFAULT_PARITY_TOLERANCE = 1e-4;

/** Runs the model on `feeds` in onnxruntime-node (CPU EP) and compares with `expected`. */
export async function checkParity(
  model: Uint8Array,
  feeds: Record<string, FeedTensor>,
  expected: Record<string, ExpectedTensor>,
  opts: ParityOptions = {},
): Promise<ParityResult> {
  const tolerance = opts.tolerance ?? DEFAULT_PARITY_TOLERANCE;
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(tensorType(t.data), t.data, t.dims);
    const outputs = await session.run(ortFeeds);
    const maxAbsError: Record<string, number> = {};
    const problems: string[] = [];
    for (const [name, want] of Object.entries(expected)) {
      const got = outputs[name];
      if (!got) {
        maxAbsError[name] = Infinity;
        problems.push(`output '${name}' is missing (model outputs: ${session.outputNames.join(', ')})`);
        continue;
      }
      if (got.dims.join(',') !== want.dims.join(',')) {
        maxAbsError[name] = Infinity;
        problems.push(`output '${name}' has shape [${got.dims.join(', ')}], expected [${want.dims.join(', ')}]`);
        continue;
      }
      const data = got.data as Float32Array;
      let max = 0;
      let scale = 1;
      for (let i = 0; i < want.data.length; i++) {
        const d = Math.abs(data[i]! - want.data[i]!);
        // NaN compares false with everything: count it as an infinite error.
        if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
        scale = Math.max(scale, Math.abs(want.data[i]!));
      }
      maxAbsError[name] = max;
      if (max > tolerance * scale) problems.push(`output '${name}' max abs error ${max.toExponential(3)}${scale > 1 ? ` (allowed ${(tolerance * scale).toExponential(2)} for outputs up to ${scale.toPrecision(3)})` : ''}`);
    }
    return { maxAbsError, ok: problems.length === 0, problems };
  } finally {
    await session.release();
  }
}

/** Like checkParity, but throws a ParityError (a WebgenError) with the figures when above tolerance. */
export async function assertParity(
  model: Uint8Array,
  feeds: Record<string, FeedTensor>,
  expected: Record<string, ExpectedTensor>,
  opts: ParityOptions = {},
): Promise<ParityResult> {
  const tolerance = opts.tolerance ?? DEFAULT_PARITY_TOLERANCE;
  const result = await checkParity(model, feeds, expected, { tolerance });
  if (!result.ok) throw new ParityError(result.maxAbsError, tolerance, result.problems.join('; '));
  return result;
}

function tensorType(data: FeedTensor['data']): 'float32' | 'int64' | 'int32' {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'int32';
}
