import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Scratch } from './wasm-kernel-calls.js';

/**
 * `BatchMatMul` for the wasm backend: with transposeA or transposeB, it transposes the operand
 * first (wasm's Transpose kernel, a memory pass) and runs wasm's own BatchMatMul untransposed.
 * wasm's kernel reads a transposed operand with a strided inner loop: on [4096, 96] × [384, 96]ᵀ
 * it ran at ~0.8 GFLOP/s against ~5 untransposed (measured on 1 thread). Every matMul gradient is
 * transposed (dA = dY Bᵀ, dB = Aᵀ dY), so this is most of a transformer's backward pass.
 *
 *   A B        → wasm BatchMatMul(A, B)
 *   Aᵀ B, A Bᵀ → wasm BatchMatMul(transpose(A) or A, transpose(B) or B)
 */
let original: tf.KernelConfig | undefined;

/** Called once by registration with wasm's own BatchMatMul (before it is replaced). */
export function setOriginalBatchMatMul(config: tf.KernelConfig): void {
  original = config;
}

function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  if (!original) throw new Error('webgen BatchMatMul: the wasm backend\'s own BatchMatMul was not captured; call registerWebgenWasmKernels()');
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const backend = args.backend as BackendWasm;
  const run = original.kernelFunc as (a: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs: tf.NamedAttrMap }) => tf.TensorInfo;
  if (!transposeA && !transposeB) return run({ inputs: { a, b }, backend, attrs: args.attrs ?? {} });
  const s = new Scratch(backend);
  try {
    const a2 = transposeA ? s.run('Transpose', { x: a }, { perm: swapLast(a.shape.length) }) : a;
    const b2 = transposeB ? s.run('Transpose', { x: b }, { perm: swapLast(b.shape.length) }) : b;
    return run({ inputs: { a: a2, b: b2 }, backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
  } finally {
    s.dispose();
  }
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul,
  // wasm's kernel binds its C function in setupFunc; the backend calls ours when it starts.
  setupFunc: (backend) => original?.setupFunc?.(backend),
};
