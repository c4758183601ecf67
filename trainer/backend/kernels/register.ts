import * as tf from '@tensorflow/tfjs';
import { batchMatMulConfig, setOriginalBatchMatMul } from './batch-mat-mul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { groupNormConfig, groupNormGradConfig } from './group-norm.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Every kernel webgen adds to (or replaces in) the wasm backend. */
export const webgenWasmKernels: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  unsortedSegmentSumConfig,
  batchMatMulConfig,
  groupNormConfig,
  groupNormGradConfig,
];

/** The wasm backend's own kernels that registration replaced, by kernel name (for benchmarks
 * and tests that compare against them). Filled by `registerWebgenWasmKernels`. Call a kernel's
 * `setupFunc(backend)` before its `kernelFunc`: if it was replaced before the wasm backend
 * started, the backend never set it up. */
export const replacedWasmKernels = new Map<string, tf.KernelConfig>();

/**
 * Registers `webgenWasmKernels` on the wasm backend, replacing any kernel of the same name.
 * Idempotent. Returns the kernel names, in order.
 */
export function registerWebgenWasmKernels(): string[] {
  for (const config of webgenWasmKernels) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing === config) continue;
    if (existing != null) {
      if (!replacedWasmKernels.has(config.kernelName)) replacedWasmKernels.set(config.kernelName, existing);
      if (config === batchMatMulConfig) setOriginalBatchMatMul(existing);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
  return webgenWasmKernels.map((k) => k.kernelName);
}
