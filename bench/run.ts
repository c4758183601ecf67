/**
 * `npm run bench`: the trainer's figures, measured in one run on this machine, printed as a table
 * and written to bench/results.json ({ name: { value, unit } }) for run-to-run comparison.
 *   1. one U-Net training step (the 2.7M 'bench' preset, 32x32 RGB, batch 32) on wasm with our
 *      kernels, its effective GFLOP/s, and the same step against the pure-JS cpu backend
 *      (at batch 2: a batch-32 cpu step takes ~28 minutes; step time is linear in batch)
 *   2. webgen's wasm gradient kernels vs wasm's own (GFLOP/s)
 *   1b. the same U-Net in PyTorch (bench/unet_peer.py, Debian's python3-torch, parameter count checked), same batch,
 *      loss and optimiser on the same threads: the ratio webgen / PyTorch per step and per image-forward
 *   3. ONNX export parity (max abs error vs the tfjs forward), fp32 and fp16, and file sizes
 * Set BENCH_SKIP_CPU=1 to leave out the cpu step (~2 minutes). Set BENCH_ONLY=step to run only 1 and 1b (the batch-32
 * training step, the image-forward and the PyTorch peer, ~1 minute) and print them, leaving bench/results.json as it is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../sdk/random/rng.js';
import { benchUNet } from './bench-unet.js';
import { selectBackend } from '../trainer/backend/select-backend.js';
import { batchIterator } from '../trainer/data/dataset.js';
import { exportUNet } from '../trainer/diffusion/export-unet.js';
import { UNET_PRESETS } from '../trainer/models/unet-presets.js';
import { accumulateGradients, disposeAll } from '../trainer/train/gradients.js';
import { benchKernels } from './kernels.js';
import { countFlops } from './flop-counter.js';
import { benchFid } from './fid.js';
import { benchSdk } from './sdk.js';
import { benchFewStep } from './few-step.js';
import { runTorchPeer } from './torch-peer.js';
import { benchLatent } from './latent.js';

type Figures = Record<string, { value: number; unit: string }>;
const results: Figures = {};
const put = (name: string, value: number, unit: string) => {
  results[name] = { value: Number(value.toPrecision(4)), unit };
  console.log(`${name.padEnd(58)} ${String(results[name]!.value).padStart(12)} ${unit}`);
};

const threads = Math.min(8, availableParallelism());
await selectBackend({ prefer: 'wasm', threads, log: (l) => console.log(l) });
console.log(`wasm threads: ${getThreadsCount()}\n`);

// 1-2. a U-Net training step
const { data, unet, diffusion, varList, pathOf, adam } = benchUNet();
put('U-Net parameters (bench preset)', unet.parameterCount(), 'params');

/** Median seconds of `reps` full optimiser steps at `batch` (after one warm-up step unless `warmup` is false). */
async function stepSeconds(batch: number, reps: number, warmup = true): Promise<{ seconds: number; flops: number }> {
  const it = batchIterator(data, batch, 0);
  const step = async () => {
    const g = accumulateGradients(diffusion, it.next(), batch, new Rng(1), varList, pathOf);
    adam.step(g.grads, 1e-4);
    disposeAll(g.grads);
    await tf.backend().read(varList[0]!.dataId); // wait for the update to finish
  };
  if (warmup) await step();
  const times: number[] = [];
  let flops = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const counted = await countFlops(tf.getBackend(), step);
    times.push((performance.now() - t0) / 1000);
    flops = counted.flops;
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, flops };
}

