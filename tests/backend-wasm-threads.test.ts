import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../trainer/backend/select-backend.js';
import { wasmThreadsWorkerPath } from '../trainer/backend/wasm-threads.js';

// wasm-threads.ts forces tfjs' threaded wasm build under Node through tfjs internals. These
// tests fail when a tfjs upgrade moves what it relies on, instead of training silently going
// back to one thread (or the backend failing to start).

const require = createRequire(import.meta.url);

describe('the tfjs internals wasm-threads.ts relies on', () => {
  it('still exist in @tensorflow/tfjs-backend-wasm', () => {
    const wasmOut = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
    expect(existsSync(wasmOut)).toBe(true);
    const worker = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents?: unknown };
    expect(typeof worker.wasmWorkerContents).toBe('string');
    expect(worker.wasmWorkerContents).toMatch(/importScripts/);
    expect(existsSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm'))).toBe(true);
    expect(existsSync(wasmThreadsWorkerPath)).toBe(true);
    // The flag tfjs answers false under Node, and the worker-script path through createObjectURL.
    const bundle = require('node:fs').readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm'), 'utf8') as string;
    expect(bundle).toContain("'WASM_HAS_MULTITHREAD_SUPPORT'");
    expect(bundle).toMatch(/endsWith\('\.worker\.js'\)[\s\S]{0,600}URL\.createObjectURL/);
    expect(bundle).toMatch(/_emscripten_num_logical_cores\(\) \{ if \(ENVIRONMENT_IS_NODE\)\s*return require\$\$\d+\.cpus\(\)\.length/);
  });
});

describe('selectBackend({ threads: 2 })', () => {
  it('starts wasm with 2 xnnpack threads whose results match cpu', async () => {
    const lines: string[] = [];
    const got = await selectBackend({ prefer: 'wasm', threads: 2, log: (l) => lines.push(l) });
    expect(getThreadsCount()).toBe(2);
    expect(got.detail).toMatch(/^SIMD, 2 threads, /);
    expect(lines[0]).toMatch(/^backend: wasm \(SIMD, 2 threads, webgen kernels: /);
    // Big enough that xnnpack splits the work across threads.
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(Array.from({ length: 2 * 16 * 16 * 16 }, (_, i) => Math.sin(i)), [2, 16, 16, 16]);
      const w = tf.tensor4d(Array.from({ length: 3 * 3 * 16 * 16 }, (_, i) => Math.cos(i) * 0.1), [3, 3, 16, 16]);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').square().sum())([x, w]);
      return tf.concat([dx!.flatten(), dw!.flatten()]);
    });
    const wasmOut = await run().data();
    await tf.setBackend('cpu');
    const cpuOut = await run().data();
    let abs = 0;
    let mag = 0;
    for (let i = 0; i < cpuOut.length; i++) {
      abs = Math.max(abs, Math.abs(wasmOut[i]! - cpuOut[i]!));
      mag = Math.max(mag, Math.abs(cpuOut[i]!));
    }
    console.log(`2-thread wasm conv gradients vs cpu: max abs err ${abs.toExponential(2)}, rel ${(abs / mag).toExponential(2)}`);
    expect(abs / mag).toBeLessThan(1e-5);
  });
});
