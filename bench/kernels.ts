import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replacedWasmKernels } from '../trainer/backend/kernels/register.js';
import { selectBackend } from '../trainer/backend/select-backend.js';

/**
 * GFLOP/s of webgen's wasm conv gradient kernels against wasm's own Conv2DBackpropInput, with
 * the forward Conv2D (XNNPACK) as yardstick. FLOPs counted as the forward conv's
 * 2·N·Ho·Wo·fh·fw·Ci·Co for all (the useful work; the zero-inserted stride-2 Conv2DBackpropInput
 * does more).
 */
export async function benchKernels(opts: {
  /** Input [N, H, W, Ci]. Default [32, 32, 32, 64]. */
  xShape?: [number, number, number, number];
  /** Output channels of the 3×3 filter. Default 64. */
  outChannels?: number;
  /** Timed runs per figure (the median is reported). Default 3. */
  reps?: number;
} = {}): Promise<Record<string, { value: number; unit: string }>> {
  const xShape = opts.xShape ?? [32, 32, 32, 64];
  const co = opts.outChannels ?? 64;
  const reps = opts.reps ?? 3;
  await selectBackend({ prefer: 'wasm', log: () => {} });
  const backend = tf.backend() as BackendWasm;
  const builtinInput = replacedWasmKernels.get('Conv2DBackpropInput');
  // It was unregistered before the backend started, so its cwrap setup never ran.
  builtinInput?.setupFunc?.(backend);
  const fShape: [number, number, number, number] = [3, 3, xShape[3], co];
  const results: Record<string, { value: number; unit: string }> = {};

  for (const stride of [1, 2]) {
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, stride, 1, 'same');
    const flops = 2 * tf.util.sizeFromShape(info.outShape) * 3 * 3 * xShape[3];
    const x = tf.randomNormal(xShape);
    const filter = tf.randomNormal(fShape);
    const dy = tf.randomNormal(info.outShape);
    const common = { strides: stride, pad: 'same', dataFormat: 'NHWC' };
    const runs: Record<string, () => tf.TensorInfo> = {
      'Conv2D forward (XNNPACK)': () => tf.engine().runKernel('Conv2D', { x, filter }, { ...common, dilations: 1 }) as tf.Tensor,
      'Conv2DBackpropFilter (webgen)': () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: fShape }) as tf.Tensor,
      'Conv2DBackpropInput (webgen)': () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...common, inputShape: xShape }) as tf.Tensor,
    };
    if (builtinInput != null) {
      runs['Conv2DBackpropInput (wasm builtin)'] = () =>
        builtinInput.kernelFunc({ inputs: { dy, filter }, backend, attrs: { ...common, inputShape: xShape } }) as tf.TensorInfo;
    }
    for (const [name, run] of Object.entries(runs)) {
      const times: number[] = [];
      for (let i = 0; i <= reps; i++) {
        const t0 = performance.now();
        const out = run();
        const ms = performance.now() - t0; // wasm kernels run synchronously
        backend.disposeData(out.dataId, true);
        if (i > 0) times.push(ms); // the first run warms up
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      results[`${name} stride ${stride}`] = { value: Math.round((flops / median / 1e6) * 10) / 10, unit: 'GFLOP/s' };
    }
    tf.dispose([x, filter, dy]);
  }
  return results;
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchKernels();
  console.log('wasm conv kernels, x [32, 32, 32, 64], filter 3x3x64x64, padding same:');
  for (const [name, r] of Object.entries(results)) console.log(`  ${name.padEnd(46)} ${r.value.toFixed(1).padStart(6)} ${r.unit}`);
}
