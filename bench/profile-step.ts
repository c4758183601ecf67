/**
 * Where a training step's time goes (issue 22, "a profile"): one optimiser step of the 2.7M-parameter `bench` U-Net
 * (32×32 RGB, the bench's shapes data, v-prediction, AdamW) on wasm with webgen's kernels, run under tfjs' profiler,
 * with the forward + backward pass (accumulateGradients) and the optimiser update (AdamW.step) profiled apart.
 * Prints, per phase, the kernels by total time (calls, ms, share of the phase) and the phases' wall times; with
 * `--markdown FILE` writes the same as a Markdown table.
 *
 * `node --import tsx bench/profile-step.ts [--batch 32] [--threads 2] [--markdown FILE]` (docs/trainer-profile.md has a run)
 *
 * CPU ms are process.cpuUsage() over the phase, every thread included: on a loaded machine they move less than wall ms.
 * The profiler times each kernel on its own (tfjs' backend.time around it); the per-kernel sum is close to the
 * phase's wall time on wasm, whose kernels run synchronously. Run it on a quiet machine: shares are robust to load,
 * milliseconds are not.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../sdk/random/rng.js';
import { benchUNet } from './bench-unet.js';
import { selectBackend } from '../trainer/backend/select-backend.js';
import { batchIterator } from '../trainer/data/dataset.js';
import { accumulateGradients, disposeAll } from '../trainer/train/gradients.js';

const { values } = parseArgs({ options: { batch: { type: 'string' }, threads: { type: 'string' }, markdown: { type: 'string' } } });
const batch = Number(values.batch ?? 32);
const threads = Number(values.threads ?? 2);
await selectBackend({ prefer: 'wasm', threads, log: () => undefined });

const { data, unet, diffusion, varList, pathOf, adam } = benchUNet();
const it = batchIterator(data, batch, 0);
const sync = () => tf.backend().read(varList[0]!.dataId);

interface KernelRow {
  name: string;
  calls: number;
  ms: number;
}

/** Runs `f` under the profiler: its wall time and its kernels grouped by name, slowest first. */
async function profiled(f: () => Promise<void>): Promise<{ wallMs: number; cpuMs: number; kernels: KernelRow[]; kernelMs: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const info = await tf.profile(f);
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000; // every thread of the process: the wasm workers too
  const by = new Map<string, KernelRow>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const row = by.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    row.calls++;
    row.ms += ms;
    by.set(k.name, row);
  }
  const kernels = [...by.values()].sort((a, b) => b.ms - a.ms);
  return { wallMs, cpuMs, kernels, kernelMs: kernels.reduce((s, k) => s + k.ms, 0) };
}

let grads: ReturnType<typeof accumulateGradients> | undefined;
const backward = async () => {
  grads = accumulateGradients(diffusion, it.next(), batch, new Rng(1), varList, pathOf);
  await tf.backend().read([...grads.grads.values()][0]!.dataId);
};
const update = async () => {
  adam.step(grads!.grads, 1e-4);
  await sync();
};
// warm-up (the engine's optimising tier, the kernels' first allocations)
await backward();
await update();
disposeAll(grads!.grads);
const phases = [
  { phase: 'forward + backward (accumulateGradients)', ...(await profiled(backward)) },
  { phase: 'optimiser (AdamW.step)', ...(await profiled(update)) },
];
disposeAll(grads!.grads);

const lines: string[] = [];
const total = phases.reduce((s, p) => s + p.wallMs, 0);
const totalCpu = phases.reduce((s, p) => s + p.cpuMs, 0);
lines.push(`One training step of the bench U-Net (${unet.parameterCount().toLocaleString('en-US')} parameters), batch ${batch}, wasm with webgen kernels, ${threads} threads: ${(total / 1000).toFixed(2)} s wall, ${(totalCpu / 1000).toFixed(2)} s CPU`);
lines.push('');
lines.push('| phase | wall ms | CPU ms (all threads) | share of the step | kernel calls | kernels timed, ms |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const p of phases) lines.push(`| ${p.phase} | ${p.wallMs.toFixed(0)} | ${p.cpuMs.toFixed(0)} | ${((100 * p.wallMs) / total).toFixed(1)}% | ${p.kernels.reduce((s, k) => s + k.calls, 0)} | ${p.kernelMs.toFixed(0)} |`);
for (const p of phases) {
  lines.push('', `${p.phase}, kernels by time:`, '', '| kernel | calls | ms | share of the phase |', '| --- | ---: | ---: | ---: |');
  for (const k of p.kernels.slice(0, 16)) lines.push(`| ${k.name} | ${k.calls} | ${k.ms.toFixed(1)} | ${((100 * k.ms) / p.kernelMs).toFixed(1)}% |`);
  const rest = p.kernels.slice(16);
  if (rest.length) lines.push(`| ${rest.length} others | ${rest.reduce((s, k) => s + k.calls, 0)} | ${rest.reduce((s, k) => s + k.ms, 0).toFixed(1)} | ${((100 * rest.reduce((s, k) => s + k.ms, 0)) / p.kernelMs).toFixed(1)}% |`);
}
console.log(lines.join('\n'));
if (values.markdown) writeFileSync(values.markdown, `${lines.join('\n')}\n`);
// The threaded wasm backend's workers would keep Node alive.
process.exit(0);
