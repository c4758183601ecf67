import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../trainer/errors/index.js';
import { selectBackend } from '../trainer/backend/select-backend.js';

// Here neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed, so 'auto' must
// fall through to wasm, and asking for a native backend must say how to get it.

describe('selectBackend', () => {
  it("'auto' falls through the missing native backends to wasm with SIMD and webgen kernels, logging one line", async () => {
    const lines: string[] = [];
    const got = await selectBackend({ log: (l) => lines.push(l) });
    expect(got.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toEqual([`backend: wasm (${got.detail})`]);
    expect(lines[0]).toMatch(/^backend: wasm \(SIMD, 1 thread, webgen kernels: Conv2DBackpropFilter, Conv2DBackpropInput, UnsortedSegmentSum, BatchMatMul, WebgenGroupNorm, WebgenGroupNormGrad\)$/);
  });

  it('is idempotent and can switch to cpu and back', async () => {
    const quiet = { log: () => {} };
    expect((await selectBackend({ prefer: 'wasm', ...quiet })).name).toBe('wasm');
    expect((await selectBackend({ prefer: 'cpu', ...quiet })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend(quiet)).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it.each([
    ['tensorflow-gpu', /backend 'tensorflow-gpu' is not available: install @tensorflow\/tfjs-node-gpu .*CUDA/],
    ['tensorflow', /backend 'tensorflow' is not available: install @tensorflow\/tfjs-node /],
  ] as const)('an unavailable explicit %s throws a UsageError saying how to get it', async (prefer, message) => {
    const before = tf.getBackend();
    const err = await selectBackend({ prefer, log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect(tf.getBackend()).toBe(before);
  });

  it('rejects bad options by name', async () => {
    await expect(selectBackend({ prefer: 'webgpu' as never })).rejects.toThrow(/'prefer' must be one of/);
    await expect(selectBackend({ threads: 0 })).rejects.toThrow(/'threads' must be an integer in \[1, 8\], got 0/);
  });
});
