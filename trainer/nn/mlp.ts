import type * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Dense } from './dense.js';
import { GELU } from './gelu.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Transformer feed-forward: Dense(D → hidden), GELU, Dense(hidden → D), on the last axis. */
export class Mlp extends Module {
  readonly fc1: Dense;
  readonly act: GELU;
  readonly fc2: Dense;

  constructor(rng: Rng, dim: number, hidden: number) {
    super();
    this.fc1 = this.addModule('fc1', new Dense(rng, dim, hidden));
    this.act = this.addModule('act', new GELU());
    this.fc2 = this.addModule('fc2', new Dense(rng, hidden, dim));
  }

  /** x: [..., D] → [..., D] */
  apply<T extends tf.Tensor>(x: T): T {
    return this.fc2.apply(this.act.apply(this.fc1.apply(x)));
  }

  toOnnx(g: OnnxGraph, x: string): string {
    return this.fc2.toOnnx(g, this.act.toOnnx(g, this.fc1.toOnnx(g, x)));
  }
}
