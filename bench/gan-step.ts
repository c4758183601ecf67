/**
 * `node --import tsx bench/gan-step.ts [recipe…]`: one GAN training step (power iteration, k
 * D-steps, one G-step, Adam updates) per recipe at its default size, on wasm with 1 thread, on
 * random images: wall and CPU seconds per step, averaged over 3 steps after a warm-up step. CPU
 * time is the figure to read on a shared machine (wall time includes waiting for the cores).
 * No recipe given: every GAN recipe. The table in docs/gans.md comes from this.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../sdk/random/rng.js';
import { selectBackend } from '../trainer/backend/select-backend.js';
import { buildGan } from '../trainer/gan/build-models.js';
import { discriminatorStep, generatorStep, type GanParts } from '../trainer/gan/gan-step.js';
import { GAN_OBJECTIVES } from '../trainer/gan/losses/index.js';
import { GAN_RECIPES, getGanRecipe } from '../trainer/gan/recipes.js';
import { spectralNorms } from '../trainer/nn/spectral-norm.js';
import { AdamW } from '../trainer/optim/adamw.js';

const STEPS = 3;

async function main(): Promise<void> {
  await selectBackend({ prefer: 'wasm', threads: 1 });
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(GAN_RECIPES);
  console.log('| recipe | batch | G params | D params | wall s/step | CPU s/step |\n| --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const cfg = getGanRecipe(name).defaults;
    const { G, D } = buildGan(cfg, { imageSize: 32, channels: 1, numClasses: 10 });
    const gParams = G.namedVariables();
    const dParams = D.namedVariables();
    const adamG = new AdamW(gParams, { beta1: cfg.beta1, beta2: cfg.beta2 });
    const adamD = new AdamW(dParams, { beta1: cfg.beta1, beta2: cfg.beta2 });
    const parts: GanParts = {
      G, D, objective: GAN_OBJECTIVES[cfg.loss], gParams, dParams, adamG, adamD,
      opts: { labelSmoothing: cfg.labelSmoothing, gpWeight: cfg.gpWeight, clipValue: cfg.clipValue, lrG: cfg.lrG, lrD: cfg.lrD },
    };
    const rng = new Rng(1);
    const B = cfg.batchSize;
    const real = rng.normalArray(B * 32 * 32).map(Math.tanh); // [B, 32, 32, 1] in (-1, 1)
    const labels = Int32Array.from({ length: B }, (_, i) => i % 10);
    const norms = [...spectralNorms(G), ...spectralNorms(D)];
    const step = () => {
      for (const sn of norms) sn.powerIteration();
      for (let i = 0; i < cfg.dSteps; i++) discriminatorStep(parts, real, cfg.conditional ? labels : undefined, rng);
      generatorStep(parts, B, rng);
    };
    step();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) step();
    const c = process.cpuUsage(c0);
    const wall = (performance.now() - t0) / 1000 / STEPS;
    const cpu = (c.user + c.system) / 1e6 / STEPS;
    console.log(`| ${name} | ${B} | ${G.parameterCount()} | ${D.parameterCount()} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} |`);
    for (const m of [G, D]) m.dispose();
    adamG.dispose();
    adamD.dispose();
    for (const sn of norms) sn.dispose();
  }
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

await main();
process.exit(0); // the wasm backend's worker threads would otherwise keep Node alive