const wasm32 = await stepSeconds(32, 3);
put('U-Net step, batch 32, wasm + webgen kernels', wasm32.seconds, 's');
put('U-Net step, batch 32, wasm: effective throughput', wasm32.flops / wasm32.seconds / 1e9, 'GFLOP/s');
put('U-Net step, batch 32: conv+matmul work', wasm32.flops / 1e9, 'GFLOP');
// 1b. one image-forward (no gradients) at batch 32, and the PyTorch peer on the same architecture and threads
const forwardMs = await (async () => {
  const x = tf.randomNormal([32, 32, 32, 3]) as tf.Tensor4D;
  const t = tf.fill([32], 500, 'float32') as tf.Tensor1D;
  const run = async () => {
    const y = unet.apply(x, t, { classLabels: tf.zeros([32], 'int32') as tf.Tensor1D });
    await y.data();
    y.dispose();
  };
  await run();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  tf.dispose([x, t]);
  return times.sort((a, b) => a - b)[1]! / 32;
})();
put('U-Net forward, batch 32, wasm: per image', forwardMs, 'ms');
const peer = runTorchPeer({ ...UNET_PRESETS.bench, numClasses: data.numClasses! }, { batch: 32, threads: getThreadsCount() });
if (peer.ok && peer.stepSeconds !== undefined && peer.forwardSecondsPerImage !== undefined) {
  if (Math.abs(peer.parameters / unet.parameterCount() - 1) > 0.01) throw new Error(`the PyTorch peer has ${peer.parameters} parameters, webgen's U-Net ${unet.parameterCount()}: not the same architecture`);
  put(`PyTorch ${peer.torch} peer: U-Net step, batch 32, ${peer.threads} threads`, peer.stepSeconds, 's');
  put('PyTorch peer: U-Net forward, batch 32: per image', peer.forwardSecondsPerImage * 1000, 'ms');
  put('webgen / PyTorch: training step (target <= 2.5)', wasm32.seconds / peer.stepSeconds, 'x');
  put('webgen / PyTorch: image-forward', forwardMs / (peer.forwardSecondsPerImage * 1000), 'x');
} else {
  console.log(`PyTorch peer: not timed: ${peer.ok ? 'no timing in its answer' : peer.why}`);
}
if (process.env.BENCH_ONLY === 'step') process.exit(0); // the threaded wasm backend's workers would keep Node alive
const wasm2 = await stepSeconds(2, 3);
put('U-Net step, batch 2, wasm + webgen kernels', wasm2.seconds, 's');
if (!process.env.BENCH_SKIP_CPU) {
  await selectBackend({ prefer: 'cpu', log: () => {} });
  const cpu2 = await stepSeconds(2, 1, false);
  put('U-Net step, batch 2, cpu backend', cpu2.seconds, 's');
  put('U-Net step speed-up, wasm + webgen kernels vs cpu (batch 2)', cpu2.seconds / wasm2.seconds, 'x');
  put('U-Net step, batch 32, cpu backend (from batch 2, linear)', cpu2.seconds * 16, 's (est.)');
  await selectBackend({ prefer: 'wasm', log: () => {} });
}

// 3. kernels (after the U-Net: their large buffers would fragment the wasm heap)
for (const [name, f] of Object.entries(await benchKernels())) put(`kernel: ${name}`, f.value, f.unit);

// 4. export parity. An untrained U-Net's output conv is zero, which would make any parity figure
// trivially small: give every weight a random offset first so all paths carry signal.
const jitter = new Rng(99);
for (const v of varList) v.assign(v.add(tf.tensor(jitter.normalArray(v.size).map((x) => x * 0.05), v.shape)));
const exportDir = 'bench/.export';
const exported = await exportUNet({
  dir: exportDir,
  name: 'bench',
  diffusion,
  fp16: true,
  training: { recipe: 'bench', data: 'shapes:256', steps: 0, wallTimeSeconds: 0, parameters: unet.parameterCount(), config: {} },
});
put('ONNX parity max abs error, fp32 weights (bench U-Net)', exported.maxAbsError, 'abs');
put('ONNX parity max abs error, fp16 weights (bench U-Net)', exported.fp16MaxAbsError!, 'abs');
put('ONNX file size, fp16 weights (bench U-Net)', exported.manifest.files.unet!.bytes / 1e6, 'MB');
put('ONNX file size, fp32 weights (bench U-Net)', unet.toOnnx().byteLength / 1e6, 'MB');

// 5. the browser SDK: per-step latency in Chromium (onnxruntime-web wasm) vs onnxruntime-node vs tfjs-wasm, bundle size
for (const [name, f] of Object.entries(await benchSdk())) put(name, f.value, f.unit);

// 5b. few-step generation: distilled students against their teacher's samplers, ms per image (bench/few-step.ts)
for (const [name, f] of Object.entries(await benchFewStep())) put(name, f.value, f.unit);

// 5c. latent diffusion: one 64x64 image, 10 guided steps + decode, Chromium wasm vs onnxruntime-node (bench/latent.ts)
for (const [name, f] of Object.entries(await benchLatent())) put(name, f.value, f.unit);

// 6. FID/KID statistics: wasm vs plain TypeScript vs scipy (N = 10,000, d = 2048)
await benchFid(put);

mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwrote bench/results.json');
// The threaded wasm backend's workers would keep Node alive.
process.exit(0);
